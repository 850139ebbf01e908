"""Request and response shapes; the OpenAPI document is generated from these."""

from datetime import datetime

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


class LevelOut(Schema):
    slug: str
    name: str
    rank: int = Field(ge=1)
    requirements: list[RequirementOut]


class TrackOut(Schema):
    slug: str
    name: str
    kind: TrackKind
    summary: str
    levels: list[LevelOut] = Field(description="In rank order, the first step first.")


def responses(ok: object, *codes: int) -> dict[int, object]:
    """A response map: `ok` for 200, plus the listed error codes (429 and 503 always)."""
    result: dict[int, object] = {200: ok}
    for code in (*codes, 429, 503):
        result[code] = ValidationErrorOut if code == 422 else ErrorOut
    return result


# Salaries


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
