"""Saving a roadmap's rows: the whole form without JavaScript, or one row with htmx.

Each row is checked by ProgressForm and saved by `SkillProgress.objects.record()`, as on
`/track/<skill>/`; only rows whose status or proficiency differ from what is saved are
written (a roadmap form sends every row). A row is refused when its values are not
choices, or when its progress changed after the page was built (`since`, sent by the
page's form): the person's tab was stale, and its row would undo a change made
elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from skills.models import Roadmap, SkillPlacement
from tracking.forms import ProgressForm
from tracking.models import SkillProgress
from tracking.rows import DEFAULT_STATE, State, form_errors

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def state_of(progress: SkillProgress | None) -> State:
    """(status, proficiency) of a person's progress on a skill; the defaults without one."""
    if progress is None:
        return DEFAULT_STATE
    return (progress.status, progress.proficiency)


@dataclass
class Saved:
    """What became of a roadmap form's rows."""

    # (placement, progress) of each row written, in the form's order.
    changed: list[tuple[SkillPlacement, SkillProgress]] = field(default_factory=list)
    # Rows not written, by skill id: the placement, the state to show, the errors.
    refused: dict[int, tuple[SkillPlacement, tuple[str, int], dict[str, str]]] = field(
        default_factory=dict
    )
    # (placement, progress or None) of each row already as posted.
    unchanged: list[tuple[SkillPlacement, SkillProgress | None]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # slugs of skills not on the roadmap


def save_rows(
    user: AbstractBaseUser,
    roadmap: Roadmap,
    rows: list[tuple[str, dict[str, str]]],
    since: datetime | None = None,
) -> Saved:
    """Check every row (tracking.forms.roadmap_rows) and save the changed ones.

    Placements come with their skill, section and roadmap loaded. Two queries to read,
    then a few for each row written."""
    placements = {
        p.skill.slug: p
        for p in SkillPlacement.objects.filter(
            section__roadmap=roadmap, skill__slug__in=[slug for slug, _data in rows]
        ).select_related("skill", "section__roadmap")
    }
    progress = (
        SkillProgress.objects.for_user(user)
        .filter(skill__in=[p.skill_id for p in placements.values()])
        .by_skill_id()
    )
    saved = Saved()
    with transaction.atomic():
        for slug, data in rows:
            placement = placements.get(slug)
            if placement is None:
                saved.unknown.append(slug)
                continue
            current = progress.get(placement.skill_id)
            stored = state_of(current)
            form = ProgressForm(data, progress=current)
            if not form.is_valid():
                # Shown: each value that is a choice, else the saved one; and why.
                valid = form.cleaned_data
                shown = (
                    valid.get("status") or stored[0],
                    stored[1] if valid.get("proficiency") is None else valid["proficiency"],
                )
                saved.refused[placement.skill_id] = (placement, shown, form_errors(form.errors))
                continue
            changes = form.changes()
            wanted = (changes["status"], changes["proficiency"])
            if wanted == stored:
                saved.unchanged.append((placement, current))
                continue
            if since is not None and current is not None and current.updated_at > since:
                message = _(
                    "Changed elsewhere after this page was loaded: it is now %(status)s, "
                    "proficiency %(proficiency)s. The value on this page was not saved."
                ) % {
                    "status": current.get_status_display(),
                    "proficiency": current.get_proficiency_display(),
                }
                saved.refused[placement.skill_id] = (placement, stored, {"row": message})
                continue
            written, _event = SkillProgress.objects.record(user, placement.skill, changes)
            saved.changed.append((placement, written))
    return saved
