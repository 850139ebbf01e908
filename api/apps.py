from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from accounts.export import register_part
        from api.export import tokens_part

        register_part("api_tokens", tokens_part)  # a person's tokens go in /me/export/
