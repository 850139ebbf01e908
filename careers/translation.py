"""Names of tracks, levels, themes and requirement groups in every language of
settings.LANGUAGES (django-modeltranslation: a column per language, English when one is
empty). Summaries and criteria stay in the language they were written in
(docs/translations.md)."""

from modeltranslation.translator import TranslationOptions, register

from careers.models import Level, RequirementGroup, Theme, Track


@register(Track)
class TrackTranslation(TranslationOptions):
    fields = ("name",)


@register(Level)
class LevelTranslation(TranslationOptions):
    fields = ("name",)


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)


@register(RequirementGroup)
class RequirementGroupTranslation(TranslationOptions):
    fields = ("name",)
