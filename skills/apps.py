from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "skills"
    verbose_name = _("Roadmaps and skills")

    def ready(self) -> None:
        from core.versions import CONTENT, bump_on_change
        from skills.models import Prerequisite, Resource, Roadmap, Section, Skill, SkillPlacement

        # Cached pages and results that show content are computed again after any edit
        # (the admin's included); the roadmap import bumps CONTENT itself.
        models = (Roadmap, Section, Skill, Prerequisite, SkillPlacement, Resource)
        bump_on_change(CONTENT, *models, m2m=[Skill.prerequisites.through])
