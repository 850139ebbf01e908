"""`{{ day|short_day }}`: month and day, short, in the reader's locale (core.l10n), for
chart labels where "November 30" would not fit."""

from datetime import date

from django import template

from core import l10n

register = template.Library()


@register.filter
def short_day(day: date | None) -> str:
    return l10n.short_day(day) if day else ""
