from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("Skill tracking")

    def ready(self) -> None:
        from core.versions import bump_on_change, user_scope
        from tracking.models import CompetencyAssessment, ProgressEvent, SkillProgress

        # A person's cached pages are rendered again after any change to their progress.
        bump_on_change(
            lambda row: user_scope(row.user_id), SkillProgress, ProgressEvent, CompetencyAssessment
        )
