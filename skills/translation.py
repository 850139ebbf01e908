"""Names of roadmaps, sections and skills in every language of settings.LANGUAGES
(django-modeltranslation: a column per language, English when one is empty).
Descriptions stay in the language they were written in (docs/translations.md)."""

from modeltranslation.translator import TranslationOptions, register

from skills.models import Roadmap, Section, Skill


@register(Roadmap)
class RoadmapTranslation(TranslationOptions):
    fields = ("title",)


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title",)


@register(Skill)
class SkillTranslation(TranslationOptions):
    fields = ("name",)
