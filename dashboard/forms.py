"""The compare page's level picker."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from django import forms
from django.utils.translation import gettext_lazy as _

from careers.models import Level


class CompareForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Compare me with"),
        help_text=_("Any level of any track."),
        error_messages={
            "required": _("Choose a level to compare with."),
            "invalid_choice": _("There is no level “%(value)s”. Choose one from the list."),
        },
    )

    def __init__(self, *args, levels: Sequence[Level], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.levels = {level.key: level for level in levels}
        self.fields["level"].choices = [
            (track.name, [(level.key, level.name) for level in group])
            for track, group in groupby(levels, key=lambda level: level.track)
        ]

    def clean_level(self) -> Level:
        return self.levels[self.cleaned_data["level"]]
