"""Tables of the wijkbedrijf: jobs (klussen) on core requests, planned assignments of
volunteers, hours, invoices with their lines and number series, volunteer allowances,
resident notifications, and dagbesteding (participants, activities, attendance, outflow)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlalchemy import Enum as SqlEnum
from sqlmodel import Field

from noaber.db.base import TenantOwned
from noaber.people.models import utcnow


class Channel(StrEnum):
    balie = "balie"
    telefoon = "telefoon"
    online = "online"


class AssignmentStatus(StrEnum):
    """Mirrors the status of the core match the assignment belongs to."""

    voorgesteld = "voorgesteld"
    bevestigd = "bevestigd"
    afgewezen = "afgewezen"
    ingetrokken = "ingetrokken"
    uitgevoerd = "uitgevoerd"


ACTIVE_ASSIGNMENT = (
    AssignmentStatus.voorgesteld,
    AssignmentStatus.bevestigd,
    AssignmentStatus.uitgevoerd,
)
"""Statuses in which an assignment occupies the volunteer's time."""


class HoursStatus(StrEnum):
    ingediend = "ingediend"
    goedgekeurd = "goedgekeurd"
    afgekeurd = "afgekeurd"


class InvoiceKind(StrEnum):
    factuur = "factuur"
    creditnota = "creditnota"


class PaymentStatus(StrEnum):
    open = "open"
    betaald = "betaald"
    gecrediteerd = "gecrediteerd"
    """Fully cancelled by a credit note."""
    verrekend = "verrekend"
    """A credit note on an unpaid invoice: it settles (part of) what is still owed."""
    terug_te_betalen = "terug_te_betalen"
    """A credit note on an invoice that was already paid: its amount is owed back to the
    resident."""
    terugbetaald = "terugbetaald"
    """A credit note whose amount was paid back to the resident (on ``paid_on``)."""


class OutflowKind(StrEnum):
    opleiding = "opleiding"
    betaald_werk = "betaald_werk"
    onbetaald_werk = "onbetaald_werk"


class Delivery(StrEnum):
    """Whether a message to the resident went out."""

    open = "open"
    """Stored, not yet tried (or tried by a process that stopped before recording it)."""
    verstuurd = "verstuurd"
    """Accepted by the mail server (or the outbox) at ``sent_at``."""
    geen_emailadres = "geen_emailadres"
    """The resident has no e-mail address: the desk sends it by sms or letter."""
    mislukt = "mislukt"
    """The mail server refused it or could not be reached (``delivery_error``); tried
    again at ``next_attempt_at``, or given up when that is None."""
    bezig = "bezig"
    """Being sent by one request since ``attempted_at`` (no other sends it meanwhile)."""


def _enum(kind: type[StrEnum], length: int = 30) -> Column[StrEnum]:
    return Column(SqlEnum(kind, native_enum=False, length=length), nullable=False)


def _money(precision: int = 12) -> Column[Decimal]:
    return Column(Numeric(precision, 2), nullable=False)


class Job(TenantOwned, table=True):
    """A klus: the wijkbedrijf details of a core request of type ``klus``."""

    __tablename__ = "wijkbedrijf_job"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", index=True, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    category: str = Field(max_length=60, index=True)
    channel: Channel = Field(sa_column=_enum(Channel))
    estimated_hours: Decimal = Field(sa_column=Column(Numeric(5, 2), nullable=False))
    wished_from: date
    wished_until: date
    street: str = Field(max_length=200)
    house_number: str = Field(max_length=20)
    postcode: str = Field(max_length=7)
    city: str = Field(max_length=100)
    hourly_rate: Decimal = Field(sa_column=_money())
    """The rate the resident pays for this job (full or reduced), fixed when it was set."""
    rate_code: str | None = Field(default=None, max_length=60)
    """The reduced rate's code; None for the full rate."""
    rate_reason: str | None = None
    income_pct: int | None = None
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class Assignment(TenantOwned, table=True):
    """A volunteer planned on a job at a time; one job can have several volunteers."""

    __tablename__ = "wijkbedrijf_assignment"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="wijkbedrijf_job.id", index=True)
    match_id: int = Field(foreign_key="match.id", unique=True)
    helper_id: int = Field(foreign_key="helper_profile.id", index=True)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    status: AssignmentStatus = Field(sa_column=_enum(AssignmentStatus))
    confirmed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Notification(TenantOwned, table=True):
    """A message to a resident (the confirmation of a planned job) and whether it went out."""

    __tablename__ = "wijkbedrijf_notification"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="wijkbedrijf_job.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(max_length=20)
    recipient: str = Field(max_length=254)
    text: str
    created_at: datetime = Field(default_factory=utcnow)
    delivery: Delivery = Field(default=Delivery.open, sa_column=_enum(Delivery))
    sent_at: datetime | None = None
    attempted_at: datetime | None = None
    """When the latest attempt to send it began."""
    delivery_error: str | None = Field(default=None, max_length=100)
    """Why the mail server did not take it: the error's class name only."""
    attempts: int = 0
    """How often sending it was tried (begun), automatic retries included."""
    next_attempt_at: datetime | None = Field(default=None, index=True)
    """When the retry task tries a failed one again; None: not retried (sent, never
    tried, or given up: refused for good or out of tries)."""


class HoursEntry(TenantOwned, table=True):
    __tablename__ = "wijkbedrijf_hours"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="wijkbedrijf_job.id", index=True)
    assignment_id: int = Field(foreign_key="wijkbedrijf_assignment.id", index=True)
    helper_id: int = Field(foreign_key="helper_profile.id", index=True)
    worked_on: date = Field(index=True)
    hours: Decimal = Field(sa_column=Column(Numeric(5, 2), nullable=False))
    status: HoursStatus = Field(sa_column=_enum(HoursStatus))
    note: str | None = None
    registered_by: str = Field(max_length=200)
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class InvoiceCounter(TenantOwned, table=True):
    """The last number given per year: incremented in the transaction that stores the
    invoice, so the series has no gaps and two invoices never share a number."""

    __tablename__ = "wijkbedrijf_invoice_counter"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int
    last: int = 0


class Invoice(TenantOwned, table=True):
    """An invoice or a credit note. Never edited once issued, except its payment status."""

    __tablename__ = "wijkbedrijf_invoice"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20)
    year: int
    sequence: int
    kind: InvoiceKind = Field(sa_column=_enum(InvoiceKind))
    person_id: int = Field(foreign_key="person.id", index=True)
    job_id: int | None = Field(default=None, foreign_key="wijkbedrijf_job.id", index=True)
    period: str | None = Field(default=None, max_length=7)
    """``YYYY-MM`` for a monthly invoice."""
    issued_on: date = Field(index=True)
    due_on: date
    total: Decimal = Field(sa_column=_money(14))
    reduced_total: Decimal = Field(sa_column=_money(14))
    """The part of the total billed at a reduced rate."""
    status: PaymentStatus = Field(sa_column=_enum(PaymentStatus))
    paid_on: date | None = None
    credits_invoice_id: int | None = Field(default=None, foreign_key="wijkbedrijf_invoice.id")
    reason: str | None = None
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class InvoiceLine(TenantOwned, table=True):
    __tablename__ = "wijkbedrijf_invoice_line"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="wijkbedrijf_invoice.id", index=True)
    job_id: int = Field(foreign_key="wijkbedrijf_job.id", index=True)
    hours_id: int | None = Field(default=None, foreign_key="wijkbedrijf_hours.id", index=True)
    description: str
    hours: Decimal = Field(sa_column=Column(Numeric(7, 2), nullable=False))
    hourly_rate: Decimal = Field(sa_column=_money())
    rate_code: str | None = Field(default=None, max_length=60)
    amount: Decimal = Field(sa_column=_money(14))


class Allowance(TenantOwned, table=True):
    """A volunteer allowance paid for a month's approved hours."""

    __tablename__ = "wijkbedrijf_allowance"

    id: int | None = Field(default=None, primary_key=True)
    helper_id: int = Field(foreign_key="helper_profile.id", index=True)
    month: date = Field(index=True)
    """First day of the month the allowance is for."""
    hours: Decimal = Field(sa_column=Column(Numeric(7, 2), nullable=False))
    amount: Decimal = Field(sa_column=_money())
    paid_on: date
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class Participant(TenantOwned, table=True):
    """Someone in dagbesteding: a protected workplace at the wijkbedrijf."""

    __tablename__ = "wijkbedrijf_participant"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    started_on: date
    ended_on: date | None = None
    supervisor: str = Field(max_length=200)
    needs: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Activity(TenantOwned, table=True):
    __tablename__ = "wijkbedrijf_activity"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    description: str | None = None
    supervisor: str = Field(max_length=200)


class Attendance(TenantOwned, table=True):
    __tablename__ = "wijkbedrijf_attendance"
    __table_args__ = (UniqueConstraint("participant_id", "activity_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="wijkbedrijf_participant.id", index=True)
    activity_id: int = Field(foreign_key="wijkbedrijf_activity.id", index=True)
    day: date = Field(index=True)
    present: bool
    supervisor: str = Field(max_length=200)
    note: str | None = None


class Outflow(TenantOwned, table=True):
    """A participant or volunteer moving on to training, paid or unpaid work."""

    __tablename__ = "wijkbedrijf_outflow"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int | None = Field(default=None, foreign_key="wijkbedrijf_participant.id")
    helper_id: int | None = Field(default=None, foreign_key="helper_profile.id")
    kind: OutflowKind = Field(sa_column=_enum(OutflowKind))
    on: date = Field(index=True)
    description: str
    recorded_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
