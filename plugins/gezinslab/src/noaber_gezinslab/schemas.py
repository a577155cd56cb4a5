"""Input and output models of the Gezinslab API (separate from the tables)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from noaber_gezinslab.models import LessonKind, MeasurementKind, MemberKind, TrajectoryStatus
from noaber_gezinslab.zrm import ZrmDomain, check_score

Text = Annotated[str, Field(min_length=1, max_length=5000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
TAG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
"""What a lesson's tag is: small letters, digits, hyphens and underscores."""
Tag = Annotated[str, Field(min_length=1, max_length=60, pattern=TAG_PATTERN)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class GoalIn(_In):
    text: Text = Field(description="The goal in the family's own words.")
    domains: list[ZrmDomain] = Field(default_factory=list, max_length=13)


class GoalReachedIn(_In):
    reached_on: date


class TrajectoryIn(_In):
    household_id: int
    request_id: int | None = Field(
        default=None, description="The Gezinslab request (aanmelding) this trajectory follows."
    )
    started_on: date
    domains: list[ZrmDomain] = Field(default_factory=list, max_length=13)
    goals: list[GoalIn] = Field(default_factory=list, max_length=20)


class CloseIn(_In):
    closed_on: date
    note: Text | None = None


class MeasurementIn(_In):
    kind: MeasurementKind
    measured_on: date
    scores: dict[ZrmDomain, int] = Field(min_length=1, description="ZRM score 1-5 per domain.")
    note: Text | None = None
    measured_by: Name = "coordinator"

    @field_validator("scores", mode="before")
    @classmethod
    def _scores_in_range(cls, value: object) -> object:
        if isinstance(value, dict):
            for domain, score in value.items():
                check_score(str(domain), score)
        return value


class TeamMemberIn(_In):
    kind: MemberKind
    name: Name
    contribution: Text = Field(description="What this member brings to the team.")
    helper_id: int | None = None
    professional_id: int | None = None
    organisation_id: int | None = None
    joined_on: date


class ActionIn(_In):
    description: Text
    owner_id: int = Field(description="A team member of this trajectory.")
    due_on: date


class ActionDoneIn(_In):
    done_on: date


class AvoidedCostIn(_In):
    cost_kind: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="A kind with a unit cost in the municipality's [plugins.gezinslab.unit_costs]."
    )
    description: Text = Field(description="What was prevented or shortened, and why we think so.")
    avoided_on: date
    quantity: Decimal = Field(
        gt=0, max_digits=10, decimal_places=2, description="How many units (e.g. children)."
    )
    periods: Decimal = Field(
        default=Decimal(1),
        gt=0,
        max_digits=6,
        decimal_places=2,
        description="For a unit 'per jaar': how many years were avoided; 1 for a one-off.",
    )
    recorded_by: Name = "coordinator"


class LessonIn(_In):
    kind: LessonKind
    title: Name
    text: Text
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    noticed_on: date
    author: Name
    trajectory_id: int | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        if isinstance(value, list):
            return [v.strip().lower() if isinstance(v, str) else v for v in value]
        return value


# --- output --------------------------------------------------------------------------------


class GoalOut(BaseModel):
    id: int
    text: str
    domains: list[str]
    reached_on: date | None


class MeasurementOut(BaseModel):
    id: int
    kind: MeasurementKind
    measured_on: date
    scores: dict[str, int]
    note: str | None
    measured_by: str


class DomainChange(BaseModel):
    domain: str
    label: str
    baseline: int
    latest: int
    change: int


class TeamMemberOut(BaseModel):
    id: int
    kind: MemberKind
    name: str
    contribution: str
    helper_id: int | None
    professional_id: int | None
    organisation_id: int | None
    joined_on: date


class ActionOut(BaseModel):
    id: int
    description: str
    owner_id: int
    owner_name: str
    due_on: date
    done_on: date | None


class AvoidedCostOut(BaseModel):
    id: int
    trajectory_id: int
    cost_kind: str
    description: str
    avoided_on: date
    quantity: Decimal
    periods: Decimal
    unit_amount: Decimal
    unit: str
    source: str
    amount: Decimal
    assumption: str
    recorded_by: str


class TrajectoryOut(BaseModel):
    id: int
    household_id: int
    household_name: str
    request_id: int | None
    status: TrajectoryStatus
    started_on: date
    closed_on: date | None
    closing_note: str | None
    domains: list[str]
    goals: list[GoalOut]
    team: list[TeamMemberOut]
    actions: list[ActionOut]
    measurements: list[MeasurementOut]
    progress: list[DomainChange]
    avoided_costs: list[AvoidedCostOut]
    avoided_total: Decimal


class TrajectorySummary(BaseModel):
    id: int
    household_id: int
    household_name: str
    status: TrajectoryStatus
    started_on: date
    closed_on: date | None
    team_size: int
    open_actions: int


class YearCosts(BaseModel):
    year: int
    total: Decimal
    families: int
    per_family: Decimal


class LedgerOut(BaseModel):
    entries: list[AvoidedCostOut]
    total: Decimal
    per_year: list[YearCosts]
    per_trajectory: dict[int, Decimal]


class LessonOut(BaseModel):
    id: int
    kind: LessonKind
    title: str
    text: str
    tags: list[str]
    noticed_on: date
    author: str
    trajectory_id: int | None


class TagCount(BaseModel):
    tag: str
    lessons: int
    blockages: int


class LessonOverview(BaseModel):
    """A periodic overview for policy makers: what practice taught in a period."""

    period_from: date
    period_to: date
    lessons: int
    blockages: int
    by_tag: list[TagCount]
    blockage_items: list[LessonOut]
    lesson_items: list[LessonOut]


class DomainFigure(BaseModel):
    domain: str
    label: str
    families: int
    mean_baseline: Decimal
    mean_latest: Decimal
    mean_change: Decimal
    improved: int
    worsened: int


class Figures(BaseModel):
    period_from: date | None
    period_to: date | None
    started: int
    active: int
    closed: int
    self_sufficiency: list[DomainFigure]
    costs_avoided: Decimal
    volunteers: int
    experts_by_experience: int
    businesses: int
    professionals: int
