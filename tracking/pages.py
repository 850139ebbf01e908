"""The roadmap and skill pages: content with a signed-in person's progress.

A roadmap page reads its tree (skills.tree, three queries) and the person's status and
proficiency on its skills (one query); the progress bars are counted from those rows,
as `tracking.models.sections_with_progress` counts them in the database: per placement,
done, learning and skipped, a section to choose from as the number to choose
(`chosen_counts`), a roadmap as the sum of its sections. A fixed number of queries
however big the roadmap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from careers.models import LevelRequirement, RequirementGroup
from skills.models import Roadmap, Skill, SkillKind, SkillPlacement
from skills.tree import PlacedSkill, SectionNode, roadmap_tree
from tracking.focus import FOCUSES, Needs, needs_of, target_level
from tracking.forms import ProgressForm
from tracking.map import draw, roadmap_layout
from tracking.models import (
    PROGRESS_COUNTS,
    SkillProgress,
    Status,
    chosen_counts,
    completion_percent,
)
from tracking.rows import DEFAULT_STATE, SLUG_MARK, RowMaker, State

COUNTED = {Status.DONE: "progress_done", Status.LEARNING: "progress_learning"}
COUNTED[Status.SKIPPED] = "progress_skipped"


@dataclass(slots=True)
class Tally:
    """One person's progress on a set of placements (a section's, a roadmap's), and what
    its progress bar says (tracking/_section_progress.html). The counts have the names
    of tracking.models.progress_counts."""

    name: str = ""  # what is counted: a section's or a roadmap's title
    progress_total: int = 0
    progress_done: int = 0
    progress_learning: int = 0
    progress_skipped: int = 0

    def count(self, status: str) -> None:
        self.progress_total += 1
        name = COUNTED.get(status)
        if name:
            setattr(self, name, getattr(self, name) + 1)

    def add(self, other: Tally) -> None:
        """Add another tally's figures (a roadmap's are its sections' sums)."""
        for name in PROGRESS_COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def complete(self) -> bool:
        """Everything counted is done (skipped skills are not counted)."""
        counted = self.progress_total - self.progress_skipped
        return counted > 0 and self.progress_done == counted

    @property
    def percent(self) -> int:
        return completion_percent(self.progress_done, self.progress_total, self.progress_skipped)

    @property
    def bar_label(self) -> str:
        return _("%(name)s: %(percent)s%% done") % {"name": self.name, "percent": self.percent}

    @property
    def counts(self) -> str:
        """ "3 of 10 done · 1 learning · 2 skipped"."""
        done, total = self.progress_done, self.progress_total
        parts = [ngettext("%(done)s of %(total)s done", "%(done)s of %(total)s done", total)]
        parts[0] %= {"done": done, "total": total}
        if self.progress_learning:
            count = self.progress_learning
            parts.append(ngettext("%(count)s learning", "%(count)s learning", count))
            parts[-1] %= {"count": count}
        if self.progress_skipped:
            count = self.progress_skipped
            parts.append(ngettext("%(count)s skipped", "%(count)s skipped", count))
            parts[-1] %= {"count": count}
        if self.complete:
            parts.append(_("complete"))
        return " · ".join(parts)


@dataclass(slots=True)
class SectionPage(Tally):
    """A section as its page shows it: its rows, and its progress counts."""

    slug: str = ""
    summary: str = ""
    choose_at_least: int | None = None  # a section to choose from: how many to pick
    placed: int = 0  # its skills
    skill_rows: list[SafeString] = field(default_factory=list)  # tracking.rows
    editing: bool = False  # its rows have controls
    toward: TargetTally | None = None  # focused: its progress toward the target level

    @property
    def title(self) -> str:
        return self.name

    @property
    def skill_count(self) -> str:
        """ "7 skills", or for a section to choose from "Choose 1 of 7"."""
        count = self.placed
        if self.choose_at_least is not None:
            return _("Choose %(n)s of %(count)s") % {"n": self.choose_at_least, "count": count}
        return ngettext("%(count)s skill", "%(count)s skills", count) % {"count": count}

    def settle(self) -> None:
        """Once every skill is counted: count a section to choose from as the number to
        choose (tracking.models.chosen_counts)."""
        self.placed = self.progress_total
        figures = chosen_counts(
            *(getattr(self, name) for name in PROGRESS_COUNTS), self.choose_at_least
        )
        for name, value in zip(PROGRESS_COUNTS, figures, strict=True):
            setattr(self, name, value)


@dataclass(slots=True)
class TargetTally:
    """A section's progress toward the target level: of the skills the level expects in
    it, how many the person meets (tracking.focus); what its bar says."""

    level: str
    total: int = 0
    met: int = 0

    @property
    def percent(self) -> int:
        return completion_percent(self.met, self.total)

    @property
    def bar_label(self) -> str:
        return _("Toward %(level)s: %(percent)s%% met") % {
            "level": self.level,
            "percent": self.percent,
        }

    @property
    def counts(self) -> str:
        return ngettext(
            "Toward %(level)s: %(met)s of %(total)s met",
            "Toward %(level)s: %(met)s of %(total)s met",
            self.total,
        ) % {"level": self.level, "met": self.met, "total": self.total}


def toward(needs: Needs, skills: Iterable[PlacedSkill]) -> TargetTally:
    """Progress toward the target level over `skills` (a section's, a roadmap's): of
    those the level expects, how many the person meets."""
    expected = {skill.skill_id for skill in skills if skill.skill_id in needs.minimum}
    return TargetTally(level=needs.level.name, total=len(expected), met=len(expected & needs.met))


# A row shown as it was submitted rather than as saved: its state and errors.
Shown = tuple[State, dict[str, str]]


def states(user: AbstractBaseUser | AnonymousUser, roadmap: Roadmap) -> dict[int, State]:
    """{skill id: (status, proficiency)} of the person's progress on the roadmap's skills."""
    rows = (
        SkillProgress.objects.for_user(user)
        .filter(skill__placements__section__roadmap=roadmap)
        .values_list("skill_id", "status", "proficiency")
    )
    return {skill_id: (status, proficiency) for skill_id, status, proficiency in rows}


def roadmap_context(
    request: HttpRequest,
    roadmap: Roadmap,
    *,
    edit: str = "",
    shown: dict[int, Shown] | None = None,
    focus: str = "",
) -> dict[str, Any]:
    """The roadmap page's context: `sections` (SectionPage) and, signed in, the roadmap's
    progress counts and what the page's form needs.

    `edit` names a skill (its slug): signed in, its section is edited, its status focused.
    `shown` (by skill id) replaces the saved state of rows whose save was refused; their
    sections are edited too, to show why. `focus` (tracking.focus: "target" or
    "missing"), signed in with a target level, keeps the skills that level expects (or
    those not met yet) and the sections holding any, each with its progress toward it.
    """
    tracking = request.user.is_authenticated
    tree = roadmap_tree(roadmap)
    skills = [skill for node in tree for skill in node.skills]
    # The target is looked up only for a focused page: the whole roadmap costs no query more.
    target = target_level(request.user) if tracking and focus in FOCUSES else None
    asked = focus in FOCUSES and tracking
    focus = focus if focus in FOCUSES and target is not None else ""
    maker = RowMaker(
        roadmap, tracking=tracking, in_roadmap={skill.slug for skill in skills}, focus=focus
    )
    saved = states(request.user, roadmap) if tracking else {}
    needs = needs_of(target, saved) if focus and target is not None else None
    shown = shown or {}
    sections, overall = tally(roadmap, tree, saved)
    kept: list[SectionPage] = []
    for node, section in zip(tree, sections, strict=True):
        placed = node.skills
        if needs is not None:
            section.toward = toward(needs, node.skills)
            placed = [
                skill
                for skill in node.skills
                if needs.wanted(skill.skill_id, focus) or skill.skill_id in shown
            ]
            if not placed:
                continue
        kept.append(section)
        section.editing = tracking and any(
            skill.slug == edit or skill.skill_id in shown for skill in placed
        )
        for skill in placed:
            if skill.skill_id in shown:
                state, errors = shown[skill.skill_id]
                row = maker.row(skill, state, editing=True, errors=errors)
            else:
                state = saved.get(skill.skill_id, DEFAULT_STATE)
                row = maker.row(skill, state, editing=section.editing, autofocus=skill.slug == edit)
            section.skill_rows.append(row)
    context: dict[str, Any] = {
        "roadmap": roadmap,
        "sections": kept,
        "skill_count": len(skills),
        "core_count": sum(skill.kind == SkillKind.CORE for skill in skills),
        "is_draft": not roadmap.published,
        "tracking": tracking,
        "focus": focus,
        "target": target,
        "no_target": asked and target is None,  # focus asked for, no target level to use
    }
    if needs is not None:
        context["focus_count"] = sum(len(section.skill_rows) for section in kept)
        context["target_progress"] = toward(needs, skills)
    if tracking:
        context.update(
            {
                "roadmap_progress": overall,
                "editing": any(section.editing for section in kept),
                "save_url": maker.save_url,
                "since": timezone.now().isoformat(),
            }
        )
    return context


def row_context(
    user: AbstractBaseUser,
    roadmap: Roadmap,
    skill_id: int,
    state: State,
    errors: dict[str, str] | None,
    focus: str = "",
) -> dict[str, Any]:
    """An htmx answer for one row: the row (editing) in `state`, and the progress counts
    of its section (`section`) and of the roadmap (`roadmap_progress`), as saved. On a
    page focused on the target level (`focus`, tracking.focus), also the progress toward
    it of the section (`section.toward`) and of the roadmap (`target_progress`), so that
    those bars follow the change too (three queries more)."""
    tree = roadmap_tree(roadmap)
    skills = [skill for node in tree for skill in node.skills]
    maker = RowMaker(roadmap, tracking=True, in_roadmap={skill.slug for skill in skills})
    saved = states(user, roadmap)
    sections, overall = tally(roadmap, tree, saved)
    target = target_level(user) if focus in FOCUSES else None
    needs = needs_of(target, saved) if target is not None else None
    context: dict[str, Any] = {"roadmap": roadmap, "roadmap_progress": overall}
    if needs is not None:
        context["target_progress"] = toward(needs, skills)
    for node, section in zip(tree, sections, strict=True):
        for skill in node.skills:
            if skill.skill_id == skill_id:
                if needs is not None:
                    section.toward = toward(needs, node.skills)
                context["section"] = section
                context["row"] = maker.row(skill, state, editing=True, errors=errors)
                return context
    raise Http404("This skill is no longer on this roadmap.")  # removed meanwhile


def tally(
    roadmap: Roadmap, tree: list[SectionNode], saved: dict[int, State]
) -> tuple[list[SectionPage], Tally]:
    """Each section (still without rows) with the person's progress counted, and the
    roadmap's counts."""
    overall = Tally(name=roadmap.title)
    sections = []
    for node in tree:
        section = SectionPage(
            name=node.title,
            slug=node.slug,
            summary=node.summary,
            choose_at_least=node.choose_at_least,
        )
        for skill in node.skills:
            section.count(saved.get(skill.skill_id, DEFAULT_STATE)[0])
        section.settle()
        overall.add(section)
        sections.append(section)
    return sections, overall


def parse_since(raw: str) -> datetime | None:
    """The time a roadmap page was built (its form's `since`), or None if it is not one."""
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when if timezone.is_aware(when) else None


def skill_context(request: HttpRequest, skill: Skill) -> dict[str, Any]:
    """The skill page's context: the skill, where it is placed and required, and, signed
    in, the person's progress on it and the form to change it."""
    roadmaps = Roadmap.objects.visible_to(request.user)
    placements = (
        SkillPlacement.objects.filter(skill=skill, section__roadmap__in=roadmaps)
        .select_related("section__roadmap")
        .order_by("section__roadmap__position", "section__roadmap__title")
    )
    requirements = (
        LevelRequirement.objects.filter(skill=skill)
        .select_related("level__track")
        .order_by("level__track__position", "level__track__name", "level__rank")
    )
    # "One of these skills" counts too: a level whose group lists it expects it.
    groups = (
        RequirementGroup.objects.filter(skills=skill)
        .select_related("level__track")
        .order_by("level__track__position", "level__track__name", "level__rank")
    )
    context: dict[str, Any] = {
        "skill": skill,
        "groups": groups,
        "prerequisites": skill.prerequisites.order_by(Lower("name")),
        "unlocks": skill.unlocks.order_by(Lower("name")),
        "resources": skill.resources.order_by("position"),
        "placements": placements,
        "requirements": requirements,
        "tracking": request.user.is_authenticated,
    }
    if context["tracking"]:
        progress = SkillProgress.objects.for_user(request.user).filter(skill=skill).first()
        context["progress"] = progress
        context["track_form"] = ProgressForm(progress=progress)
    return context


def map_context(
    request: HttpRequest, roadmap: Roadmap, *, standalone: bool = False
) -> dict[str, Any]:
    """The map page's context (or, `standalone`, the SVG file's): `svg`, the map with the
    signed-in person's status on each skill, and the roadmap's progress counts."""
    tracking = request.user.is_authenticated
    saved = states(request.user, roadmap) if tracking else {}
    plan = roadmap_layout(roadmap)
    skill_url = reverse("tracking:skill_detail", args=[SLUG_MARK])
    if standalone:  # the file's links work wherever it is opened
        skill_url = request.build_absolute_uri(skill_url)
    skill_url = skill_url.replace(SLUG_MARK, "{slug}")
    title = _("%(roadmap)s: map") % {"roadmap": roadmap.title}
    svg = draw(
        plan,
        title=title,
        statuses={skill_id: status for skill_id, (status, _p) in saved.items()}
        if tracking
        else None,
        skill_url=skill_url,
        standalone=standalone,
    )
    context: dict[str, Any] = {
        "roadmap": roadmap,
        "svg": mark_safe(svg),  # noqa: S308 - tracking.map escapes every value
        "skill_count": plan.skill_count,
        "section_count": len(plan.bands),
        "is_draft": not roadmap.published,
        "tracking": tracking,
    }
    if tracking:
        _sections, context["roadmap_progress"] = tally(roadmap, roadmap_tree(roadmap), saved)
    return context
