"""The tracking form: any of status, proficiency, notes and evidence link for one skill;
and the rows of a roadmap's form, each checked by it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from skills.models import Proficiency
from tracking.models import (
    EVIDENCE_URL_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    TRACKED_FIELDS,
    SkillProgress,
    Status,
    http_url,
)


class HttpUrlField(forms.URLField):
    """A web address: http or https only (no `javascript:` or `ftp:`), one message when
    it is not (URLField's own validator would add a second, identical one)."""

    default_validators = [http_url]


class ProgressForm(forms.Form):
    """Fields left out of the submitted data keep their value (as in the API's PUT).

    The roadmap's rows send status and proficiency; the skill page also sends notes
    and the evidence link. `changes()` is what to apply.
    """

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(value, capfirst(label)) for value, label in Status.choices],
        required=False,
    )
    proficiency = forms.TypedChoiceField(
        label=_("Proficiency"),
        choices=[(value, f"{value} · {label}") for value, label in Proficiency.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Private notes for yourself."),
    )
    evidence_url = HttpUrlField(
        label=_("Evidence link"),
        required=False,
        max_length=EVIDENCE_URL_MAX_LENGTH,
        assume_scheme="https",
        help_text=_("A link that shows your work: a repository, a certificate, a post."),
    )

    def __init__(self, *args: Any, progress: SkillProgress | None = None, **kwargs: Any) -> None:
        if progress is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(progress, name) for name in TRACKED_FIELDS}
        super().__init__(*args, **kwargs)

    def submitted(self) -> list[str]:
        return [name for name in TRACKED_FIELDS if name in self.data]

    def clean_status(self) -> str | None:
        return self.cleaned_data["status"] or None

    def clean_notes(self) -> str:
        return self.cleaned_data["notes"].strip().replace("\r\n", "\n")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.submitted():
            raise forms.ValidationError(_("Nothing to save: choose a status or a proficiency."))
        for name in ("status", "proficiency"):
            if name in self.data and cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, _("Choose one of the options."))
        return cleaned

    def changes(self) -> dict[str, Any]:
        """The validated values of the fields that were submitted."""
        return {name: self.cleaned_data[name] for name in self.submitted()}


def roadmap_rows(data: QueryDict) -> list[tuple[str, dict[str, str]]] | None:
    """The rows a roadmap form posts, in document order: (skill slug, its status and
    proficiency). Each row sends a `skill`, a `status` and a `proficiency`; the lists
    are zipped. None when they do not line up or a skill comes twice."""
    skills = data.getlist("skill")
    statuses = data.getlist("status")
    levels = data.getlist("proficiency")
    if not (len(skills) == len(statuses) == len(levels)) or len(set(skills)) != len(skills):
        return None
    return [
        (slug, {"status": status, "proficiency": level})
        for slug, status, level in zip(skills, statuses, levels, strict=True)
    ]
