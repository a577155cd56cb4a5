"""Figures per month and year for the municipality and the wijkbedrijf's own reporting."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, func, select

from noaber.people.services import field_error
from noaber.requests.models import HelpRequest
from noaber_wijkbedrijf import money
from noaber_wijkbedrijf.models import (
    Allowance,
    Attendance,
    HoursEntry,
    HoursStatus,
    Invoice,
    InvoiceKind,
    Job,
    Outflow,
    OutflowKind,
)
from noaber_wijkbedrijf.schemas import Figures, PeriodFigures


def _bounds(year: int, month: int | None) -> tuple[date, date]:
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, 1), nxt - timedelta(days=1)


def period_figures(session: Session, first: date, last: date, label: str) -> PeriodFigures:
    # A job counts in the period of the first day it was wished for.
    jobs = session.exec(
        select(Job.category, HelpRequest.status)
        .join(HelpRequest, col(HelpRequest.id) == Job.request_id)
        .where(col(Job.wished_from) >= first, col(Job.wished_from) <= last)
    ).all()
    by_category: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for category, status in jobs:
        by_category[category] = by_category.get(category, 0) + 1
        by_status[status] = by_status.get(status, 0) + 1
    approved = (
        HoursEntry.status == HoursStatus.goedgekeurd,
        col(HoursEntry.worked_on) >= first,
        col(HoursEntry.worked_on) <= last,
    )
    hours = session.exec(select(func.sum(HoursEntry.hours)).where(*approved)).one()
    volunteers = session.exec(
        select(func.count(func.distinct(HoursEntry.helper_id))).where(*approved)
    ).one()
    in_period = (col(Invoice.issued_on) >= first, col(Invoice.issued_on) <= last)
    revenue, reduced = session.exec(
        select(func.sum(Invoice.total), func.sum(Invoice.reduced_total)).where(*in_period)
    ).one()
    credited = session.exec(
        select(func.sum(Invoice.total)).where(*in_period, Invoice.kind == InvoiceKind.creditnota)
    ).one()
    revenue = money.cents(Decimal(revenue or 0))
    reduced = money.cents(Decimal(reduced or 0))
    allowances = session.exec(
        select(func.sum(Allowance.amount)).where(
            col(Allowance.paid_on) >= first, col(Allowance.paid_on) <= last
        )
    ).one()
    present = (
        col(Attendance.present).is_(True),
        col(Attendance.day) >= first,
        col(Attendance.day) <= last,
    )
    attendance_days = session.exec(
        select(func.count()).select_from(Attendance).where(*present)
    ).one()
    participants = session.exec(
        select(func.count(func.distinct(Attendance.participant_id))).where(*present)
    ).one()
    outflow = {k.value: 0 for k in OutflowKind}
    for kind, count in session.exec(
        select(Outflow.kind, func.count())
        .where(col(Outflow.on) >= first, col(Outflow.on) <= last)
        .group_by(col(Outflow.kind))
    ).all():
        outflow[OutflowKind(kind).value] = int(count)
    share = (reduced / revenue).quantize(Decimal("0.0001")) if revenue > 0 else Decimal("0.0000")
    return PeriodFigures(
        period=label,
        jobs=len(jobs),
        jobs_by_category=dict(sorted(by_category.items())),
        jobs_by_status=dict(sorted(by_status.items())),
        hours_approved=Decimal(hours or 0).quantize(Decimal("0.01")),
        active_volunteers=int(volunteers or 0),
        revenue=revenue,
        revenue_reduced=reduced,
        reduced_share=share,
        credited=money.cents(-Decimal(credited or 0)),
        allowances_paid=money.cents(Decimal(allowances or 0)),
        attendance_days=int(attendance_days or 0),
        attendance_participants=int(participants or 0),
        outflow=outflow,
    )


def figures(session: Session, year: int, month: int | None = None) -> Figures:
    if not 2000 <= year <= 2100:
        raise field_error("year", f"{year} is not a year the wijkbedrijf reports on")
    if month is not None and not 1 <= month <= 12:
        raise field_error("month", f"{month} is not a month (1-12)")
    first, last = _bounds(year, month)
    label = f"{year}" if month is None else f"{year}-{month:02d}"
    out = Figures(year=year, month=month, total=period_figures(session, first, last, label))
    if month is None:
        out.months = [
            period_figures(session, *_bounds(year, m), f"{year}-{m:02d}") for m in range(1, 13)
        ]
    return out
