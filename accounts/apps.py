from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and profiles")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from accounts import language, signals  # noqa: F401  (connects the receivers)
        from accounts.models import Profile
        from core.versions import bump_on_change, user_scope

        # A person's cached pages (their header, their level and country) are rendered
        # again after any change to their account or profile.
        bump_on_change(lambda user: user_scope(user.pk), get_user_model())
        bump_on_change(lambda profile: user_scope(profile.user_id), Profile)
