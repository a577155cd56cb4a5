"""Tables of Buurtgezinnen: the families of both sides, intake visits, couplings and reviews.

A vraaggezin is a core household with a core request of type ``buurtgezin``; a steungezin
is a core household with a core helper profile (kind ``support_family``). A coupling is a
core match whose lifecycle is the Buurtgezinnen one; this plugin keeps what core does not
know: sign-up, intake answers, the competence check, phase dates, the agreement, reviews.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy import Enum as SqlEnum
from sqlmodel import Field

from noaber.db.base import TenantOwned
from noaber.people.models import utcnow


class FamilyKind(StrEnum):
    vraaggezin = "vraaggezin"
    steungezin = "steungezin"


class SignUpVia(StrEnum):
    self = "self"
    """The family's own public sign-up form."""
    coordinator = "coordinator"
    professional = "professional"
    """Referred by a professional (school, GP, wijkteam)."""


class Phase(StrEnum):
    kennismaking = "kennismaking"
    proefperiode = "proefperiode"
    afspraken = "afspraken"
    actief = "actief"
    afgesloten = "afgesloten"


class EndReason(StrEnum):
    doel_bereikt = "doel_bereikt"
    verhuisd = "verhuisd"
    geen_klik = "geen_klik"
    steungezin_stopt = "steungezin_stopt"
    vraaggezin_stopt = "vraaggezin_stopt"
    zwaardere_hulp_nodig = "zwaardere_hulp_nodig"
    anders = "anders"


def _enum(kind: type[StrEnum], *, nullable: bool = False) -> Column[StrEnum]:
    return Column(SqlEnum(kind, native_enum=False, length=30), nullable=nullable)


class Family(TenantOwned, table=True):
    """One side of Buurtgezinnen: a vraaggezin or a steungezin."""

    __tablename__ = "buurtgezinnen_family"

    id: int | None = Field(default=None, primary_key=True)
    kind: FamilyKind = Field(sa_column=_enum(FamilyKind))
    household_id: int = Field(foreign_key="household.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="help_request.id", index=True)
    """The vraaggezin's request (type ``buurtgezin``)."""
    helper_id: int | None = Field(default=None, foreign_key="helper_profile.id", index=True)
    """The steungezin's helper profile."""
    signed_up_on: date = Field(index=True)
    signed_up_via: SignUpVia = Field(sa_column=_enum(SignUpVia))
    professional_id: int | None = Field(default=None, foreign_key="professional.id")
    upbringing_views: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    support_kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """Vraaggezin: the support it expects; steungezin: the support it offers."""
    support_needed: str | None = None
    upbringing_important: str | None = None
    expectations: str | None = None
    gives_back: str | None = None
    motivation: str | None = None
    intake_completed_on: date | None = None
    competence_checked_on: date | None = None
    competence_checked_by: str | None = Field(default=None, max_length=200)
    competence_note: str | None = None
    stopped_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Visit(TenantOwned, table=True):
    """An intake visit of the coordinator to a family."""

    __tablename__ = "buurtgezinnen_visit"

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="buurtgezinnen_family.id", index=True)
    visited_on: date
    visited_by: str = Field(max_length=200)
    note: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Coupling(TenantOwned, table=True):
    """A vraaggezin and a steungezin coupled; ``phase`` follows the core match's status."""

    __tablename__ = "buurtgezinnen_coupling"
    __table_args__ = (UniqueConstraint("match_id"),)

    id: int | None = Field(default=None, primary_key=True)
    match_id: int = Field(foreign_key="match.id")
    vraaggezin_id: int = Field(foreign_key="buurtgezinnen_family.id", index=True)
    steungezin_id: int = Field(foreign_key="buurtgezinnen_family.id", index=True)
    phase: Phase = Field(sa_column=_enum(Phase))
    kennismaking_on: date = Field(index=True)
    trial_started_on: date | None = None
    trial_ends_on: date | None = None
    agreed_on: date | None = None
    agreement: str | None = None
    active_since: date | None = None
    next_review_on: date | None = Field(default=None, index=True)
    ended_on: date | None = Field(default=None, index=True)
    end_reason: EndReason | None = Field(default=None, sa_column=_enum(EndReason, nullable=True))
    end_note: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Review(TenantOwned, table=True):
    """A (six-monthly) review: both families say whether to continue."""

    __tablename__ = "buurtgezinnen_review"

    id: int | None = Field(default=None, primary_key=True)
    coupling_id: int = Field(foreign_key="buurtgezinnen_coupling.id", index=True)
    due_on: date
    held_on: date
    vraaggezin_continues: bool
    steungezin_continues: bool
    note: str | None = None
    recorded_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
