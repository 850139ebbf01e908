from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Plans and goals")

    def ready(self) -> None:
        from core.versions import bump_on_change, user_scope
        from planning.models import DigestSubscription, Goal

        # A person's cached pages (the dashboard's goal card, the plan) follow their goals
        # and their digest opt-in (the plan's switch).
        bump_on_change(lambda goal: user_scope(goal.user_id), Goal)
        bump_on_change(lambda digest: user_scope(digest.user_id), DigestSubscription)
