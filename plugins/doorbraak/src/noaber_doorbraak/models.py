"""Tables of the doorbraakaanpak: cases, the map of agencies, the plan, blockages and
their escalations, the maatwerk budget and its spending, GP referrals and the
neighbourhood factor data."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Numeric, UniqueConstraint
from sqlalchemy import Enum as SqlEnum
from sqlmodel import Field

from noaber.db.base import TenantOwned
from noaber.people.models import utcnow


class Outcome(StrEnum):
    """Where the family got relative to its own one-year goal."""

    behaald = "behaald"
    deels_behaald = "deels_behaald"
    niet_behaald = "niet_behaald"


class CaseSource(StrEnum):
    handmatig = "handmatig"
    huisarts = "huisarts"
    """Referred by a GP practice through the FHIR endpoint."""


class Party(StrEnum):
    """Who carries out an action of the plan."""

    gezin = "gezin"
    netwerk = "netwerk"
    professional = "professional"


class BlockageStatus(StrEnum):
    open = "open"
    geescaleerd = "geescaleerd"
    opgelost = "opgelost"
    niet_opgelost = "niet_opgelost"


class SpendingStatus(StrEnum):
    aangevraagd = "aangevraagd"
    toegekend = "toegekend"
    afgewezen = "afgewezen"


class FactorKind(StrEnum):
    risico = "risico"
    beschermend = "beschermend"


class FactorSetting(StrEnum):
    """The settings (domeinen) of the factorenmodel."""

    individu = "individu"
    gezin = "gezin"
    school = "school"
    vrienden = "vrienden"
    buurt = "buurt"


def _enum(kind: type[StrEnum], length: int = 30) -> Column[StrEnum]:
    return Column(SqlEnum(kind, native_enum=False, length=length), nullable=False)


def _money(nullable: bool = False) -> Column[Decimal]:
    return Column(Numeric(14, 2), nullable=nullable)


class Case(TenantOwned, table=True):
    """A breakthrough case for one household; its request carries the workflow."""

    __tablename__ = "doorbraak_case"

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    request_id: int = Field(foreign_key="help_request.id", unique=True)
    specialist: str = Field(max_length=200)
    source: CaseSource = Field(sa_column=_enum(CaseSource))
    opened_on: date = Field(index=True)
    goal: str | None = None
    """Where the family wants to be in a year, in its own words."""
    goal_recorded_on: date | None = None
    outcome: Outcome | None = Field(
        default=None, sa_column=Column(SqlEnum(Outcome, native_enum=False, length=30))
    )
    outcome_note: str | None = None
    closed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Agency(TenantOwned, table=True):
    """One agency on the case's map, with what it costs a year now and after the breakthrough."""

    __tablename__ = "doorbraak_agency"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="doorbraak_case.id", index=True)
    name: str = Field(max_length=200)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    involvement: str
    yearly_cost: Decimal = Field(sa_column=_money())
    yearly_cost_after: Decimal | None = Field(default=None, sa_column=_money(nullable=True))
    """Expected yearly cost once the blockage is gone; ``None``: unchanged."""


class PlanAction(TenantOwned, table=True):
    __tablename__ = "doorbraak_action"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="doorbraak_case.id", index=True)
    party: Party = Field(sa_column=_enum(Party))
    description: str
    owner: str = Field(max_length=200)
    due_on: date
    done_on: date | None = None


class Blockage(TenantOwned, table=True):
    """A knelpunt: the rule or process that blocks, and who owns it."""

    __tablename__ = "doorbraak_blockage"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="doorbraak_case.id", index=True)
    rule: str = Field(max_length=300)
    rule_key: str = Field(max_length=300, index=True)
    """``rule`` folded (lower case, single spaces) so the overview groups alike rules."""
    owner_organisation: str = Field(max_length=200)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    legal_basis: str | None = Field(default=None, max_length=300)
    description: str
    status: BlockageStatus = Field(sa_column=_enum(BlockageStatus))
    noticed_on: date
    resolved_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Escalation(TenantOwned, table=True):
    __tablename__ = "doorbraak_escalation"

    id: int | None = Field(default=None, primary_key=True)
    blockage_id: int = Field(foreign_key="doorbraak_blockage.id", index=True)
    level: str = Field(max_length=100)
    level_index: int
    question: str
    escalated_by: str = Field(max_length=200)
    escalated_on: date
    deadline: date = Field(index=True)
    decision: str | None = None
    decided_by: str | None = Field(default=None, max_length=200)
    decided_on: date | None = None
    resolved: bool | None = None
    """Whether the decision removed the blockage."""


class Budget(TenantOwned, table=True):
    """What was booked against one year's maatwerk budget, in cents (exact on every
    database; the total comes from the configuration)."""

    __tablename__ = "doorbraak_budget"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    spent_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class Spending(TenantOwned, table=True):
    """A maatwerk spending request and its decision."""

    __tablename__ = "doorbraak_spending"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="doorbraak_case.id", index=True)
    amount: Decimal = Field(sa_column=_money())
    purpose: str
    requested_by: str = Field(max_length=200)
    requested_at: datetime = Field(index=True)
    budget_year: int = Field(index=True)
    status: SpendingStatus = Field(sa_column=_enum(SpendingStatus))
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = None
    decision_note: str | None = None


class ReferrerToken(TenantOwned, table=True):
    """A referring organisation's credential for the FHIR endpoint (only its hash)."""

    __tablename__ = "doorbraak_referrer_token"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    hint: str = Field(max_length=12)
    """The first characters of the token, to tell tokens apart."""
    issued_by: str = Field(max_length=200)
    issued_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class Referral(TenantOwned, table=True):
    """A GP referral received over FHIR; its identifier is never taken twice."""

    __tablename__ = "doorbraak_referral"
    __table_args__ = (
        UniqueConstraint("tenant_id", "organisation_id", "identifier_system", "identifier_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    identifier_system: str = Field(max_length=300)
    identifier_value: str = Field(max_length=200)
    case_id: int = Field(foreign_key="doorbraak_case.id", index=True)
    received_at: datetime = Field(default_factory=utcnow)


class FactorValue(TenantOwned, table=True):
    """One indicator of the factorenmodel for one neighbourhood and year."""

    __tablename__ = "doorbraak_factor_value"
    __table_args__ = (
        UniqueConstraint("tenant_id", "neighbourhood_id", "factor", "setting", "year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    neighbourhood_id: int = Field(foreign_key="neighbourhood.id", index=True)
    factor: str = Field(max_length=200)
    setting: FactorSetting = Field(sa_column=_enum(FactorSetting))
    kind: FactorKind = Field(sa_column=_enum(FactorKind))
    value: Decimal = Field(sa_column=Column(Numeric(14, 4), nullable=False))
    reference_value: Decimal = Field(sa_column=Column(Numeric(14, 4), nullable=False))
    year: int = Field(index=True)
    source: str = Field(max_length=300)
    imported_at: datetime = Field(default_factory=utcnow)
