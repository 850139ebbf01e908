"""One level's page (/careers/<track>/<level>/): what the level expects (skills grouped
by roadmap section, skill groups, behaviour criteria by theme), its pay in the visitor's
country, and where it leads. Signed in, it shows my standing on every expectation and a
form to assess myself on the level's criteria (POST /careers/<track>/<level>/assess/).

It combines content (careers, skills), pay (salaries) and the visitor's profile
(accounts), so it lives here, above those apps; the URL is the careers pages' own.
A constant number of queries however many requirements (tests/test_careers.py).
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Profile
from careers.models import Level, LevelRequirement, Theme, Track
from core.pages import render_page
from core.versions import CONTENT, SALARIES
from dashboard.readiness import BehaviourStanding, Standing, readiness_for, standings
from salaries.market import market_figures
from salaries.mine import own_pay, position
from salaries.stats import BASE_CURRENCY, display_currency, level_pay, pay_sources
from skills.models import Proficiency, Roadmap, Section, SkillPlacement
from tracking.forms import AssessmentForm
from tracking.models import CompetencyAssessment
from tracking.views import to_sign_in


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


@dataclass
class ThemeCriteria:
    """A theme's criteria at one level, each with my assessment."""

    theme: Theme
    rows: list[BehaviourStanding] = field(default_factory=list)


def by_theme(behaviours: list[BehaviourStanding]) -> list[ThemeCriteria]:
    """Criteria grouped by theme, in the themes' order (already the rows' order)."""
    themes: dict[int, ThemeCriteria] = {}
    for row in behaviours:
        theme = row.competency.theme
        themes.setdefault(theme.pk, ThemeCriteria(theme)).rows.append(row)
    return list(themes.values())


def assessment_form(standing: Standing, data: dict | None = None) -> AssessmentForm:
    """The level's one self-assessment form, filled with my current assessments."""
    current = {b.competency.pk: (b.rating, b.note, b.evidence_url) for b in standing.behaviours}
    return AssessmentForm(
        data, competencies=[b.competency for b in standing.behaviours], current=current
    )


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


def find_level(user: AbstractBaseUser | AnonymousUser, track: str, level: str) -> Level:
    """The level, or 404; a level of an unpublished track (a copy not yet published) is
    a 404 except to staff, as its track's page is."""
    return get_object_or_404(
        Level.objects.select_related("track").filter(track__in=Track.objects.visible_to(user)),
        track__slug=track,
        slug=level,
    )


def level_context(
    request: HttpRequest, track: str, level: str, form: AssessmentForm | None = None
) -> dict:
    """The level page's context. Cached per person (core.pages keys on who asks), so the
    visitor's own country may shape the pay figures, and their own standing shows."""
    level_obj = find_level(request.user, track, level)
    track_obj = level_obj.track
    ladder = list(track_obj.levels.order_by("rank"))
    for step in ladder:
        step.track = track_obj
    below = next((lv for lv in reversed(ladder) if lv.rank < level_obj.rank), None)
    above = next((lv for lv in ladder if lv.rank > level_obj.rank), None)

    signed_in = request.user.is_authenticated
    standing = standings([level_obj], request.user)[level_obj.pk]
    requirements = standing.requirements  # by skill name, with my proficiency (`mine`)
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
        "skill_groups": standing.groups,
        "themes": by_theme(standing.behaviours),
        "criteria_count": len(standing.behaviours),
        "signed_in": signed_in,
        "readiness": readiness_for(level_obj, request.user) if signed_in else None,
        "gaps": standing.gaps() if signed_in else [],
        "form": (form or assessment_form(standing)) if signed_in and standing.behaviours else None,
        "leads_to": leads_to,
        "comes_from": comes_from,
        "pay": pay,
        "pay_sources": pay_sources(pay) if not pay.stats.suppressed else [],
        # Official U.S. figures for the whole occupation, shown apart from the level's.
        "market": market_figures(track_obj),
        "my_pay": mine,
    }
    return context


@require_POST
def assess(request: HttpRequest, track: str, level: str) -> HttpResponse:
    """Save my self-assessment of the level's criteria; back to the level page with a
    message, or the page again with the form's errors (nothing saved)."""
    level_obj = find_level(request.user, track, level)
    back = level_obj.get_absolute_url()
    if not request.user.is_authenticated:
        return to_sign_in(request, back)
    standing = standings([level_obj], request.user)[level_obj.pk]
    if not standing.behaviours:
        messages.info(request, _("This level lists no behaviour criteria to assess."))
        return redirect(back)
    form = assessment_form(standing, request.POST)
    if not form.is_valid():
        context = level_context(request, track, level, form=form)
        return render(request, "dashboard/level_detail.html", context)
    changed = CompetencyAssessment.objects.record(request.user, form.ratings())
    if changed:
        messages.success(
            request,
            ngettext(
                "Your self-assessment of %(level)s is saved: %(count)d criterion changed.",
                "Your self-assessment of %(level)s is saved: %(count)d criteria changed.",
                changed,
            )
            % {"level": level_obj.name, "count": changed},
        )
    else:
        messages.info(request, _("Nothing to save: no criterion was changed."))
    return redirect(f"{back}#assess-title")
