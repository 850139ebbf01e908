"""Request and response shapes; the OpenAPI document is generated from these."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from accounts.models import Visibility
from careers.models import TrackKind
from skills.models import SkillKind
from tracking.models import Status, completion_percent


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in a sentence.")


class FieldErrorOut(Schema):
    field: str = Field(description="Dotted name of the field ('' for the whole body).")
    location: str = Field(description="body, query, path, header or cookie.")
    message: str
    type: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldErrorOut]


# Roadmaps


class RoadmapListItemOut(Schema):
    slug: str
    title: str
    summary: str
    skill_count: int
    updated_at: datetime


class SkillOut(Schema):
    slug: str
    name: str
    kind: SkillKind
    prerequisites: list[str] = Field(description="Slugs of the skills to learn first.")


class ChooseOut(Schema):
    at_least: int = Field(ge=1, description="How many of the section's skills to choose.")


class SectionOut(Schema):
    slug: str
    title: str
    choose: ChooseOut | None = Field(
        description=(
            "A section to choose from (e.g. one programming language): complete when "
            "`at_least` of its skills are done. null: every skill counts."
        )
    )
    skills: list[SkillOut]


class RoadmapOut(Schema):
    slug: str
    title: str
    summary: str
    updated_at: datetime
    sections: list[SectionOut]


# Tracks


class TrackListItemOut(Schema):
    slug: str
    name: str
    kind: TrackKind
    summary: str
    level_count: int


class RequirementOut(Schema):
    skill: str = Field(description="The skill's slug.")
    proficiency: int = Field(ge=1, le=4, description="1 aware … 4 expert.")


class CompetencyOut(Schema):
    theme: str = Field(description="The theme's name, e.g. “Delivery”.")
    criterion: str = Field(description="What the level expects, in a sentence.")


class GroupOut(Schema):
    name: str = Field(description="What the group stands for, e.g. “A main language”.")
    any_of: list[str] = Field(description="Skill slugs; any `at_least` of them will do.")
    at_least: int = Field(ge=1)
    proficiency: int = Field(ge=1, le=4, description="1 aware … 4 expert.")


class LevelOut(Schema):
    slug: str
    name: str
    rank: int = Field(ge=1)
    requirements: list[RequirementOut]
    groups: list[GroupOut] = Field(description="“At least N of these skills” requirements.")
    competencies: list[CompetencyOut] = Field(
        description="Behaviours the level expects, by theme in the track's order."
    )


class SourceOut(Schema):
    name: str
    url: str
    licence: str = Field(description="An SPDX identifier, e.g. CC-BY-4.0.")


class TrackOut(Schema):
    slug: str
    name: str
    kind: TrackKind
    summary: str
    source: SourceOut | None = Field(
        description="Where an imported framework comes from; null for our own tracks."
    )
    levels: list[LevelOut] = Field(description="In rank order, the first step first.")


def responses(ok: object, *codes: int) -> dict[int, object]:
    """A response map: `ok` for 200, plus the listed error codes (429 and 503 always)."""
    result: dict[int, object] = {200: ok}
    for code in (*codes, 429, 503):
        result[code] = ValidationErrorOut if code == 422 else ErrorOut
    return result


# Salaries


class ExcludedOut(Schema):
    currency: str
    year: int
    count: int = Field(ge=1)


class SalaryStatsOut(Schema):
    count: int = Field(ge=0, description="Matching approved individual data points.")
    p25: float | None
    median: float | None
    p75: float | None
    mean: float | None
    currency: str = Field(description="ISO 4217 code of the figures.")
    suppressed: bool = Field(
        description="True when fewer than 5 points match: the figures are then null."
    )
    excluded_without_rate: int = Field(
        ge=0, description="Matching points left out for want of an exchange rate."
    )
    pay: str = Field(
        description="base: base pay; total: base + bonus + equity per year, over the points "
        "that state both bonus and equity."
    )
    without_total: int = Field(
        ge=0,
        description="With pay=total: matching points left out because their bonus or equity "
        "is unknown (0 with pay=base).",
    )
    excluded: list[ExcludedOut] = Field(
        description="The points left out for want of a rate, by currency and year."
    )
    year_min: int | None = Field(description="The earliest year of the matching points.")
    year_max: int | None = Field(description="The latest year of the matching points.")
    scope: Literal["country", "region", "worldwide"] = Field(
        description="Where the points come from: one country, a region, or every country."
    )
    region: str | None = Field(
        description="The region of the country (or the region asked for), e.g. eu-eea."
    )


class MarketItemOut(Schema):
    occupation_code: str = Field(description="SOC code, e.g. 15-1252.")
    occupation: str = Field(description="The occupation's title as BLS publishes it.")
    area: str = Field(description="US, a state's postal code, or a BLS metropolitan area code.")
    area_name: str
    employment: int | None = Field(description="Jobs in the occupation; null when withheld.")
    mean: int | None
    p10: int | None
    p25: int | None
    median: int | None
    p75: int | None
    p90: int | None
    top_coded: list[str] = Field(
        description="Figures BLS published only as at least its cap (null here)."
    )
    currency: str = Field(description="Always USD: annual wages as BLS publishes them.")


class MarketOut(Schema):
    source: str | None = Field(description="The source's name; null when there is no data.")
    source_url: str
    release: str | None = Field(description="e.g. May 2025; null when there is no data.")
    items: list[MarketItemOut]


# Me


class ProgressOut(Schema):
    skill: str = Field(description="The skill's slug.")
    status: Status
    proficiency: int = Field(ge=0, le=4, description="0 none, 1 aware … 4 expert.")
    notes: str
    evidence_url: str
    updated_at: datetime

    @staticmethod
    def resolve_skill(progress) -> str:
        return progress.skill.slug


class MyRoadmapOut(Schema):
    slug: str = Field(description="The roadmap's slug.")
    done: int = Field(
        ge=0,
        description="Skills done (a section to choose from counts at most the number to choose).",
    )
    total: int = Field(
        ge=0,
        description="Skills counted (a section to choose from counts "
        "as the number to choose), skipped ones included.",
    )
    skipped: int = Field(ge=0, description="Skills skipped: not counted in `percent`.")
    percent: int = Field(ge=0, le=100, description="done / (total − skipped), rounded.")

    @staticmethod
    def resolve_done(roadmap) -> int:
        return roadmap.progress_done

    @staticmethod
    def resolve_total(roadmap) -> int:
        return roadmap.progress_total

    @staticmethod
    def resolve_skipped(roadmap) -> int:
        return roadmap.progress_skipped

    @staticmethod
    def resolve_percent(roadmap) -> int:
        return completion_percent(
            roadmap.progress_done, roadmap.progress_total, roadmap.progress_skipped
        )


class ProfileOut(Schema):
    handle: str
    display_name: str
    track: str | None = Field(description="The track's slug.")
    current_level: str | None = Field(description="`track/level`.")
    target_level: str | None = Field(description="`track/level`.")
    country: str | None = Field(description="ISO 3166-1 alpha-2.")
    currency: str | None = Field(
        description="ISO 4217 code pay is shown in; null: the country's currency (when "
        "exchange rates for it exist), else USD."
    )
    language: str | None = Field(
        description="The language pages and mail come in (en, de, es, fr, ru); null: the browser's."
    )
    years_experience: int | None
    weekly_pace_hours: int | None = Field(
        description="Hours a week I mean to learn; my plan's forecast uses it."
    )
    bio: str
    visibility: Visibility
    created_at: datetime
    updated_at: datetime


# My readiness for a level


class ReadinessPartOut(Schema):
    met: int = Field(ge=0)
    total: int = Field(ge=0)
    percent: int = Field(ge=0, le=100, description="Met as a whole percentage of total.")


class BestOut(Schema):
    skill: str = Field(description="The skill's slug.")
    mine: int = Field(ge=0, le=4, description="My proficiency in it.")


class SkillGapOut(Schema):
    kind: Literal["skill"]
    text: str = Field(description="What it needs, in a sentence.")
    skill: str = Field(description="The skill's slug.")
    name: str
    mine: int = Field(ge=0, le=4, description="My proficiency, 0 when untracked.")
    required: int = Field(ge=1, le=4)


class GroupGapOut(Schema):
    kind: Literal["group"]
    text: str = Field(description="What it needs and my best, in a sentence.")
    name: str
    any_of: list[str] = Field(description="Slugs of the group's skills.")
    at_least: int = Field(ge=1, description="How many of them must reach `proficiency`.")
    proficiency: int = Field(ge=1, le=4)
    have: list[str] = Field(description="Slugs of the group's skills I have at that level.")
    best: BestOut | None = Field(description="My best skill of the group; null when none.")


class CompetencyGapOut(Schema):
    kind: Literal["competency"]
    text: str = Field(description="The criterion and my standing, in a sentence.")
    id: int
    theme: str = Field(description="The theme's name.")
    criterion: str
    rating: Literal["not_yet"] | None = Field(description="`not_yet`, or null: not assessed.")


GapOut = Annotated[SkillGapOut | GroupGapOut | CompetencyGapOut, Field(discriminator="kind")]


class ReadinessOut(Schema):
    level: str = Field(description="`track/level`.")
    name: str = Field(description="The level's name.")
    technical: ReadinessPartOut = Field(
        description="Skill requirements and groups (each group counted once)."
    )
    behaviour: ReadinessPartOut = Field(description="Behaviour criteria I rated met.")
    overall: ReadinessPartOut = Field(description="Both parts together.")
    gaps: list[GapOut] = Field(
        description="Every unmet expectation: skills (largest gap first), groups, behaviours."
    )


class LevelPayOut(Schema):
    track: str = Field(description="The track's slug.")
    level: str = Field(description="The level's slug.")
    name: str
    count: int = Field(ge=0)
    p25: float | None
    median: float | None
    p75: float | None
    currency: str
    suppressed: bool
    scope: Literal["country", "region", "worldwide"]
    region: str | None
    place: str = Field(description="The place in words, e.g. EU/EEA.")
    year_min: int | None
    year_max: int | None
    excluded_without_rate: int = Field(ge=0)


class MyPayOut(Schema):
    amount: float = Field(description="As recorded, in `currency`.")
    currency: str
    year: int
    converted: float | None = Field(description="In `converted_currency`; null without a rate.")
    converted_currency: str
    rate_year: int | None = Field(description="The year of the exchange rate used.")
    percentile_rank: float | None = Field(
        description="Percent of my level's data points (same place) below my pay."
    )
    compa_ratio: float | None = Field(description="My pay divided by my level's median.")


class PayOut(Schema):
    currency: str = Field(description="ISO 4217 code of every figure here.")
    current: LevelPayOut | None = Field(description="My level, or null when not set.")
    next: LevelPayOut | None = Field(description="The next (target) level, or null.")
    uplift: float | None = Field(
        description="Next level's median minus mine, both from the same place; null "
        "when not comparable."
    )
    uplift_percent: int | None
    mine: MyPayOut | None = Field(description="My recorded pay, private; null if none.")


# My plan and goals

Day = date  # a field below is named `date`


class StepOut(Schema):
    skill: str = Field(description="The skill's slug.")
    name: str
    reason: str = Field(description="Why it is here, in a sentence.")
    effort_hours: int | None = Field(
        description="Our estimate of the hours to working proficiency; null: none yet."
    )
    action: Literal["start", "continue"] = Field(
        description="`continue` for a skill I am learning, `start` otherwise."
    )


class SkillRefOut(Schema):
    skill: str = Field(description="The skill's slug.")
    name: str


class ForecastOut(Schema):
    remaining_hours: int = Field(
        ge=0,
        description=(
            "Over the unmet skill requirements: effort_hours × (required − mine) / 2, summed."
        ),
    )
    pace_hours_per_week: int | None = Field(description="My weekly pace; null: not set.")
    earliest: date | None = Field(description="30 % sooner than remaining / pace; null: no pace.")
    latest: date | None = Field(description="30 % later than remaining / pace; null: no pace.")
    unestimated: list[SkillRefOut] = Field(description="Skills left out: no estimate yet.")


class PlanOut(Schema):
    target: str | None = Field(description="`track/level` of my target; null: none.")
    steps: list[StepOut] = Field(description="What to learn next, in order.")
    forecast: ForecastOut | None = Field(description="Null without a target.")


class GoalOut(Schema):
    id: int
    level: str | None = Field(description="`track/level`, or null for a set of skills.")
    skills: list[str] = Field(description="Slugs of the goal's skills (empty for a level).")
    date: Day = Field(description="The date I aim for (`YYYY-MM-DD`).")
    created_at: datetime
    on_track: bool | None = Field(description="Null when no pace is set.")
    behind_days: int = Field(ge=0, description="How late the forecast's end is; 0 on track.")
    more_hours_per_week: int | None = Field(
        description="About how many more hours a week would bring it back; null on track."
    )
    forecast: ForecastOut
