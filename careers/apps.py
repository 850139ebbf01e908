from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = _("Career tracks and levels")

    def ready(self) -> None:
        from careers.models import (
            Competency,
            Level,
            LevelRequirement,
            RequirementGroup,
            Theme,
            Track,
            Transition,
        )
        from core.versions import CONTENT, bump_on_change

        # Cached pages and results that show content are computed again after any edit;
        # the tracks import bumps CONTENT itself. (Salary statistics name tracks and
        # levels too: salaries/apps.py watches these models for its own scope.)
        bump_on_change(
            CONTENT,
            Track,
            Level,
            LevelRequirement,
            Transition,
            Theme,
            Competency,
            RequirementGroup,
            m2m=(RequirementGroup.skills.through,),
        )
