"""Marking a whole section at once (done, skipped or not started), and undoing it.

`plan_section` says what a mark would change (the confirmation lists it); `apply`
writes it through `SkillProgress.objects.record`, so every change is a progress event
and the status/proficiency rule (tracking.forms.ProgressForm) holds: "not started"
brings a proficiency above "aware" down to it. `apply` returns an undo token: the
states before, signed for this person and roadmap, valid for a day; `undo` puts them
back (each again an event).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import signing
from django.db import transaction

from skills.models import Roadmap, Skill
from skills.tree import PlacedSkill, roadmap_tree
from tracking.forms import NOT_STARTED_MOST, ProgressForm
from tracking.models import SkillProgress, Status
from tracking.rows import DEFAULT_STATE, State

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MARKS = (Status.DONE, Status.SKIPPED, Status.NOT_STARTED)
UNDO_SALT = "tracking.bulk.undo"
UNDO_MAX_AGE = 24 * 60 * 60  # seconds


@dataclass(frozen=True, slots=True)
class Change:
    skill: PlacedSkill
    before: State
    after: State


def target_state(mark: str, before: State) -> State:
    if mark == Status.NOT_STARTED:
        return (mark, min(before[1], NOT_STARTED_MOST))
    return (mark, before[1])


def plan_section(
    user: AbstractBaseUser, roadmap: Roadmap, section_slug: str, mark: str
) -> tuple[str, list[Change], int] | None:
    """(the section's title, what marking it `mark` changes, how many skills it has);
    None when the roadmap has no such section. Two queries (the tree is cached)."""
    node = next((n for n in roadmap_tree(roadmap) if n.slug == section_slug), None)
    if node is None:
        return None
    ids = [skill.skill_id for skill in node.skills]
    saved = {
        skill_id: (status, proficiency)
        for skill_id, status, proficiency in SkillProgress.objects.for_user(user)
        .filter(skill_id__in=ids)
        .values_list("skill_id", "status", "proficiency")
    }
    changes = []
    for skill in node.skills:
        before = saved.get(skill.skill_id, DEFAULT_STATE)
        after = target_state(mark, before)
        if after != before:
            changes.append(Change(skill, before, after))
    return node.title, changes, len(node.skills)


def write(user: AbstractBaseUser, states: dict[int, State]) -> int:
    """Set each skill's (status, proficiency), checked by the tracking form. Returns how
    many changed."""
    skills = Skill.objects.in_bulk(list(states))
    progress = SkillProgress.objects.for_user(user).filter(skill__in=skills).by_skill_id()
    changed = 0
    with transaction.atomic():
        for skill_id, (status, proficiency) in states.items():
            skill = skills.get(skill_id)
            if skill is None:  # removed meanwhile
                continue
            data = {"status": status, "proficiency": str(proficiency)}
            form = ProgressForm(data, progress=progress.get(skill_id))
            if not form.is_valid():
                continue
            _progress, event = SkillProgress.objects.record(user, skill, form.changes())
            changed += event is not None
    return changed


def apply(user: AbstractBaseUser, roadmap: Roadmap, changes: list[Change]) -> tuple[int, str]:
    """Write the planned changes; (how many changed, the token to undo them)."""
    changed = write(user, {c.skill.skill_id: c.after for c in changes})
    before = {str(c.skill.skill_id): list(c.before) for c in changes}
    token = signing.dumps(
        {"user": user.pk, "roadmap": roadmap.pk, "before": before}, salt=UNDO_SALT, compress=True
    )
    return changed, token


def undo(user: AbstractBaseUser, roadmap: Roadmap, token: str) -> int | None:
    """Put back the states a bulk mark replaced; None when the token is not a valid
    undo of this person's mark on this roadmap (forged, someone else's, too old)."""
    try:
        data = signing.loads(token, salt=UNDO_SALT, max_age=UNDO_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != user.pk:
        return None
    if data.get("roadmap") != roadmap.pk:
        return None
    before = data["before"].items()
    states = {int(skill_id): (state[0], int(state[1])) for skill_id, state in before}
    return write(user, states)
