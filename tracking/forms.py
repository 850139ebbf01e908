"""The tracking form: any of status, proficiency, notes and evidence link for one skill;
and the rows of a roadmap's form, each checked by it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django import forms
from django.core.validators import URLValidator
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from skills.models import Proficiency
from tracking.models import (
    EVIDENCE_URL_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    TRACKED_FIELDS,
    Rating,
    SkillProgress,
    Status,
    http_url,
)

if TYPE_CHECKING:
    from careers.models import Competency


class HttpUrlField(forms.URLField):
    """A web address: http or https only (no `javascript:` or `ftp:`), one message when
    it is not (URLField's own validator would add a second, identical one)."""

    default_validators = [http_url]


# The one rule tying status to proficiency: a skill not started is known at most this
# well. Raising the proficiency above it while leaving the status alone starts the skill
# (it becomes "learning"); choosing "not started" with a higher proficiency is refused.
NOT_STARTED_MOST = Proficiency.AWARE


def state_error(status: str, proficiency: int) -> str | None:
    """Why (status, proficiency) contradict each other, or None when they agree."""
    if status == Status.NOT_STARTED and proficiency > NOT_STARTED_MOST:
        return str(
            _(
                "A skill not started can be at most “%(most)s”: choose “learning” or “done”, "
                "or a lower proficiency."
            )
            % {"most": Proficiency(NOT_STARTED_MOST).label}
        )
    return None


class ProgressForm(forms.Form):
    """Fields left out of the submitted data keep their value (as in the API's PUT).

    The roadmap's rows send status and proficiency; the skill page also sends notes
    and the evidence link. `changes()` is what to apply. Status and proficiency never
    contradict each other (`state_error`): a proficiency above "aware" on a skill whose
    status stays "not started" makes it "learning"; "not started" chosen with a higher
    proficiency is refused.
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
        if "status" not in self.errors and "proficiency" not in self.errors:
            self.check_state(cleaned)
        return cleaned

    def check_state(self, cleaned: dict[str, Any]) -> None:
        """Apply the status/proficiency rule to the state these changes would make."""
        stored_status = self.initial.get("status") or Status.NOT_STARTED
        stored_level = self.initial.get("proficiency") or Proficiency.NONE
        status = cleaned["status"] if "status" in self.data else stored_status
        level = cleaned["proficiency"] if "proficiency" in self.data else stored_level
        message = state_error(status, level)
        if message is None:
            return
        if status == stored_status:  # only the proficiency moved: the skill is started
            self.implied["status"] = Status.LEARNING.value
        else:
            self.add_error("proficiency" if level != stored_level else "status", message)

    @cached_property
    def implied(self) -> dict[str, Any]:
        """Changes the rule adds to the submitted ones (a status, see the class)."""
        return {}

    def changes(self) -> dict[str, Any]:
        """The validated values of the fields that were submitted, and what they imply."""
        return {name: self.cleaned_data[name] for name in self.submitted()} | self.implied


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


# Self-assessment of a level's behaviour criteria --------------------------------------

evidence_link = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a link that starts with http:// or https://."),
    code="invalid_link",
)
NOT_ASSESSED = ""


def clean_evidence_link(value: str) -> str:
    """An http(s) link, or "". A bare host (example.com/post) is taken as https; any
    other scheme (javascript:, data:, ftp:) is refused with one clear error."""
    value = value.strip()
    if not value:
        return ""
    if not urlsplit(value).scheme and not value.startswith("//"):
        value = f"https://{value}"
    evidence_link(value)
    return value


class AssessmentForm(forms.Form):
    """One form for all the behaviour criteria of a level: per criterion a rating (met,
    not yet, or left not assessed), a note and an evidence link, in fields named
    `rating-<id>`, `note-<id>` and `evidence_url-<id>`.

    Only criteria whose rating was submitted are saved (`ratings()`); a note or a link
    without a rating is refused, since it would be kept nowhere.
    """

    def __init__(
        self,
        *args: Any,
        competencies: Sequence[Competency],
        current: dict[int, tuple[str | None, str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = list(competencies)
        current = current or {}
        choices = [(NOT_ASSESSED, capfirst(_("not assessed"))), *Rating.choices]
        for competency in self.competencies:
            rating, note, evidence_url = current.get(competency.pk, (None, "", ""))
            self.fields[f"rating-{competency.pk}"] = forms.ChoiceField(
                label=competency.criterion,
                choices=[(value, capfirst(label)) for value, label in choices],
                required=False,
                widget=forms.RadioSelect,
                initial=rating or NOT_ASSESSED,
                error_messages={
                    "invalid_choice": _("Choose met, not yet, or not assessed."),
                },
            )
            self.fields[f"note-{competency.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=NOTES_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=note,
            )
            self.fields[f"evidence_url-{competency.pk}"] = forms.CharField(
                label=_("Evidence link"),
                required=False,
                max_length=EVIDENCE_URL_MAX_LENGTH,
                widget=forms.URLInput(attrs={"inputmode": "url"}),
                initial=evidence_url,
                help_text=_("An http(s) link: a pull request, a design document, a post."),
            )

    def rows(self) -> list[tuple[Competency, forms.BoundField, forms.BoundField, forms.BoundField]]:
        """(criterion, its rating, note and link fields), in the level's order."""
        return [
            (c, self[f"rating-{c.pk}"], self[f"note-{c.pk}"], self[f"evidence_url-{c.pk}"])
            for c in self.competencies
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for competency in self.competencies:
            rating_name = f"rating-{competency.pk}"
            note_name, link_name = f"note-{competency.pk}", f"evidence_url-{competency.pk}"
            note = cleaned.get(note_name, "") or ""
            cleaned[note_name] = note.strip().replace("\r\n", "\n")
            if link_name in cleaned:
                try:
                    cleaned[link_name] = clean_evidence_link(cleaned[link_name] or "")
                except forms.ValidationError as error:
                    self.add_error(link_name, error)
            if (
                rating_name in self.data
                and not cleaned.get(rating_name)
                and rating_name not in self.errors
                and (cleaned.get(note_name) or cleaned.get(link_name))
            ):
                self.add_error(
                    rating_name,
                    _("Choose met or not yet to keep a note or a link with this criterion."),
                )
        if not any(f"rating-{c.pk}" in self.data for c in self.competencies):
            raise forms.ValidationError(_("Nothing to save: rate at least one criterion."))
        return cleaned

    def ratings(self) -> dict[int, tuple[str | None, str, str]]:
        """{competency id: (rating or None, note, link)} for the criteria submitted."""
        return {
            c.pk: (
                self.cleaned_data[f"rating-{c.pk}"] or None,
                self.cleaned_data[f"note-{c.pk}"],
                self.cleaned_data[f"evidence_url-{c.pk}"],
            )
            for c in self.competencies
            if f"rating-{c.pk}" in self.data
        }
