from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = _("Check-ins")

    def ready(self) -> None:
        from accounts.export import register_part
        from checkins.export import checkins_part

        # Pages here are private and never cached (never_cache), so nothing to bump.
        register_part("checkins", checkins_part)  # my evidence and check-ins in /me/export/
