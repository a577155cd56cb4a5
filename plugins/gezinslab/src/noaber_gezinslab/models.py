"""Tables of the Gezinslab: trajectories, goals, ZRM measurements, the team around the
family, actions, the avoided-cost ledger and the learning network."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Column, Numeric
from sqlalchemy import Enum as SqlEnum
from sqlmodel import Field

from noaber.db.base import TenantOwned
from noaber.people.models import utcnow


class TrajectoryStatus(StrEnum):
    actief = "actief"
    afgesloten = "afgesloten"


class MeasurementKind(StrEnum):
    baseline = "baseline"
    follow_up = "follow_up"


class MemberKind(StrEnum):
    """Every kind of team member is an equal member of the team around the family."""

    gezin = "gezin"
    vrijwilliger = "vrijwilliger"
    ervaringsdeskundige = "ervaringsdeskundige"
    buurtbedrijf = "buurtbedrijf"
    professional = "professional"


class LessonKind(StrEnum):
    les = "les"
    knelpunt = "knelpunt"
    """A system blockage: a rule, process or gap that stood in a family's way."""


def _enum(kind: type[StrEnum], length: int = 30) -> Column[StrEnum]:
    return Column(SqlEnum(kind, native_enum=False, length=length), nullable=False)


class Trajectory(TenantOwned, table=True):
    __tablename__ = "gezinslab_trajectory"

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="help_request.id")
    status: TrajectoryStatus = Field(sa_column=_enum(TrajectoryStatus))
    started_on: date = Field(index=True)
    closed_on: date | None = None
    closing_note: str | None = None
    domains: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """The ZRM domains the family's questions touch."""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Goal(TenantOwned, table=True):
    """A goal in the family's own words."""

    __tablename__ = "gezinslab_goal"

    id: int | None = Field(default=None, primary_key=True)
    trajectory_id: int = Field(foreign_key="gezinslab_trajectory.id", index=True)
    text: str
    domains: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reached_on: date | None = None


class Measurement(TenantOwned, table=True):
    """One ZRM measurement: scores 1-5 per domain, as ``{"financien": 2, ...}``."""

    __tablename__ = "gezinslab_measurement"

    id: int | None = Field(default=None, primary_key=True)
    trajectory_id: int = Field(foreign_key="gezinslab_trajectory.id", index=True)
    kind: MeasurementKind = Field(sa_column=_enum(MeasurementKind))
    measured_on: date
    scores: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str | None = None
    measured_by: str = Field(max_length=200)


class TeamMember(TenantOwned, table=True):
    __tablename__ = "gezinslab_team_member"

    id: int | None = Field(default=None, primary_key=True)
    trajectory_id: int = Field(foreign_key="gezinslab_trajectory.id", index=True)
    kind: MemberKind = Field(sa_column=_enum(MemberKind))
    name: str = Field(max_length=200)
    contribution: str
    helper_id: int | None = Field(default=None, foreign_key="helper_profile.id")
    professional_id: int | None = Field(default=None, foreign_key="professional.id")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    joined_on: date


class Action(TenantOwned, table=True):
    __tablename__ = "gezinslab_action"

    id: int | None = Field(default=None, primary_key=True)
    trajectory_id: int = Field(foreign_key="gezinslab_trajectory.id", index=True)
    description: str
    owner_id: int = Field(foreign_key="gezinslab_team_member.id", index=True)
    due_on: date
    done_on: date | None = None


class AvoidedCost(TenantOwned, table=True):
    """What a trajectory prevented or shortened, priced with the unit cost in force
    when it was recorded (amount, unit and source are copied: the assumption stays
    readable when the configuration changes)."""

    __tablename__ = "gezinslab_avoided_cost"

    id: int | None = Field(default=None, primary_key=True)
    trajectory_id: int = Field(foreign_key="gezinslab_trajectory.id", index=True)
    cost_kind: str = Field(max_length=60)
    description: str
    avoided_on: date = Field(index=True)
    quantity: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    periods: Decimal = Field(sa_column=Column(Numeric(8, 2), nullable=False))
    unit_amount: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    unit: str = Field(max_length=100)
    source: str
    amount: Decimal = Field(sa_column=Column(Numeric(14, 2), nullable=False))
    recorded_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class Lesson(TenantOwned, table=True):
    """A lesson or a system blockage noticed in practice, shared across the municipality."""

    __tablename__ = "gezinslab_lesson"

    id: int | None = Field(default=None, primary_key=True)
    kind: LessonKind = Field(sa_column=_enum(LessonKind))
    title: str = Field(max_length=200)
    text: str
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    noticed_on: date = Field(index=True)
    author: str = Field(max_length=200)
    trajectory_id: int | None = Field(default=None, foreign_key="gezinslab_trajectory.id")
    created_at: datetime = Field(default_factory=utcnow)
