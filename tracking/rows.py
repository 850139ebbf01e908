"""Roadmap rows: one skill of a roadmap, with a signed-in person's status and proficiency.

A row comes in three modes: content only (nobody signed in); compact, showing the
person's status as a chip that opens its section's editor, and the proficiency; and
editing, with a select for each (one section is edited at a time, so a roadmap page
stays small). A row's HTML depends only on the content (the skill, its kind and
prerequisites, the roadmap), the row's mode and state (status, proficiency, and errors
when a save was refused) and the language: no CSRF token, request path or other
per-request value, so a row may be kept in a per-process cache. The roadmap page's one
form (id "track", tracking/_roadmap_summary.html) holds the CSRF token; the editing
rows' fields join it with the `form` attribute. With htmx a change posts the row's own
fields (hx-include, hx-target and hx-swap come from the list, tracking/_section.html)
and the row is swapped; a compact row's chip fetches its section, editing
(tracking.views.roadmap_detail).

Rows are HTML made here rather than by a template: a roadmap page has a hundred rows or
more, and the template engine's cost per node made them most of the page's time
(docs/benchmarks.md). Every value is escaped with `html.escape` (what Django's `escape`
does, without its checks for lazy strings) or comes escaped (`format_html`).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from skills.models import Proficiency, Roadmap, SkillKind
from skills.tree import PlacedSkill
from tracking.models import Status

State = tuple[str, int]  # (status, proficiency)
DEFAULT_STATE: State = (Status.NOT_STARTED.value, Proficiency.NONE.value)
SLUG_MARK = "slug-mark"  # stands for a skill's slug in its page's URL
EMPTY = mark_safe("")

ROW = (
    '<li class="skill-row" id="skill-{slug}"{post}><a class="skill-name" href="{url}">{name}</a>\n'
    '<span class="skill-kind badge kind-{kind}">{kind_label}</span>\n{prerequisites}{state}</li>'
)
POST = ' hx-post="{}" hx-trigger="change delay:500ms"'
PREREQUISITES = '<span class="skill-prereqs">{}: {}</span>\n'
LINK = '<a href="{}">{}</a>'
# Compact: the status opens the section's editor (htmx: in place, as the answer's headers
# say; without JavaScript the page, the row's status focused); then the proficiency,
# unless none.
CHIP = '<a class="chip chip-{status}" href="{edit}" hx-boost="true" aria-label="{label}">{word}</a>'
LEVEL = '\n<span class="skill-level level-{:d}">{}</span>'
# Editing: the fields of the page's form, each labelled, with its error if refused.
FIELDS = (
    '<span class="skill-status"><input type="hidden" name="skill" value="{slug}" form="track">'
    '<select name="status" id="status-{slug}" form="track" class="status-select status-{status}"'
    ' aria-label="{status_label}"{focus}{status_invalid}>{status_options}</select>{status_error}'
    '</span>\n<span class="skill-level"><select name="proficiency" id="proficiency-{slug}"'
    ' form="track" class="proficiency-select" aria-label="{proficiency_label}"'
    "{proficiency_invalid}>{proficiency_options}</select>{proficiency_error}</span>{row_error}"
)
INVALID = ' aria-invalid="true" aria-describedby="{}-{}-error"'
ERROR = '<span class="errorlist" id="{}-{}-error">{}</span>'
ROW_ERROR = '\n<span class="errorlist skill-error">{}</span>'


class RowMaker:
    """Makes the rows of one roadmap in the active language: labels, option lists and
    URL patterns are made once per page, then shared by its rows."""

    def __init__(
        self, roadmap: Roadmap, *, tracking: bool, in_roadmap: set[str], focus: str = ""
    ) -> None:
        self.in_roadmap = in_roadmap  # slugs of the skills on this page
        self.tracking = tracking
        self.page_url = roadmap.get_absolute_url()
        # A chip opens its section on the same view of the roadmap (tracking.focus).
        query = f"?focus={focus}&edit=" if focus else "?edit="
        self.edit_url = f"{self.page_url}{query}"
        self.save_url = reverse("tracking:track_roadmap", args=[roadmap.slug])
        self.skill_url = reverse("tracking:skill_detail", args=[SLUG_MARK])
        self.needs = gettext("Needs")
        self.kind_labels = {kind: str(label) for kind, label in SkillKind.choices}
        self.status_words = {value: str(capfirst(label)) for value, label in Status.choices}
        self.levels = {value: str(label) for value, label in Proficiency.choices}
        self.status_label = gettext("Status of %(name)s")
        self.chip_label = gettext("Status of %(name)s: %(status)s")
        self.proficiency_label = gettext("Proficiency in %(name)s")

    @cached_property
    def choices(self) -> dict[str, dict[Any, SafeString]]:
        """The `<option>` lists of each field, by the value selected ("" for none): made
        for the first row being edited, shared by the others."""
        statuses = list(self.status_words.items())
        levels = [(value, f"{value} · {label}") for value, label in self.levels.items()]
        status = {value: options(statuses, value) for value, _ in statuses}
        proficiency = {value: options(levels, value) for value, _ in levels}
        status[""] = options(statuses, None)
        proficiency[""] = options(levels, None)
        return {"status": status, "proficiency": proficiency}

    def url_of(self, slug: str) -> str:
        """A skill's page (as `Skill.get_absolute_url`, without resolving it each time)."""
        return self.skill_url.replace(SLUG_MARK, slug)

    def row(
        self,
        skill: PlacedSkill,
        state: State = DEFAULT_STATE,
        *,
        editing: bool = False,
        autofocus: bool = False,
        errors: dict[str, str] | None = None,
    ) -> SafeString:
        """The row of `skill` in `state`; a value that is not a choice selects nothing.
        `editing` gives it controls (then `autofocus` focuses its status, and `errors`
        says why its save was refused: by field, "status", "proficiency" or "row")."""
        prerequisites = ""
        if skill.prerequisites:
            links = ", ".join(
                LINK.format(
                    f"#skill-{escape(needed.slug)}"
                    if needed.slug in self.in_roadmap
                    else escape(self.url_of(needed.slug)),
                    escape(needed.name),
                )
                for needed in skill.prerequisites
            )
            prerequisites = PREREQUISITES.format(escape(self.needs), links)
        post = ""
        if not self.tracking:
            shown = ""
        elif editing:
            shown = self.fields(skill, state, autofocus, errors or {})
            post = POST.format(escape(self.save_url))
        else:
            shown = self.compact(skill, state)
        html = ROW.format(
            slug=escape(skill.slug),
            post=post,
            url=escape(self.url_of(skill.slug)),
            name=escape(skill.name),
            kind=escape(skill.kind),
            kind_label=escape(self.kind_labels[skill.kind]),
            prerequisites=prerequisites,
            state=shown,
        )
        return mark_safe(html)  # noqa: S308 - every value escaped above

    def compact(self, skill: PlacedSkill, state: State) -> str:
        status, proficiency = state
        word = self.status_words.get(status, status)
        chip = CHIP.format(
            status=escape(status),
            edit=escape(f"{self.edit_url}{skill.slug}"),
            label=escape(self.chip_label % {"name": skill.name, "status": word}),
            word=escape(word),
        )
        if not proficiency:
            return chip
        return chip + LEVEL.format(proficiency, escape(self.levels.get(proficiency, "")))

    def fields(
        self, skill: PlacedSkill, state: State, autofocus: bool, errors: dict[str, str]
    ) -> SafeString:
        status, proficiency = state

        def invalid(field: str) -> SafeString:
            return format_html(INVALID, field, skill.slug) if errors.get(field) else EMPTY

        def error(field: str) -> SafeString:
            message = errors.get(field)
            return format_html(ERROR, field, skill.slug, message) if message else EMPTY

        return format_html(
            FIELDS,
            slug=skill.slug,
            status=status,
            status_label=self.status_label % {"name": skill.name},
            focus=mark_safe(" autofocus") if autofocus else EMPTY,
            status_invalid=invalid("status"),
            status_options=self.choices["status"].get(status, self.choices["status"][""]),
            status_error=error("status"),
            proficiency_label=self.proficiency_label % {"name": skill.name},
            proficiency_invalid=invalid("proficiency"),
            proficiency_options=self.choices["proficiency"].get(
                proficiency, self.choices["proficiency"][""]
            ),
            proficiency_error=error("proficiency"),
            row_error=format_html(ROW_ERROR, errors["row"]) if errors.get("row") else EMPTY,
        )


def options(choices: list[tuple[Any, str]], selected: Any) -> SafeString:
    """`<option>`s for `choices`, the one whose value is `selected` selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


def form_errors(errors: ErrorDict) -> dict[str, str]:
    """A row's form errors as the row shows them: per field, and the rest as "row"."""
    shown = {name: " ".join(errors[name]) for name in ("status", "proficiency") if name in errors}
    rest = [text for name, texts in errors.items() if name not in shown for text in texts]
    if rest:
        shown["row"] = " ".join(rest)
    return shown
