"""Input and output models of the Buurtgezinnen API (table models skip validation)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from noaber.people.schemas import Language, Name, PersonIn
from noaber_buurtgezinnen.models import EndReason, FamilyKind, Phase, SignUpVia
from noaber_buurtgezinnen.vocabulary import SupportKind, UpbringingView

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
HouseholdName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
Actor = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ChildIn(_In):
    given_name: Name
    birth_date: date | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)

    @model_validator(mode="after")
    def _born(self) -> Self:
        if self.birth_date is None and self.birth_year is None:
            raise ValueError("give the child's birth_date or birth_year")
        if self.birth_date and self.birth_year and self.birth_date.year != self.birth_year:
            raise ValueError("birth_year does not agree with birth_date")
        return self


def _postcode_first(people: list[PersonIn], what: str) -> None:
    if not people[0].postcode:
        raise ValueError(f"the first {what} needs a postcode (to find families nearby)")


class VraaggezinSignUp(_In):
    """The public form: a family asks for a steungezin."""

    name: HouseholdName = Field(description='The family\'s name, e.g. "Gezin Jansen".')
    parents: list[PersonIn] = Field(min_length=1, max_length=4)
    children: list[ChildIn] = Field(
        min_length=1, max_length=15, description="Children living at home."
    )
    languages: list[Language] = Field(default_factory=list, max_length=10)
    question: Text = Field(description="What the family would like support with.")
    upbringing_views: list[UpbringingView] = Field(default_factory=list, max_length=10)
    expected_support: list[SupportKind] = Field(default_factory=list, max_length=8)
    privacy_consent: bool = Field(
        description="The family agrees that the coordinator stores and uses these details."
    )

    @model_validator(mode="after")
    def _checks(self) -> Self:
        _postcode_first(self.parents, "parent")
        if not self.privacy_consent:
            raise ValueError("privacy_consent must be true to sign up")
        return self


class VraaggezinEntry(VraaggezinSignUp):
    """The coordinator enters a vraaggezin (or a history of one)."""

    privacy_consent: bool = True
    signed_up_on: date | None = Field(default=None, description="Default: today.")
    actor: Actor = "coordinator"


class Referral(VraaggezinEntry):
    """A professional (school, GP, wijkteam) refers a vraaggezin."""

    professional_id: int
    asked_by: Literal["professional", "gp_referral", "school"] = "professional"


class SteungezinSignUp(_In):
    """The public form: a family offers to be a steungezin."""

    name: HouseholdName
    adults: list[PersonIn] = Field(min_length=1, max_length=4)
    children: list[ChildIn] = Field(
        default_factory=list, max_length=15, description="May be empty."
    )
    languages: list[Language] = Field(default_factory=list, max_length=10)
    upbringing_views: list[UpbringingView] = Field(default_factory=list, max_length=10)
    offered_support: list[SupportKind] = Field(default_factory=list, max_length=8)
    preferred_child_age_min: int | None = Field(default=None, ge=0, le=30)
    preferred_child_age_max: int | None = Field(default=None, ge=0, le=30)
    motivation: str | None = Field(default=None, max_length=5000)
    privacy_consent: bool

    @model_validator(mode="after")
    def _checks(self) -> Self:
        _postcode_first(self.adults, "adult")
        if not self.privacy_consent:
            raise ValueError("privacy_consent must be true to sign up")
        low, high = self.preferred_child_age_min, self.preferred_child_age_max
        if low is not None and high is not None and low > high:
            raise ValueError("preferred_child_age_min must not be above preferred_child_age_max")
        return self


class SteungezinEntry(SteungezinSignUp):
    privacy_consent: bool = True
    signed_up_on: date | None = Field(default=None, description="Default: today.")
    vog_issued_on: date | None = None
    vog_valid_until: date | None = None
    actor: Actor = "coordinator"


class SignedUp(BaseModel):
    """What a public form answers: a reference, nothing personal."""

    reference: str
    message: str


class VisitIn(_In):
    visited_on: date
    visited_by: Actor = "coordinator"
    note: str | None = Field(default=None, max_length=5000)


class VisitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    visited_on: date
    visited_by: str
    note: str | None


class IntakeIn(_In):
    """The four intake questions of a vraaggezin."""

    support_needed: Text = Field(description="What support is needed?")
    upbringing_important: Text = Field(description="What does the family find important?")
    expectations: Text = Field(description="What does the family expect from a steungezin?")
    gives_back: Text = Field(description="What can the family give back?")
    upbringing_views: list[UpbringingView] | None = Field(default=None, max_length=10)
    expected_support: list[SupportKind] | None = Field(default=None, max_length=8)


class IntakeDoneIn(_In):
    completed_on: date | None = Field(default=None, description="Default: today.")
    actor: Actor = "coordinator"


class VogIn(_In):
    issued_on: date
    valid_until: date | None = Field(
        default=None, description="Default: issued_on plus the municipality's VOG validity."
    )

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.valid_until is not None and self.valid_until < self.issued_on:
            raise ValueError("valid_until lies before issued_on")
        return self


class CompetenceIn(_In):
    checked_on: date
    checked_by: Actor = "coordinator"
    note: str | None = Field(default=None, max_length=5000)


class FamilyOut(BaseModel):
    id: int
    kind: FamilyKind
    name: str
    household_id: int
    neighbourhood_id: int | None
    request_id: int | None
    request_status: str | None
    helper_id: int | None
    signed_up_on: date
    signed_up_via: SignUpVia
    professional_id: int | None
    children_ages: list[int]
    languages: list[str]
    upbringing_views: list[str]
    support_kinds: list[str]
    support_needed: str | None
    upbringing_important: str | None
    expectations: str | None
    gives_back: str | None
    motivation: str | None
    visits: list[VisitOut]
    intake_completed_on: date | None
    intake_missing: list[str] = Field(description="What is still needed before matching.")
    vog_valid_until: date | None
    competence_checked_on: date | None
    ready_for_matching: bool
    running_couplings: int
    stopped_on: date | None


class CouplingIn(_In):
    vraaggezin_id: int
    steungezin_id: int
    kennismaking_on: date = Field(description="The joint meeting (kennismaking).")
    first_review_on: date | None = Field(
        default=None, description="Planned first review; default six months after actief."
    )
    actor: Actor = "coordinator"


class CouplingStepIn(_In):
    to: Literal["proefperiode", "afspraken", "actief", "afgesloten"]
    on: date | None = Field(default=None, description="Default: today.")
    agreement: str | None = Field(
        default=None, max_length=10000, description="Required for afspraken."
    )
    first_review_on: date | None = Field(default=None, description="Only for actief.")
    reason: EndReason | None = Field(default=None, description="Required for afgesloten.")
    note: str | None = Field(default=None, max_length=5000)
    search_again: bool = Field(
        default=False, description="On afgesloten: the vraaggezin looks for a new steungezin."
    )
    actor: Actor = "coordinator"


class ReviewIn(_In):
    held_on: date
    vraaggezin_continues: bool
    steungezin_continues: bool
    note: str | None = Field(default=None, max_length=5000)
    end_reason: EndReason | None = Field(
        default=None, description="Required when a family does not want to continue."
    )
    search_again: bool = False
    actor: Actor = "coordinator"


class ReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    due_on: date
    held_on: date
    vraaggezin_continues: bool
    steungezin_continues: bool
    note: str | None
    recorded_by: str


class CouplingOut(BaseModel):
    id: int
    match_id: int
    vraaggezin_id: int
    vraaggezin: str
    steungezin_id: int
    steungezin: str
    phase: Phase
    next_steps: list[str]
    kennismaking_on: date
    trial_started_on: date | None
    trial_ends_on: date | None
    agreed_on: date | None
    agreement: str | None
    active_since: date | None
    next_review_on: date | None
    review_overdue: bool
    ended_on: date | None
    end_reason: EndReason | None
    end_note: str | None
    score: float | None
    explanation: dict[str, object] | None
    reviews: list[ReviewOut]


class WorkItem(BaseModel):
    kind: Literal["review", "trial_end"]
    coupling_id: int
    vraaggezin: str
    steungezin: str
    due_on: date
    overdue: bool
    days_overdue: int


class Waiting(BaseModel):
    family_id: int
    name: str
    since: date
    waiting_days: int
    status: str


class WaitingList(BaseModel):
    today: date
    vraaggezinnen: list[Waiting]
    steungezinnen: list[Waiting]
    average_waiting_days_vraaggezinnen: float | None
    average_waiting_days_steungezinnen: float | None


class Figures(BaseModel):
    period_from: date
    period_to: date
    new_couplings: int
    running_couplings: int = Field(description="Couplings that ran at some time in the period.")
    active_couplings: int = Field(description="Couplings in phase actief at some time.")
    active_at_end: int
    ended_couplings: int
    ended_by_reason: dict[str, int]
    vraaggezinnen_signed_up: int
    steungezinnen_signed_up: int
    children_reached: int
    average_waiting_days: float | None = Field(
        description="Sign-up to kennismaking, over the couplings started in the period."
    )
    yearly_budget: Decimal | None
    budget_for_period: Decimal | None
    budget_per_coupling: Decimal | None = Field(
        description="Budget for the period divided by the couplings that ran in it."
    )
