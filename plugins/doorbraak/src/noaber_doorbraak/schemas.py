"""Input and output models of the doorbraak API (separate from the tables)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from noaber_doorbraak.models import (
    BlockageStatus,
    CaseSource,
    FactorKind,
    FactorSetting,
    Outcome,
    Party,
    SpendingStatus,
)

Text = Annotated[str, Field(min_length=1, max_length=5000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- cases ---------------------------------------------------------------------------------


class CaseIn(_In):
    household_id: int
    specialist: Name = Field(description="The doorbraakspecialist.")
    description: Text = Field(description="Why the family is stuck, as told at the start.")
    opened_on: date
    goal: Text | None = Field(default=None, description="Where the family wants to be in a year.")
    professional_id: int | None = Field(
        default=None, description="The professional who referred the family, if any."
    )


class GoalIn(_In):
    text: Text = Field(description="Where the family wants to be in a year, in its own words.")
    recorded_on: date


class AgencyIn(_In):
    name: Name
    organisation_id: int | None = None
    involvement: Text = Field(description="What the agency does for or with the household.")
    yearly_cost: Money
    yearly_cost_after: Money | None = Field(
        default=None, description="Expected yearly cost after the breakthrough; omit: unchanged."
    )


class AgencyOut(_Out):
    id: int
    name: str
    organisation_id: int | None
    involvement: str
    yearly_cost: Decimal
    yearly_cost_after: Decimal | None


class ActionIn(_In):
    party: Party = Field(description="gezin, netwerk or professional.")
    description: Text
    owner: Name = Field(description="Who in that party does it.")
    due_on: date


class ActionDoneIn(_In):
    done_on: date


class ActionOut(_Out):
    id: int
    party: Party
    description: str
    owner: str
    due_on: date
    done_on: date | None


class CloseIn(_In):
    outcome: Outcome = Field(description="behaald, deels_behaald or niet_behaald.")
    closed_on: date
    note: Text = Field(description="What changed for the family; also the request's reason.")
    actor: Name = "doorbraakspecialist"


class CaseCost(BaseModel):
    case_id: int
    household_name: str
    as_before: Decimal = Field(description="Yearly cost of every agency, carrying on as before.")
    breakthrough: Decimal = Field(
        description="Yearly cost of the agencies after the breakthrough plus the maatwerk granted."
    )
    maatwerk: Decimal
    difference: Decimal = Field(description="as_before - breakthrough (positive: cheaper).")


class CostComparison(BaseModel):
    cases: list[CaseCost]
    as_before: Decimal
    breakthrough: Decimal
    maatwerk: Decimal
    difference: Decimal


class CaseSummary(BaseModel):
    id: int
    household_id: int
    household_name: str
    request_id: int
    status: str
    specialist: str
    source: CaseSource
    opened_on: date
    closed_on: date | None
    outcome: Outcome | None
    open_blockages: int


# --- blockages -----------------------------------------------------------------------------


class BlockageIn(_In):
    rule: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="The rule or process that blocks."
    )
    owner_organisation: Name = Field(description="The organisation that owns the rule.")
    organisation_id: int | None = None
    legal_basis: Annotated[str, Field(min_length=1, max_length=300)] | None = Field(
        default=None, description="Law or regulation the rule rests on, if any."
    )
    description: Text = Field(description="How it blocks this family.")
    noticed_on: date


class EscalationIn(_In):
    level: Name = Field(description="A level of the municipality's escalation path.")
    question: Text = Field(description="The decision asked for.")
    escalated_by: Name = "doorbraakspecialist"
    escalated_on: date
    deadline: date | None = Field(
        default=None, description="Defaults to escalated_on + escalation_deadline_days."
    )


class DecisionIn(_In):
    decision: Text
    decided_by: Name
    decided_on: date
    resolved: bool = Field(description="Whether the decision removes the blockage.")


class EscalationOut(_Out):
    id: int
    blockage_id: int
    level: str
    level_index: int
    question: str
    escalated_by: str
    escalated_on: date
    deadline: date
    decision: str | None
    decided_by: str | None
    decided_on: date | None
    resolved: bool | None
    overdue: bool = False


class BlockageOut(BaseModel):
    id: int
    case_id: int
    rule: str
    owner_organisation: str
    organisation_id: int | None
    legal_basis: str | None
    description: str
    status: BlockageStatus
    noticed_on: date
    resolved_on: date | None
    escalations: list[EscalationOut]
    overdue: bool
    next_levels: list[str] = Field(description="Levels this blockage can still be escalated to.")


class ListedBlockage(BaseModel):
    """An open blockage in the list of every case's blockages, with its family."""

    blockage: BlockageOut
    household_id: int
    household_name: str


class RuleCount(BaseModel):
    rule: str
    owner_organisations: list[str]
    legal_bases: list[str]
    blockages: int
    cases: int
    escalated: int
    resolved: int
    open: int


class BlockageOverview(BaseModel):
    period_from: date | None
    period_to: date | None
    blockages: int
    rules: list[RuleCount] = Field(description="Most blocking rules first.")
    overdue_escalations: list[EscalationOut]


# --- maatwerk budget -----------------------------------------------------------------------


class SpendingIn(_In):
    amount: PositiveMoney
    purpose: Text
    requested_by: Name = "doorbraakspecialist"


class SpendingDecisionIn(_In):
    approve: bool
    decided_by: Name
    note: Annotated[str, Field(max_length=5000)] | None = None


class SpendingOut(_Out):
    id: int
    case_id: int
    amount: Decimal
    purpose: str
    requested_by: str
    requested_at: datetime
    budget_year: int
    status: SpendingStatus
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    decision_hours: float | None = None
    within_target: bool | None = None


class ListedSpending(BaseModel):
    """A maatwerk request in the list of those awaiting a decision, with its family."""

    spending: SpendingOut
    household_id: int
    household_name: str


class BudgetOut(BaseModel):
    year: int
    total: Decimal
    spent: Decimal
    remaining: Decimal
    pending: Decimal = Field(description="Requested and not yet decided.")
    decision_target_hours: int
    decisions: int
    within_target: int
    within_target_share: float | None
    median_decision_hours: float | None
    longest_decision_hours: float | None


# --- case detail ---------------------------------------------------------------------------


class CaseOut(BaseModel):
    id: int
    household_id: int
    household_name: str
    request_id: int
    status: str
    allowed_transitions: list[str]
    specialist: str
    source: CaseSource
    opened_on: date
    goal: str | None
    goal_recorded_on: date | None
    outcome: Outcome | None
    outcome_note: str | None
    closed_on: date | None
    agencies: list[AgencyOut]
    actions: dict[str, list[ActionOut]] = Field(
        description="The plan, split between gezin, netwerk and professional."
    )
    blockages: list[BlockageOut]
    spending: list[SpendingOut]
    costs: CaseCost


# --- referrals -----------------------------------------------------------------------------


class TokenIn(_In):
    issued_by: Name


class TokenOut(BaseModel):
    id: int
    organisation_id: int
    token: str = Field(description="Shown once; only its hash is stored.")
    hint: str
    issued_at: datetime


class TokenInfo(_Out):
    id: int
    organisation_id: int
    hint: str
    issued_by: str
    issued_at: datetime
    revoked_at: datetime | None


# --- neighbourhood factor data -------------------------------------------------------------


class ImportResult(BaseModel):
    imported: int
    replaced: int
    years: list[int]
    neighbourhoods: list[str]


class FactorScore(BaseModel):
    factor: str
    setting: FactorSetting
    kind: FactorKind
    year: int
    value: Decimal
    reference_value: Decimal
    municipality_mean: float
    z_score: float | None = Field(
        description="(value - mean of the neighbourhoods) / their standard deviation."
    )
    source: str


class Activity(BaseModel):
    cases: int | None
    referrals: int | None
    couplings: int | None
    suppressed: list[str] = Field(
        description="Counts hidden because they are under the threshold (or would reveal one)."
    )


class NeighbourhoodFigures(BaseModel):
    neighbourhood_id: int
    name: str
    factors: list[FactorScore]
    activity: Activity


class NeighbourhoodOverview(BaseModel):
    year: int | None
    threshold: int
    neighbourhoods: list[NeighbourhoodFigures]


class Figures(BaseModel):
    cases: int
    open: int
    closed: int
    outcomes: dict[str, int]
    referrals: int
    blockages: int
    open_blockages: int
    overdue_escalations: int
    budget: BudgetOut
    costs_as_before: Decimal
    costs_breakthrough: Decimal
    costs_difference: Decimal
