"""Formats in the reader's locale that Django's own formats do not cover, from the
Unicode CLDR through Babel (docs/translations.md, "Numbers, dates and money")."""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from django.conf import settings
from django.utils.translation import get_language, to_locale


def babel_locale() -> str:
    """The active language as a CLDR locale for Babel ("de", "pt_BR")."""
    return to_locale(get_language() or settings.LANGUAGE_CODE)


def short_day(day: date) -> str:
    """Month and day, short, in the locale's order: "Nov 30", "30. Nov.", "30 нояб."."""
    return format_skeleton("MMMd", day, locale=babel_locale())
