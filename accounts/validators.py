"""Reusable validators for profile fields."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

HANDLE_MIN_LENGTH = 3
HANDLE_MAX_LENGTH = 30

handle_format = RegexValidator(
    regex=r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z",
    message=_(
        "Use lowercase letters, digits and single hyphens between them (for example ada-lovelace)."
    ),
    code="invalid_handle",
)
