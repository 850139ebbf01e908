"""Request and response shapes; the OpenAPI document is generated from these."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from accounts.models import Visibility
from careers.models import TrackKind
from skills.models import SkillKind
from tracking.models import Status


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


class SectionOut(Schema):
    slug: str
    title: str
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
    years_experience: int | None
    bio: str
    visibility: Visibility
    created_at: datetime
    updated_at: datetime


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
