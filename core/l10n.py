"""Formats in the reader's locale that Django's own formats do not cover, from the
Unicode CLDR through Babel (docs/translations.md, "Numbers, dates and money")."""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from babel.numbers import format_percent
from django.conf import settings
from django.db.models import CharField, F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language, to_locale


def babel_locale() -> str:
    """The active language as a CLDR locale for Babel ("de", "pt_BR")."""
    return to_locale(get_language() or settings.LANGUAGE_CODE)


def short_day(day: date) -> str:
    """Month and day, short, in the locale's order: "Nov 30", "30. Nov.", "30 нояб."."""
    return format_skeleton("MMMd", day, locale=babel_locale())


def percent(value: int) -> str:
    """A whole percentage in the locale's way: "25%", "25 %" (German, French), "25 %"."""
    return format_percent(value / 100, locale=babel_locale())


def localized(path: str) -> Combinable:
    """A translated name read through a relation, in the active language, English where
    it has none: `values_list("skill__slug", localized("skill__name"))`. Querysets of the
    translated models do this themselves (django-modeltranslation); this is for reading a
    name across a join from a model that has no translations of its own."""
    language = get_language() or settings.LANGUAGE_CODE
    english = F(f"{path}_{settings.LANGUAGE_CODE}")
    if language == settings.LANGUAGE_CODE or language not in dict(settings.LANGUAGES):
        return english
    return Coalesce(NullIf(F(f"{path}_{language}"), Value("")), english, output_field=CharField())
