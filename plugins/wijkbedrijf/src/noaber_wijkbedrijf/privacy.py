"""Data-subject export and erasure for the wijkbedrijf.

A person appears here as a resident (jobs, notifications, invoices), as a volunteer
(through their helper profile: assignments, hours, allowances) and as a dagbesteding
participant (participation, attendance, outflow). Erasure keeps the bookkeeping:
jobs, invoices, invoice lines, hours and allowances stay with their amounts, but the
address, free text and names on them are overwritten; messages to the resident are
deleted."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from noaber.people.models import HelperProfile
from noaber.privacy.subject import ERASED
from noaber_wijkbedrijf.models import (
    Allowance,
    Assignment,
    Attendance,
    HoursEntry,
    Invoice,
    InvoiceLine,
    Job,
    Notification,
    Outflow,
    Participant,
)
from noaber_wijkbedrijf.services import first_name

TABLES = {
    "wijkbedrijf_job": "personal",
    "wijkbedrijf_assignment": "personal",
    "wijkbedrijf_notification": "personal",
    "wijkbedrijf_hours": "personal",
    "wijkbedrijf_invoice_counter": "none",
    "wijkbedrijf_invoice": "personal",
    "wijkbedrijf_invoice_line": "personal",
    "wijkbedrijf_allowance": "personal",
    "wijkbedrijf_participant": "personal",
    "wijkbedrijf_activity": "none",
    "wijkbedrijf_attendance": "personal",
    "wijkbedrijf_outflow": "personal",
}
"""``wijkbedrijf_notification`` holds the message, its recipient and whether and when it
was sent (``delivery``, ``attempts``, ``attempted_at``, ``next_attempt_at``, ``sent_at``;
``delivery_error`` is an error class name, no personal data). ``wijkbedrijf_activity`` is reference data (its supervisor is a
staff member, not a resident or volunteer); the counter holds only the last invoice number
of a year."""


def _dump(rows: Sequence[SQLModel]) -> list[dict[str, Any]]:
    return [row.model_dump(mode="json") for row in rows]


def _ids(rows: Sequence[Any]) -> list[int]:
    return [row.id for row in rows if row.id is not None]


class _Holdings:
    """Every wijkbedrijf row about one person."""

    def __init__(self, session: Session, person_id: int) -> None:
        self.helpers = list(
            session.exec(select(HelperProfile).where(HelperProfile.person_id == person_id)).all()
        )
        helper_ids = _ids(self.helpers)
        self.jobs = list(session.exec(select(Job).where(Job.person_id == person_id)).all())
        self.notifications = list(
            session.exec(select(Notification).where(Notification.person_id == person_id)).all()
        )
        self.invoices = list(
            session.exec(select(Invoice).where(Invoice.person_id == person_id)).all()
        )
        self.lines = list(
            session.exec(
                select(InvoiceLine).where(col(InvoiceLine.invoice_id).in_(_ids(self.invoices)))
            ).all()
        )
        self.assignments = list(
            session.exec(select(Assignment).where(col(Assignment.helper_id).in_(helper_ids))).all()
        )
        self.hours = list(
            session.exec(select(HoursEntry).where(col(HoursEntry.helper_id).in_(helper_ids))).all()
        )
        self.allowances = list(
            session.exec(select(Allowance).where(col(Allowance.helper_id).in_(helper_ids))).all()
        )
        self.participants = list(
            session.exec(select(Participant).where(Participant.person_id == person_id)).all()
        )
        participant_ids = _ids(self.participants)
        self.attendance = list(
            session.exec(
                select(Attendance).where(col(Attendance.participant_id).in_(participant_ids))
            ).all()
        )
        self.outflow = list(
            session.exec(
                select(Outflow).where(
                    col(Outflow.participant_id).in_(participant_ids)
                    | col(Outflow.helper_id).in_(helper_ids)
                )
            ).all()
        )


def export(session: Session, person_id: int) -> Mapping[str, Any]:
    held = _Holdings(session, person_id)
    return {
        "wijkbedrijf_job": _dump(held.jobs),
        "wijkbedrijf_notification": _dump(held.notifications),
        "wijkbedrijf_invoice": _dump(held.invoices),
        "wijkbedrijf_invoice_line": _dump(held.lines),
        "wijkbedrijf_assignment": _dump(held.assignments),
        "wijkbedrijf_hours": _dump(held.hours),
        "wijkbedrijf_allowance": _dump(held.allowances),
        "wijkbedrijf_participant": _dump(held.participants),
        "wijkbedrijf_attendance": _dump(held.attendance),
        "wijkbedrijf_outflow": _dump(held.outflow),
    }


def _without_names(text: str, names: Sequence[str]) -> str:
    for name in names:
        text = text.replace(name, ERASED)
    return text


def erase(session: Session, person_id: int) -> Mapping[str, int]:
    """Runs before core anonymises the person and their helper profile (whose display
    name is still readable here, to remove it from other residents' invoices)."""
    held = _Holdings(session, person_id)
    for job in held.jobs:
        job.street = ERASED
        job.house_number = ""
        job.postcode = ""
        job.city = ERASED
        job.rate_reason = None
        job.income_pct = None
        session.add(job)
    # Credit-note reasons are free text about the resident: on the invoice and its lines.
    reasons = [i.reason for i in held.invoices if i.reason]
    for invoice in held.invoices:
        if invoice.reason:
            invoice.reason = ERASED
            session.add(invoice)
    changed_lines: dict[int, InvoiceLine] = {}
    for line in held.lines:
        text = _without_names(line.description, reasons)
        if text != line.description:
            line.description = text
            session.add(line)
            changed_lines[id(line)] = line
    # The volunteer's name on the invoice lines of their hours and in the messages
    # residents received about their planning.
    names = [h.display_name for h in held.helpers if h.display_name and h.display_name != ERASED]
    named_messages: list[Notification] = []
    if names:
        job_ids = sorted({a.job_id for a in held.assignments})
        for line in session.exec(
            select(InvoiceLine).where(col(InvoiceLine.job_id).in_(job_ids))
        ).all():
            text = _without_names(line.description, names)
            if text != line.description:
                line.description = text
                session.add(line)
                changed_lines[id(line)] = line
        # Messages name the volunteer by first name only (as a whole word: "Sam" is not
        # erased from "samen koken").
        first_names = [re.compile(rf"\b{re.escape(first_name(n))}\b") for n in names]
        for message in session.exec(
            select(Notification).where(
                col(Notification.job_id).in_(job_ids), Notification.person_id != person_id
            )
        ).all():
            text = _without_names(message.text, names)
            for pattern in first_names:
                text = pattern.sub(ERASED, text)
            if text != message.text:
                message.text = text
                session.add(message)
                named_messages.append(message)
    for entry in held.hours:
        entry.note = None
        session.add(entry)
    for participant in held.participants:
        participant.needs = None
        session.add(participant)
    for day in held.attendance:
        day.note = None
        session.add(day)
    for outflow in held.outflow:
        outflow.description = ERASED
        session.add(outflow)
    for message in held.notifications:
        session.delete(message)
    session.flush()
    return {
        "wijkbedrijf_job": len(held.jobs),
        "wijkbedrijf_notification": len(held.notifications) + len(named_messages),
        "wijkbedrijf_invoice": len(reasons),
        "wijkbedrijf_invoice_line": len(changed_lines),
        "wijkbedrijf_hours": len(held.hours),
        "wijkbedrijf_participant": len(held.participants),
        "wijkbedrijf_attendance": len(held.attendance),
        "wijkbedrijf_outflow": len(held.outflow),
    }
