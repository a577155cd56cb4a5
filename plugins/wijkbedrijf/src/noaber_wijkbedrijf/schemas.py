"""Input and output models of the wijkbedrijf API (table models skip validation)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from noaber.clock import DUTCH_TIME
from noaber.municipalities.config import Postcode
from noaber.requests.models import AskedBy
from noaber_wijkbedrijf.models import (
    AssignmentStatus,
    Channel,
    Delivery,
    HoursStatus,
    InvoiceKind,
    OutflowKind,
    PaymentStatus,
)

Actor = Field(default="coordinator", min_length=1, max_length=200)

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY, description="A day from 2000 to 2100.")]
Month = Annotated[str, Field(pattern=r"^(20\d\d|2100)-(0[1-9]|1[0-2])$", description="YYYY-MM")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RateChoice(_In):
    rate_code: str | None = Field(
        default=None, max_length=60, description="A reduced rate's code; none for the full rate."
    )
    rate_reason: str | None = Field(
        default=None, max_length=2000, description="Why, when the rate needs a recorded reason."
    )
    income_pct: int | None = Field(
        default=None,
        ge=0,
        le=1000,
        description="Household income as a percentage of the social minimum (income-based rates).",
    )


class JobIn(RateChoice):
    person_id: int = Field(description="The resident the job is for (core person).")
    asked_by: AskedBy = AskedBy.self
    professional_id: int | None = Field(
        default=None, description="The professional who asked on the resident's behalf."
    )
    channel: Channel
    category: str = Field(min_length=1, max_length=60)
    description: str = Field(min_length=1, max_length=5000)
    estimated_hours: Decimal = Field(max_digits=5, decimal_places=2)
    wished_from: Day
    wished_until: Day
    street: str = Field(min_length=1, max_length=200)
    house_number: str = Field(min_length=1, max_length=20)
    postcode: Postcode
    city: str = Field(min_length=1, max_length=100)
    actor: str = Actor

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.wished_until < self.wished_from:
            raise ValueError("wished_until lies before wished_from")
        return self


class RateIn(RateChoice):
    actor: str = Actor


class JobOut(_Out):
    id: int
    request_id: int
    status: str
    person_id: int
    asked_by: AskedBy
    professional_id: int | None
    channel: Channel
    category: str
    description: str
    estimated_hours: Decimal
    wished_from: date
    wished_until: date
    street: str
    house_number: str
    postcode: str
    city: str
    neighbourhood_id: int | None
    hourly_rate: Decimal
    rate_code: str | None
    rate_reason: str | None
    income_pct: int | None
    created_at: datetime


class AssignmentIn(_In):
    helper_id: int
    starts_at: datetime = Field(description="Planned start (with a time zone; stored in UTC).")
    ends_at: datetime
    actor: str = Actor

    @model_validator(mode="after")
    def _times(self) -> Self:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("starts_at and ends_at need a time zone (e.g. 2026-03-02T09:00Z)")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must lie after starts_at")
        for moment in (self.starts_at, self.ends_at):
            if not FIRST_DAY <= moment.date() <= LAST_DAY:
                raise ValueError("starts_at and ends_at lie between 2000 and 2100")
        return self


class DecisionIn(_In):
    reason: str | None = Field(default=None, max_length=2000)
    actor: str = Actor


class AssignmentOut(_Out):
    id: int
    job_id: int
    match_id: int
    helper_id: int
    helper_name: str = ""
    starts_at: datetime
    ends_at: datetime
    status: AssignmentStatus
    confirmed_at: datetime | None


class NotificationOut(_Out):
    id: int
    job_id: int
    person_id: int
    channel: str
    recipient: str
    text: str
    created_at: datetime
    delivery: Delivery
    sent_at: datetime | None
    delivery_error: str | None
    attempts: int = Field(description="How often sending was tried (automatic retries too).")
    next_attempt_at: datetime | None = Field(
        description="When a failed mail is tried again; none: not retried."
    )

    @computed_field(  # type: ignore[prop-decorator]
        description="The mail failed and is not tried again (refused for good, or out of "
        "tries): a coordinator resends it or contacts the resident."
    )
    @property
    def gave_up(self) -> bool:
        return self.delivery is Delivery.mislukt and self.next_attempt_at is None

    @computed_field(description="Where the message stands, in Dutch, for coordinators.")  # type: ignore[prop-decorator]
    @property
    def delivery_summary(self) -> str:
        return delivery_summary(self)


def _local_time(moment: datetime) -> str:
    return moment.astimezone(DUTCH_TIME).strftime("%d-%m-%Y om %H:%M")


def delivery_summary(n: NotificationOut) -> str:
    """The delivery state as a coordinator reads it (Dutch, local time)."""
    tries = f"{n.attempts} {'poging' if n.attempts == 1 else 'pogingen'}"
    if n.delivery is Delivery.verstuurd and n.sent_at is not None:
        return f"Verstuurd op {_local_time(n.sent_at)}"
    if n.delivery is Delivery.geen_emailadres:
        return "Geen e-mailadres: de balie stuurt de bevestiging per sms of brief"
    if n.delivery is Delivery.bezig:
        return "Wordt nu verstuurd"
    if n.delivery is Delivery.mislukt and n.next_attempt_at is not None:
        return (
            f"Mislukt na {tries} ({n.delivery_error}); wordt opnieuw geprobeerd op "
            f"{_local_time(n.next_attempt_at)}"
        )
    if n.delivery is Delivery.mislukt:
        return f"Opgegeven na {tries}: {n.delivery_error}"
    return "Nog niet verstuurd"


class ConfirmedOut(AssignmentOut):
    """The confirmed assignment and the confirmation to the resident: ``delivery`` says
    whether the mail went out."""

    notification: NotificationOut


class HoursIn(_In):
    assignment_id: int
    worked_on: Day
    hours: Decimal = Field(max_digits=6, decimal_places=2)
    note: str | None = Field(default=None, max_length=2000)
    actor: str = Field(default="volunteer", min_length=1, max_length=200)


class HoursOut(_Out):
    id: int
    job_id: int
    assignment_id: int
    helper_id: int
    worked_on: date
    hours: Decimal
    status: HoursStatus
    note: str | None
    registered_by: str
    decided_by: str | None
    decided_at: datetime | None


class InvoiceIn(_In):
    job_id: int | None = Field(default=None, description="Invoice one job...")
    person_id: int | None = Field(default=None, description="...or one resident's month.")
    period: Month | None = Field(default=None, description="YYYY-MM, with person_id.")
    issued_on: Day | None = Field(default=None, description="Defaults to today (UTC).")
    actor: str = Actor

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if (self.job_id is None) == (self.person_id is None):
            raise ValueError("give either job_id, or person_id with period")
        if (self.person_id is None) != (self.period is None):
            raise ValueError("a monthly invoice needs both person_id and period")
        return self


class CreditIn(_In):
    reason: str = Field(min_length=1, max_length=2000)
    amount: Decimal | None = Field(
        default=None,
        max_digits=14,
        decimal_places=2,
        description="Part to credit; the whole remaining amount when left out.",
    )
    issued_on: Day | None = None
    actor: str = Actor


class PaymentIn(_In):
    paid_on: Day
    actor: str = Actor


class RefundIn(_In):
    refunded_on: Day = Field(description="The day the credited amount was paid back.")
    actor: str = Actor


class InvoiceLineOut(_Out):
    job_id: int
    hours_id: int | None
    description: str
    hours: Decimal
    hourly_rate: Decimal
    rate_code: str | None
    amount: Decimal


class InvoiceOut(_Out):
    id: int
    number: str
    kind: InvoiceKind
    person_id: int
    job_id: int | None
    period: str | None
    issued_on: date
    due_on: date
    total: Decimal
    reduced_total: Decimal
    status: PaymentStatus
    paid_on: date | None
    credits_invoice_id: int | None
    credits_invoice_number: str | None = None
    reason: str | None
    outstanding: Decimal = Decimal("0.00")
    lines: list[InvoiceLineOut] = Field(default_factory=list)


class AllowanceIn(_In):
    helper_id: int
    month: Month
    amount: Decimal | None = Field(
        default=None,
        max_digits=12,
        decimal_places=2,
        description="Defaults to the month's approved hours times the allowance per hour.",
    )
    paid_on: Day
    actor: str = Actor


class AllowanceOut(_Out):
    id: int
    helper_id: int
    month: date
    hours: Decimal
    amount: Decimal
    paid_on: date


class ParticipantIn(_In):
    person_id: int
    started_on: Day
    supervisor: str = Field(min_length=1, max_length=200)
    needs: str | None = Field(default=None, max_length=5000)


class ParticipantOut(_Out):
    id: int
    person_id: int
    started_on: date
    ended_on: date | None
    supervisor: str
    needs: str | None


class ParticipantEndIn(_In):
    ended_on: Day


class ActivityIn(_In):
    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=2000)
    supervisor: str = Field(min_length=1, max_length=200)


class ActivityOut(_Out):
    id: int
    name: str
    description: str | None
    supervisor: str


class AttendanceIn(_In):
    participant_id: int
    activity_id: int
    day: Day
    present: bool = True
    supervisor: str | None = Field(
        default=None, max_length=200, description="Defaults to the activity's supervisor."
    )
    note: str | None = Field(default=None, max_length=2000)


class AttendanceOut(_Out):
    id: int
    participant_id: int
    activity_id: int
    day: date
    present: bool
    supervisor: str
    note: str | None


class OutflowIn(_In):
    participant_id: int | None = None
    helper_id: int | None = None
    kind: OutflowKind
    on: Day
    description: str = Field(min_length=1, max_length=2000)
    actor: str = Actor

    @model_validator(mode="after")
    def _who(self) -> Self:
        if (self.participant_id is None) == (self.helper_id is None):
            raise ValueError("give either participant_id or helper_id (who moves on)")
        return self


class OutflowOut(_Out):
    id: int
    participant_id: int | None
    helper_id: int | None
    kind: OutflowKind
    on: date
    description: str


class Count(BaseModel):
    key: str
    count: int


class PeriodFigures(BaseModel):
    period: str
    jobs: int
    jobs_by_category: dict[str, int]
    jobs_by_status: dict[str, int]
    hours_approved: Decimal
    active_volunteers: int
    revenue: Decimal
    revenue_reduced: Decimal
    reduced_share: Decimal
    """Share of the revenue billed at reduced rates, 0..1 (four decimals)."""
    credited: Decimal
    allowances_paid: Decimal
    attendance_days: int
    attendance_participants: int
    outflow: dict[str, int]


class Figures(BaseModel):
    year: int
    month: int | None
    total: PeriodFigures
    months: list[PeriodFigures] = Field(default_factory=list)
