"""One level's page (/careers/<track>/<level>/): what the level expects, grouped by
roadmap section, its pay in the visitor's country, and where it leads.

It combines content (careers, skills), pay (salaries) and the visitor's profile
(accounts), so it lives here, above those apps; the URL is the careers pages' own.
A constant number of queries however many requirements (tests/test_careers.py).
"""

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.models import Profile
from careers.models import Level, LevelRequirement
from core.pages import render_page
from core.versions import CONTENT, SALARIES
from salaries.mine import own_pay, position
from salaries.stats import BASE_CURRENCY, display_currency, level_pay, pay_sources
from skills.models import Proficiency, Roadmap, Section, SkillPlacement


@dataclass
class RequirementGroup:
    """The requirements of a level that fall in one roadmap section."""

    title: str
    section: Section | None
    rows: list[LevelRequirement] = field(default_factory=list)


def group_by_section(requirements: list[LevelRequirement]) -> list[RequirementGroup]:
    """Group requirements by the section their skill sits in (its first published
    roadmap), in roadmap order; skills in no roadmap come last. One query."""
    placements = (
        SkillPlacement.objects.filter(
            skill__in=[r.skill_id for r in requirements],
            section__roadmap__in=Roadmap.objects.published(),
        )
        .select_related("section__roadmap")
        .order_by(
            "section__roadmap__position",
            "section__roadmap__title",
            "section__position",
            "position",
        )
    )
    first: dict[int, tuple[int, SkillPlacement]] = {}
    for order, placement in enumerate(placements):
        first.setdefault(placement.skill_id, (order, placement))
    groups: dict[int | None, RequirementGroup] = {}
    keyed = sorted(
        requirements,
        key=lambda r: (r.skill_id not in first, first.get(r.skill_id, (0,))[0], r.skill.name),
    )
    for requirement in keyed:
        placement = first.get(requirement.skill_id, (0, None))[1]
        section = placement.section if placement else None
        key = section.pk if section else None
        if key not in groups:
            title = section.title if section else _("Other skills")
            groups[key] = RequirementGroup(title=str(title), section=section)
        groups[key].rows.append(requirement)
    return list(groups.values())


def visitor_pay_settings(request: HttpRequest) -> tuple[str | None, str, int | None]:
    """The signed-in person's country, the currency they see pay in, and their current
    level's id, from their profile (one query); (None, USD, None) for anyone else."""
    if not request.user.is_authenticated:
        return None, BASE_CURRENCY, None
    row = (
        Profile.objects.for_user(request.user)
        .values_list("country", "currency", "current_level_id")
        .first()
    )
    if row is None:
        return None, BASE_CURRENCY, None
    country, chosen, current_level_id = row
    return country or None, display_currency(chosen, country or None), current_level_id


@require_safe
def level_detail(request: HttpRequest, track: str, level: str) -> HttpResponse:
    return render_page(
        request,
        "dashboard/level_detail.html",
        lambda: level_context(request, track, level),
        scopes=[CONTENT, SALARIES],
    )


def level_context(request: HttpRequest, track: str, level: str) -> dict:
    """The level page's context. Cached per person (core.pages keys on who asks), so the
    visitor's own country may shape the pay figures."""
    level_obj = get_object_or_404(
        Level.objects.select_related("track"), track__slug=track, slug=level
    )
    track_obj = level_obj.track
    ladder = list(track_obj.levels.order_by("rank"))
    for step in ladder:
        step.track = track_obj
    below = next((lv for lv in reversed(ladder) if lv.rank < level_obj.rank), None)
    above = next((lv for lv in ladder if lv.rank > level_obj.rank), None)

    requirements = list(level_obj.requirements.select_related("skill").order_by("skill__name"))
    before: dict[int, int] = {}
    if below is not None:
        before = dict(below.requirements.values_list("skill_id", "proficiency"))
    new_count = raised_count = 0
    for requirement in requirements:
        requirement.previous = before.get(requirement.skill_id)
        requirement.previous_label = (
            Proficiency(requirement.previous).label if requirement.previous else ""
        )
        requirement.is_new = below is not None and requirement.previous is None
        requirement.is_raised = (
            requirement.previous is not None and requirement.proficiency > requirement.previous
        )
        new_count += requirement.is_new
        raised_count += requirement.is_raised
    dropped = len(set(before) - {r.skill_id for r in requirements})

    leads_to = level_obj.transitions_out.select_related("to_level__track").order_by(
        "to_level__track__position", "to_level__rank"
    )
    comes_from = level_obj.transitions_in.select_related("from_level__track").order_by(
        "from_level__track__position", "from_level__rank"
    )
    # Pay for the visitor: their country, else its region, else worldwide (labelled), in
    # their currency; on their own level, where their recorded pay sits.
    country, currency, current_level_id = visitor_pay_settings(request)
    pay = level_pay(level_obj, country, currency=currency)
    mine = None
    if current_level_id == level_obj.pk:
        mine = position(own_pay(request.user), pay, currency)
    context = {
        "track": track_obj,
        "level": level_obj,
        "ladder": ladder,
        "below": below,
        "above": above,
        "groups": group_by_section(requirements),
        "requirement_count": len(requirements),
        "new_count": new_count,
        "raised_count": raised_count,
        "dropped_count": dropped,
        "leads_to": leads_to,
        "comes_from": comes_from,
        "pay": pay,
        "pay_sources": pay_sources(pay) if not pay.stats.suppressed else [],
        "my_pay": mine,
    }
    return context
