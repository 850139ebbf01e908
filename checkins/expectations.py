"""What a level expects, as a check-in rates it: one row per skill requirement, group
of skills and behaviour criterion, with its key, text and scale. Three queries whatever
the level's size. Also the rule for whether a rating meets an expectation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from careers.models import Competency, Level, LevelRequirement, RequirementGroup
from skills.models import Proficiency

SKILL, GROUP, COMPETENCY = "skill", "group", "competency"
MET, NOT_YET = "met", "not_yet"


@dataclass(frozen=True)
class Expectation:
    key: str
    kind: str  # skill, group or competency
    text: str
    required: str  # what the level asks, in words
    minimum: int = 0  # for a skill: the proficiency the level asks
    skill_ids: tuple[int, ...] = ()  # the skills it is about (evidence tagged with them)
    competency_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "text": self.text,
            "required": self.required,
            "minimum": self.minimum,
        }


def expectations_of(level: Level) -> list[Expectation]:
    rows: list[Expectation] = []
    for req in LevelRequirement.objects.filter(level=level).select_related("skill"):
        rows.append(
            Expectation(
                key=f"{SKILL}:{req.skill.slug}",
                kind=SKILL,
                text=req.skill.name,
                required=str(Proficiency(req.proficiency).label),
                minimum=req.proficiency,
                skill_ids=(req.skill_id,),
            )
        )
    groups = RequirementGroup.objects.filter(level=level).prefetch_related("skills")
    for group in groups:
        names = ", ".join(sorted(skill.name for skill in group.skills.all()))
        rows.append(
            Expectation(
                key=f"{GROUP}:{group.pk}",
                kind=GROUP,
                text=group.name,
                required=_("at least %(count)d of %(skills)s at %(level)s")
                % {
                    "count": group.at_least,
                    "skills": names,
                    "level": Proficiency(group.proficiency).label,
                },
                skill_ids=tuple(skill.pk for skill in group.skills.all()),
            )
        )
    for competency in Competency.objects.filter(level=level).select_related("theme"):
        rows.append(
            Expectation(
                key=f"{COMPETENCY}:{competency.pk}",
                kind=COMPETENCY,
                text=competency.criterion,
                required=competency.theme.name,
                competency_id=competency.pk,
            )
        )
    return rows


def clean_value(kind: str, value: object) -> int | str:
    """A rating on the expectation's own scale, or ValueError saying what is allowed."""
    if kind == SKILL:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
            raise ValueError(_("Rate a skill with a proficiency from 0 to 4."))
        return value
    if value not in (MET, NOT_YET):
        raise ValueError(_("Rate this “met” or “not_yet”."))
    return str(value)


def is_met(expectation: dict[str, Any] | Expectation, value: object) -> bool:
    kind = expectation["kind"] if isinstance(expectation, dict) else expectation.kind
    minimum = expectation["minimum"] if isinstance(expectation, dict) else expectation.minimum
    if kind == SKILL:
        return isinstance(value, int) and value >= minimum
    return value == MET


def choices_for(expectation: Expectation) -> list[tuple[str, str]]:
    if expectation.kind == SKILL:
        return [(str(value), str(label)) for value, label in Proficiency.choices]
    return [(MET, _("met")), (NOT_YET, _("not yet"))]


def label_of(kind: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if kind == SKILL:
        try:
            return str(Proficiency(int(value)).label)
        except (TypeError, ValueError):
            return str(value)
    return str(_("met")) if value == MET else str(_("not yet"))
