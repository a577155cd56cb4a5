"""Invoices and credit notes: a gap-free number series per year, PDF and CSV.

An issued invoice is never edited; only its payment status changes. A correction is a
credit note (a negative invoice in the same number series) that refers to it. Hours on a
fully credited invoice can be invoiced again (for example at a corrected rate).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from fpdf import FPDF
from sqlalchemy import extract, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from noaber.clock import dutch_today
from noaber.errors import Conflict, UserMessage
from noaber.people.models import HelperProfile, Person
from noaber.people.services import field_error
from noaber.platform import TenantRuntime
from noaber.privacy.access_log import note_subjects
from noaber.requests import services as requests
from noaber.requests.models import HelpRequest
from noaber.requests.schemas import TransitionIn
from noaber.tenancy.context import require_tenant
from noaber.ui.notation import nl_money
from noaber.web.pagination import paginate
from noaber_wijkbedrijf import money
from noaber_wijkbedrijf.models import (
    HoursEntry,
    HoursStatus,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    Job,
    PaymentStatus,
)
from noaber_wijkbedrijf.schemas import (
    CreditIn,
    InvoiceIn,
    InvoiceLineOut,
    InvoiceOut,
    PaymentIn,
    RefundIn,
)
from noaber_wijkbedrijf.services import get_row, require_ref, settings_of

PREFIX = "WB"


# --- the number series --------------------------------------------------------------------


def next_number(session: Session, year: int) -> tuple[int, str]:
    """Take the next number of ``year`` inside the caller's transaction.

    The counter row is created if missing (insert ... on conflict do nothing) and then
    incremented with one UPDATE: on PostgreSQL the row lock makes concurrent invoices
    wait for each other; on SQLite writers are serialised by the database lock. A rolled
    back invoice rolls its number back too, so the series has no gaps.
    """
    tenant = require_tenant()
    dialect = session.get_bind().dialect.name
    values = {"tenant_id": tenant, "year": year, "last": 0}
    if dialect == "postgresql":
        session.execute(
            pg_insert(InvoiceCounter)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["tenant_id", "year"])
        )
    else:
        session.execute(
            sqlite_insert(InvoiceCounter)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["tenant_id", "year"])
        )
    session.execute(
        update(InvoiceCounter)
        .where(col(InvoiceCounter.tenant_id) == tenant, col(InvoiceCounter.year) == year)
        .values(last=col(InvoiceCounter.last) + 1)
    )
    last = session.exec(
        select(InvoiceCounter.last).where(
            InvoiceCounter.tenant_id == tenant, InvoiceCounter.year == year
        )
    ).one()
    return int(last), f"{PREFIX}{year}-{int(last):05d}"


# --- what can be invoiced -----------------------------------------------------------------


def _invoiced_hours_ids() -> object:
    """Hours on an invoice that still stands (not fully credited)."""
    return (
        select(InvoiceLine.hours_id)
        .join(Invoice, col(Invoice.id) == InvoiceLine.invoice_id)
        .where(
            Invoice.kind == InvoiceKind.factuur,
            Invoice.status != PaymentStatus.gecrediteerd,
            col(InvoiceLine.hours_id).is_not(None),
        )
    )


def billable_hours(
    session: Session,
    *,
    job_id: int | None = None,
    person_id: int | None = None,
    period: tuple[date, date] | None = None,
) -> list[tuple[HoursEntry, Job]]:
    stmt = (
        select(HoursEntry, Job)
        .join(Job, col(Job.id) == HoursEntry.job_id)
        .where(
            HoursEntry.status == HoursStatus.goedgekeurd,
            col(HoursEntry.id).not_in(_invoiced_hours_ids()),  # type: ignore[arg-type]
        )
    )
    if job_id is not None:
        stmt = stmt.where(HoursEntry.job_id == job_id)
    if person_id is not None:
        stmt = stmt.where(Job.person_id == person_id)
    if period is not None:
        stmt = stmt.where(
            col(HoursEntry.worked_on) >= period[0], col(HoursEntry.worked_on) <= period[1]
        )
    rows = session.exec(stmt.order_by(col(HoursEntry.worked_on), col(HoursEntry.id))).all()
    return [(h, j) for h, j in rows]


def open_invoices(session: Session, job_id: int) -> Sequence[Invoice]:
    """Unpaid invoices with a line for the job."""
    return session.exec(
        select(Invoice)
        .join(InvoiceLine, col(InvoiceLine.invoice_id) == Invoice.id)
        .where(
            InvoiceLine.job_id == job_id,
            Invoice.kind == InvoiceKind.factuur,
            Invoice.status == PaymentStatus.open,
        )
        .distinct()
    ).all()


def month_bounds(period: str) -> tuple[date, date]:
    year, month = (int(p) for p in period.split("-"))
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def create_invoice(session: Session, tenant: TenantRuntime, data: InvoiceIn) -> Invoice:
    settings = settings_of(tenant)
    issued_on = data.issued_on or dutch_today()
    # The number first: it serialises invoicing (row lock on PostgreSQL, the write lock on
    # SQLite), so what is read below already includes every invoice committed before, and
    # two invoices can never take the same hours. A refusal rolls the number back.
    sequence, number = next_number(session, issued_on.year)
    if data.job_id is not None:
        job: Job = require_ref(session, Job, data.job_id, "job_id", "job")
        person_id = job.person_id
        rows = billable_hours(session, job_id=job.id)
        scope = f"job {job.id}"
        approved = session.exec(
            select(func.count())
            .select_from(HoursEntry)
            .where(HoursEntry.job_id == job.id, HoursEntry.status == HoursStatus.goedgekeurd)
        ).one()
    else:
        assert data.person_id is not None
        assert data.period is not None
        require_ref(session, Person, data.person_id, "person_id", "person")
        person_id = data.person_id
        first, last = month_bounds(data.period)
        rows = billable_hours(session, person_id=person_id, period=(first, last))
        scope = f"person {person_id} in {data.period}"
        approved = session.exec(
            select(func.count())
            .select_from(HoursEntry)
            .join(Job, col(Job.id) == HoursEntry.job_id)
            .where(
                Job.person_id == person_id,
                HoursEntry.status == HoursStatus.goedgekeurd,
                col(HoursEntry.worked_on) >= first,
                col(HoursEntry.worked_on) <= last,
            )
        ).one()
    if not rows:
        if not approved:
            raise field_error(
                "job_id" if data.job_id is not None else "period",
                f"{scope} has no approved hours; a coordinator approves hours before invoicing",
                user_message=UserMessage(
                    "There are no approved hours to invoice. Approve the hours first."
                ),
            )
        raise Conflict(
            f"every approved hour of {scope} is already invoiced",
            user_message=UserMessage("Every approved hour is already invoiced."),
        )
    names = dict(
        session.exec(
            select(HelperProfile.id, HelperProfile.display_name).where(
                col(HelperProfile.id).in_({h.helper_id for h, _ in rows})
            )
        ).all()
    )
    lines = [
        InvoiceLine(
            tenant_id=require_tenant(),
            invoice_id=0,
            job_id=job.id or 0,
            hours_id=h.id,
            description=f"{job.category}, {names.get(h.helper_id, 'vrijwilliger')}, "
            f"{h.worked_on.strftime('%d-%m-%Y')}",
            hours=h.hours,
            hourly_rate=job.hourly_rate,
            rate_code=job.rate_code,
            amount=money.times(h.hours, job.hourly_rate),
        )
        for h, job in rows
    ]
    invoice = Invoice(
        tenant_id=require_tenant(),
        number=number,
        year=issued_on.year,
        sequence=sequence,
        kind=InvoiceKind.factuur,
        person_id=person_id,
        job_id=data.job_id,
        period=data.period,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=settings.payment_term_days),
        total=money.total(line.amount for line in lines),
        reduced_total=money.total(line.amount for line in lines if line.rate_code),
        status=PaymentStatus.open,
        created_by=data.actor,
    )
    session.add(invoice)
    session.flush()
    for line in lines:
        line.invoice_id = invoice.id or 0
    session.add_all(lines)
    session.flush()
    return invoice


def get_invoice(session: Session, invoice_id: int) -> Invoice:
    invoice: Invoice = get_row(session, Invoice, invoice_id, "invoice")
    return invoice


def lines_of(session: Session, invoice_id: int) -> Sequence[InvoiceLine]:
    return session.exec(
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id == invoice_id)
        .order_by(col(InvoiceLine.id))
    ).all()


def credits_of(session: Session, invoice_id: int) -> Sequence[Invoice]:
    return session.exec(
        select(Invoice).where(Invoice.credits_invoice_id == invoice_id).order_by(col(Invoice.id))
    ).all()


def remaining(session: Session, invoice: Invoice) -> Decimal:
    """What is left of an invoice after its credit notes."""
    return money.total([invoice.total, *(c.total for c in credits_of(session, invoice.id or 0))])


def invoice_out(session: Session, invoice: Invoice) -> InvoiceOut:
    return invoices_out(session, [invoice])[0]


def invoices_out(session: Session, invoices: Sequence[Invoice]) -> list[InvoiceOut]:
    """The invoices as the API shows them (with their lines, the number of the invoice a
    credit note corrects and what is still to be paid), read with the same four
    statements however many invoices there are."""
    facts = facts_of(session, invoices)
    lines: dict[int, list[InvoiceLineOut]] = {i.id or 0: [] for i in invoices}
    if lines:
        for line in session.exec(
            select(InvoiceLine)
            .where(col(InvoiceLine.invoice_id).in_(list(lines)))
            .order_by(col(InvoiceLine.id))
        ).all():
            lines[line.invoice_id].append(InvoiceLineOut.model_validate(line))
    out = []
    for invoice in invoices:
        shown = InvoiceOut.model_validate(invoice)
        shown.lines = lines[invoice.id or 0]
        if invoice.credits_invoice_id is not None:
            shown.credits_invoice_number = facts.numbers[invoice.credits_invoice_id]
        shown.outstanding = outstanding_of(invoice, facts)
        out.append(shown)
    return out


def invoices_statement(
    *,
    person_id: int | None = None,
    job_id: int | None = None,
    status: PaymentStatus | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    newest_first: bool = False,
) -> SelectOfScalar[Invoice]:
    """The invoices and credit notes (of a resident, made for a job, with a payment
    status, issued in the period) in the order of the number series, the oldest first
    or the newest first."""
    stmt = select(Invoice)
    if person_id is not None:
        stmt = stmt.where(Invoice.person_id == person_id)
    if job_id is not None:
        stmt = stmt.where(Invoice.job_id == job_id)
    if status is not None:
        stmt = stmt.where(Invoice.status == status)
    if period_from is not None:
        stmt = stmt.where(col(Invoice.issued_on) >= period_from)
    if period_to is not None:
        stmt = stmt.where(col(Invoice.issued_on) <= period_to)
    if newest_first:
        return stmt.order_by(col(Invoice.year).desc(), col(Invoice.sequence).desc())
    return stmt.order_by(col(Invoice.year), col(Invoice.sequence))


def page_of_invoices(
    session: Session,
    *,
    page: int,
    page_size: int,
    person_id: int | None = None,
    job_id: int | None = None,
    status: PaymentStatus | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    newest_first: bool = False,
) -> tuple[list[Invoice], int]:
    """One page of :func:`invoices_statement` and how many match the filters in all."""
    stmt = invoices_statement(
        person_id=person_id,
        job_id=job_id,
        status=status,
        period_from=period_from,
        period_to=period_to,
        newest_first=newest_first,
    )
    rows, total = paginate(session, stmt, page, page_size)
    return list(rows), total


@dataclass
class PageFacts:
    """What a page of invoices shows besides their own columns, read for the whole page
    at once: the jobs each bills, what credit notes took off each open invoice, and the
    number of the invoice each credit note corrects."""

    jobs: dict[int, list[int]] = field(default_factory=dict)
    credited: dict[int, Decimal] = field(default_factory=dict)
    numbers: dict[int, str] = field(default_factory=dict)


def facts_of(session: Session, invoices: Sequence[Invoice]) -> PageFacts:
    """The :class:`PageFacts` of ``invoices`` in three statements, however many there are."""
    facts = PageFacts()
    ids = [i.id for i in invoices if i.id is not None]
    if not ids:
        return facts
    jobs: dict[int, set[int]] = {i.id or 0: {i.job_id} if i.job_id else set() for i in invoices}
    for invoice_id, job_id in session.exec(
        select(InvoiceLine.invoice_id, InvoiceLine.job_id)
        .where(col(InvoiceLine.invoice_id).in_(ids))
        .distinct()
    ).all():
        jobs[invoice_id].add(job_id)
    facts.jobs = {i: sorted(found) for i, found in jobs.items()}
    open_ids = [i.id for i in invoices if i.status is PaymentStatus.open]
    if open_ids:
        facts.credited = {
            invoice_id: money.cents(Decimal(total or 0))
            for invoice_id, total in session.exec(
                select(Invoice.credits_invoice_id, func.sum(Invoice.total))
                .where(col(Invoice.credits_invoice_id).in_(open_ids))
                .group_by(col(Invoice.credits_invoice_id))
            ).all()
            if invoice_id is not None
        }
    corrected = {i.credits_invoice_id for i in invoices if i.credits_invoice_id is not None}
    if corrected:
        facts.numbers = {
            invoice_id: number
            for invoice_id, number in session.exec(
                select(Invoice.id, Invoice.number).where(col(Invoice.id).in_(corrected))
            ).all()
            if invoice_id is not None
        }
    return facts


def outstanding_of(invoice: Invoice, facts: PageFacts) -> Decimal:
    """What is still to be paid of an invoice on the page: an open invoice's total less
    its credit notes."""
    if invoice.kind is not InvoiceKind.factuur or invoice.status is not PaymentStatus.open:
        return money.ZERO
    return money.total([invoice.total, facts.credited.get(invoice.id or 0, money.ZERO)])


def months_to_invoice(session: Session, limit: int = 500) -> dict[int, list[str]]:
    """The residents with approved hours not invoiced yet (at most ``limit``), each with
    the months (``YYYY-MM``) those hours were worked in: what a monthly invoice bills."""
    year = extract("year", col(HoursEntry.worked_on))
    month = extract("month", col(HoursEntry.worked_on))
    residents = (
        select(Job.person_id)
        .join(HoursEntry, col(HoursEntry.job_id) == Job.id)
        .where(
            HoursEntry.status == HoursStatus.goedgekeurd,
            col(HoursEntry.id).not_in(_invoiced_hours_ids()),  # type: ignore[arg-type]
        )
        .distinct()
        .order_by(col(Job.person_id))
        .limit(limit)
    )
    rows = session.exec(
        select(Job.person_id, year, month)
        .join(HoursEntry, col(HoursEntry.job_id) == Job.id)
        .where(
            HoursEntry.status == HoursStatus.goedgekeurd,
            col(HoursEntry.id).not_in(_invoiced_hours_ids()),  # type: ignore[arg-type]
            col(Job.person_id).in_(residents),
        )
        .distinct()
        .order_by(col(Job.person_id), year, month)
    ).all()
    found: dict[int, list[str]] = {}
    for person_id, y, m in rows:
        found.setdefault(person_id, []).append(f"{int(y):04d}-{int(m):02d}")
    return found


def invoices_of_job(session: Session, job_id: int) -> Sequence[Invoice]:
    """The invoices and credit notes of one job: those made for the job, and a
    resident's monthly invoices with a line for it."""
    with_line = select(InvoiceLine.invoice_id).where(InvoiceLine.job_id == job_id)
    return session.exec(
        select(Invoice)
        .where((col(Invoice.job_id) == job_id) | col(Invoice.id).in_(with_line))
        .order_by(col(Invoice.year), col(Invoice.sequence))
    ).all()


# --- corrections and payments ---------------------------------------------------------------


def credit(session: Session, tenant: TenantRuntime, invoice_id: int, data: CreditIn) -> Invoice:
    issued_on = data.issued_on or dutch_today()
    sequence, number = next_number(session, issued_on.year)  # first: see create_invoice
    original = get_invoice(session, invoice_id)
    if original.kind is not InvoiceKind.factuur:
        raise Conflict(
            f"{original.number} is a credit note; credit the invoice itself",
            user_message=UserMessage(
                "%(number)s is a credit note; credit the invoice itself.",
                number=original.number,
            ),
        )
    if original.status is PaymentStatus.gecrediteerd:
        raise Conflict(
            f"invoice {original.number} is already fully credited",
            user_message=UserMessage(
                "Invoice %(number)s is already fully credited.", number=original.number
            ),
        )
    left = remaining(session, original)
    amount = left if data.amount is None else money.cents(data.amount)
    if amount <= 0:
        raise field_error(
            "amount",
            f"a credit note credits more than € 0,00 (got {amount})",
            user_message=UserMessage("Enter an amount of more than € 0,00."),
        )
    if amount > left:
        raise field_error(
            "amount",
            f"{nl_money(amount)} is more than what is left of invoice {original.number} "
            f"({nl_money(left)})",
            user_message=UserMessage(
                "%(amount)s is more than what is left of invoice %(number)s (%(left)s).",
                amount=nl_money(amount),
                number=original.number,
                left=nl_money(left),
            ),
        )
    if issued_on < original.issued_on:
        raise field_error(
            "issued_on",
            f"a credit note cannot predate {original.number}",
            user_message=UserMessage(
                "A credit note cannot be dated before invoice %(number)s.", number=original.number
            ),
        )
    full = amount == left
    # Credit on an invoice already paid is money the resident gets back; on an unpaid
    # one it settles what is still owed.
    refund = original.paid_on is not None
    reduced = (
        money.cents(original.reduced_total * amount / original.total)
        if original.total
        else money.ZERO
    )
    note = Invoice(
        tenant_id=require_tenant(),
        number=number,
        year=issued_on.year,
        sequence=sequence,
        kind=InvoiceKind.creditnota,
        person_id=original.person_id,
        job_id=original.job_id,
        period=original.period,
        issued_on=issued_on,
        due_on=issued_on,
        total=-amount,
        reduced_total=-reduced,
        status=PaymentStatus.terug_te_betalen if refund else PaymentStatus.verrekend,
        credits_invoice_id=original.id,
        reason=data.reason,
        created_by=data.actor,
    )
    session.add(note)
    session.flush()
    if full and amount == original.total:
        lines = [
            InvoiceLine(
                tenant_id=require_tenant(),
                invoice_id=note.id or 0,
                job_id=line.job_id,
                hours_id=line.hours_id,
                description=f"Creditering: {line.description}",
                hours=-line.hours,
                hourly_rate=line.hourly_rate,
                rate_code=line.rate_code,
                amount=-line.amount,
            )
            for line in lines_of(session, original.id or 0)
        ]
    else:
        first = lines_of(session, original.id or 0)[0]
        lines = [
            InvoiceLine(
                tenant_id=require_tenant(),
                invoice_id=note.id or 0,
                job_id=first.job_id,
                description=f"Correctie op factuur {original.number}: {data.reason}",
                hours=money.ZERO,
                hourly_rate=money.ZERO,
                amount=-amount,
            )
        ]
    session.add_all(lines)
    if full:
        original.status = PaymentStatus.gecrediteerd
        session.add(original)
    session.flush()
    return note


def refund(session: Session, invoice_id: int, data: RefundIn) -> Invoice:
    """Record that the amount of a credit note on a paid invoice was paid back."""
    note = get_invoice(session, invoice_id)
    if note.kind is not InvoiceKind.creditnota:
        raise Conflict(
            f"{note.number} is an invoice; a refund is recorded on its credit note",
            user_message=UserMessage(
                "%(number)s is an invoice; a refund is recorded on its credit note.",
                number=note.number,
            ),
            current=note.status.value,
        )
    if note.status is not PaymentStatus.terug_te_betalen:
        why = {
            PaymentStatus.verrekend: "it settled an unpaid invoice, so nothing was paid to refund",
            PaymentStatus.terugbetaald: f"it was already refunded on {note.paid_on}",
        }.get(note.status, f"it is {note.status.value}")
        said = {
            PaymentStatus.verrekend: UserMessage(
                "Credit note %(number)s settled an unpaid invoice: nothing was paid, so "
                "there is nothing to refund.",
                number=note.number,
            ),
            PaymentStatus.terugbetaald: UserMessage(
                "Credit note %(number)s was already refunded on %(day)s.",
                number=note.number,
                day=note.paid_on,
            ),
        }.get(
            note.status,
            UserMessage("Credit note %(number)s has nothing to refund.", number=note.number),
        )
        raise Conflict(
            f"credit note {note.number} has nothing to refund: {why}",
            user_message=said,
            current=note.status.value,
        )
    if data.refunded_on < note.issued_on:
        raise field_error(
            "refunded_on",
            f"{data.refunded_on} lies before the credit note's date {note.issued_on}",
            user_message=UserMessage(
                "%(day)s lies before the date of the credit note, %(issued)s.",
                day=data.refunded_on,
                issued=note.issued_on,
            ),
        )
    note.status = PaymentStatus.terugbetaald
    note.paid_on = data.refunded_on
    session.add(note)
    session.flush()
    return note


def pay(session: Session, tenant: TenantRuntime, invoice_id: int, data: PaymentIn) -> Invoice:
    invoice = get_invoice(session, invoice_id)
    if invoice.kind is not InvoiceKind.factuur:
        raise Conflict(
            f"{invoice.number} is a credit note; it is not paid "
            f"(record a refund with POST /api/wijkbedrijf/invoices/{invoice.id}/refund)",
            user_message=UserMessage(
                "%(number)s is a credit note; it is not paid.", number=invoice.number
            ),
        )
    if invoice.status is not PaymentStatus.open:
        raise Conflict(
            f"invoice {invoice.number} is {invoice.status.value}"
            + (f" (on {invoice.paid_on})" if invoice.paid_on else ""),
            user_message=UserMessage(
                "Invoice %(number)s is no longer open: it is %(status)s.",
                number=invoice.number,
                status=invoice.status.value,
            ),
            current=invoice.status.value,
        )
    if data.paid_on < invoice.issued_on:
        raise field_error(
            "paid_on",
            f"{data.paid_on} lies before the invoice date {invoice.issued_on}",
            user_message=UserMessage(
                "%(day)s lies before the invoice date, %(issued)s.",
                day=data.paid_on,
                issued=invoice.issued_on,
            ),
        )
    invoice.status = PaymentStatus.betaald
    invoice.paid_on = data.paid_on
    session.add(invoice)
    if invoice.job_id is not None:
        job: Job = get_row(session, Job, invoice.job_id, "job")
        request = session.exec(select(HelpRequest).where(HelpRequest.id == job.request_id)).one()
        if (
            request.status == "uitgevoerd"
            and not billable_hours(session, job_id=job.id)
            and not open_invoices(session, job.id or 0)
        ):
            requests.transition_request(
                session,
                tenant.plugins,
                job.request_id,
                TransitionIn(to="afgerond", actor=data.actor),
            )
    session.flush()
    return invoice


# --- documents ------------------------------------------------------------------------------


def _latin(text: str) -> str:
    """The PDF core fonts speak cp1252 (which has €); replace what it lacks."""
    return text.encode("cp1252", "replace").decode("cp1252")


def pdf(session: Session, tenant: TenantRuntime, invoice: Invoice) -> bytes:
    settings = settings_of(tenant)
    person: Person = get_row(session, Person, invoice.person_id, "person")
    out = invoice_out(session, invoice)
    municipality = tenant.municipality.config
    doc = FPDF(format="A4")
    doc.core_fonts_encoding = "windows-1252"  # the fonts are declared WinAnsi, which has €
    doc.set_title(f"{invoice.kind.value.capitalize()} {invoice.number}")
    doc.set_author(settings.invoice_sender)
    doc.add_page()
    doc.set_font("Helvetica", "B", 16)
    title = "Factuur" if invoice.kind is InvoiceKind.factuur else "Creditnota"
    doc.cell(0, 10, _latin(f"{title} {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    for text in (
        f"{settings.invoice_sender}, {municipality.name}",
        "",
        f"Aan: {person.given_name} {person.family_name or ''}".rstrip(),
        f"Factuurdatum: {invoice.issued_on.strftime('%d-%m-%Y')}",
        f"Te betalen voor: {invoice.due_on.strftime('%d-%m-%Y')}"
        if invoice.kind is InvoiceKind.factuur
        else f"Correctie op factuur {out.credits_invoice_number}: {invoice.reason}",
        f"Periode: {invoice.period}" if invoice.period else f"Klus: {invoice.job_id}",
    ):
        doc.cell(0, 6, _latin(text), new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    widths = (95, 20, 30, 35)
    doc.set_font("Helvetica", "B", 10)
    for w, head in zip(widths, ("Omschrijving", "Uren", "Tarief", "Bedrag"), strict=True):
        doc.cell(w, 7, head, border="B")
    doc.ln()
    doc.set_font("Helvetica", "", 10)
    for row in out.lines:
        rate = nl_money(row.hourly_rate) + (f" ({row.rate_code})" if row.rate_code else "")
        cells = (row.description, f"{row.hours}".replace(".", ","), rate, nl_money(row.amount))
        for w, cell in zip(widths, cells, strict=True):
            # shrink a long description to fit its column rather than cut it off
            size = 10.0
            doc.set_font_size(size)
            while size > 6 and doc.get_string_width(_latin(cell)) > w - 2:
                size -= 0.5
                doc.set_font_size(size)
            doc.cell(w, 6, _latin(cell))
        doc.set_font_size(10)
        doc.ln()
    doc.set_font("Helvetica", "B", 11)
    doc.cell(sum(widths[:3]), 8, "Totaal", border="T")
    doc.cell(
        widths[3], 8, _latin(nl_money(invoice.total)), border="T", new_x="LMARGIN", new_y="NEXT"
    )
    doc.set_font("Helvetica", "", 10)
    status = {
        PaymentStatus.open: f"Openstaand: {nl_money(out.outstanding)}",
        PaymentStatus.betaald: f"Betaald op {invoice.paid_on.strftime('%d-%m-%Y') if invoice.paid_on else ''}",
        PaymentStatus.gecrediteerd: "Gecrediteerd: u hoeft deze factuur niet te betalen",
        PaymentStatus.verrekend: "Verrekend met de oorspronkelijke factuur",
        PaymentStatus.terug_te_betalen: (
            f"Wij betalen u {nl_money(-invoice.total)} terug (de factuur was al betaald)"
        ),
        PaymentStatus.terugbetaald: (
            f"Terugbetaald op {invoice.paid_on.strftime('%d-%m-%Y') if invoice.paid_on else ''}"
        ),
    }[invoice.status]
    doc.cell(0, 7, _latin(f"Betaalstatus: {status}"), new_x="LMARGIN", new_y="NEXT")
    if invoice.reduced_total:
        doc.cell(
            0,
            6,
            _latin(f"Waarvan tegen verlaagd tarief: {nl_money(invoice.reduced_total)}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(doc.output())


CSV_COLUMNS = (
    "number",
    "kind",
    "issued_on",
    "due_on",
    "person_id",
    "job_id",
    "period",
    "hours",
    "total",
    "reduced_total",
    "status",
    "paid_on",
    "credits_invoice",
)


def csv_export(
    session: Session, *, period_from: date | None = None, period_to: date | None = None
) -> str:
    """One row per invoice and credit note, amounts with a decimal point, for bookkeeping."""
    invoices = session.exec(invoices_statement(period_from=period_from, period_to=period_to)).all()
    note_subjects(i.person_id for i in invoices)
    numbers = {i.id: i.number for i in invoices}
    hours = dict(
        session.exec(
            select(InvoiceLine.invoice_id, func.sum(InvoiceLine.hours))
            .where(col(InvoiceLine.invoice_id).in_([i.id for i in invoices]))
            .group_by(col(InvoiceLine.invoice_id))
        ).all()
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for i in invoices:
        credited = None
        if i.credits_invoice_id is not None:
            credited = (
                numbers.get(i.credits_invoice_id)
                or get_invoice(session, i.credits_invoice_id).number
            )
        writer.writerow(
            (
                i.number,
                i.kind.value,
                i.issued_on.isoformat(),
                i.due_on.isoformat(),
                i.person_id,
                i.job_id or "",
                i.period or "",
                f"{Decimal(hours.get(i.id or 0, 0)):.2f}",
                f"{i.total:.2f}",
                f"{i.reduced_total:.2f}",
                i.status.value,
                i.paid_on.isoformat() if i.paid_on else "",
                credited or "",
            )
        )
    return buffer.getvalue()


def check_period(period_from: date | None, period_to: date | None) -> None:
    if period_from and period_to and period_to < period_from:
        raise field_error("to", f"'to' ({period_to}) lies before 'from' ({period_from})")
