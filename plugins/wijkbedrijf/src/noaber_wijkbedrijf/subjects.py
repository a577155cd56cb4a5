"""Name the residents and volunteers a response shows or a write concerns, for the
access log (one entry per person, so "who accessed my file" includes the wijkbedrijf's
lists and changes).

:func:`noted` names the persons behind what a handler answers; the ``note_*`` helpers
name the persons an object concerns by its id, *before* a write on it, so a refused
write (4xx) and a repeated form submit (redirected to the first one's result without
doing the work again) name them too. An id of no row notes nobody (the write answers
404 or 422)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from noaber.people.models import HelperProfile, Person
from noaber.privacy.access_log import note_subjects
from noaber_wijkbedrijf.models import (
    Assignment,
    HoursEntry,
    Invoice,
    Job,
    Notification,
    Participant,
)

T = TypeVar("T")


def _ids(rows: list[Any], name: str) -> set[int]:
    return {v for r in rows if isinstance(v := getattr(r, name, None), int)}


def noted(session: Session, out: T) -> T:
    """Note the persons behind ``out`` (one output object or a list of them, with
    ``person_id``, ``helper_id`` or ``participant_id``) and return it unchanged."""
    rows: list[Any] = list(out) if isinstance(out, list) else [out]
    persons = _ids(rows, "person_id")
    helpers = _ids(rows, "helper_id")
    participants = _ids(rows, "participant_id")
    if helpers:
        persons |= {
            p
            for p in session.exec(
                select(HelperProfile.person_id).where(col(HelperProfile.id).in_(helpers))
            ).all()
            if p is not None
        }
    if participants:
        persons |= set(
            session.exec(
                select(Participant.person_id).where(col(Participant.id).in_(participants))
            ).all()
        )
    note_subjects(sorted(persons))
    return out


def _note_rows(session: Session, statement: Any) -> None:
    """Note every person id the rows of ``statement`` hold (one column, or several)."""
    persons: set[int] = set()
    for row in session.exec(statement).all():
        values = (row,) if row is None or isinstance(row, int) else tuple(row)
        persons.update(p for p in values if isinstance(p, int))
    note_subjects(sorted(persons))


def note_persons(session: Session, person_ids: Iterable[int | None]) -> None:
    """The persons of these ids that exist (an id typed into a form may be of nobody)."""
    wanted = sorted({p for p in person_ids if p is not None})
    if wanted:
        _note_rows(session, select(Person.id).where(col(Person.id).in_(wanted)))


def note_job(session: Session, job_id: int) -> None:
    """The resident of the job."""
    _note_rows(session, select(Job.person_id).where(Job.id == job_id))


def note_assignment(session: Session, assignment_id: int) -> None:
    """The resident of the assignment's job and the planned volunteer's person."""
    _note_rows(
        session,
        select(Job.person_id, HelperProfile.person_id)
        .select_from(Assignment)
        .join(Job, col(Job.id) == col(Assignment.job_id))
        .outerjoin(HelperProfile, col(HelperProfile.id) == col(Assignment.helper_id))
        .where(Assignment.id == assignment_id),
    )


def note_hours(session: Session, hours_id: int) -> None:
    """The resident of the job the hours were worked on and the volunteer's person."""
    _note_rows(
        session,
        select(Job.person_id, HelperProfile.person_id)
        .select_from(HoursEntry)
        .join(Job, col(Job.id) == col(HoursEntry.job_id))
        .outerjoin(HelperProfile, col(HelperProfile.id) == col(HoursEntry.helper_id))
        .where(HoursEntry.id == hours_id),
    )


def note_participant(session: Session, participant_id: int | None) -> None:
    """The person taking part in the dagbesteding."""
    if participant_id is not None:
        _note_rows(session, select(Participant.person_id).where(Participant.id == participant_id))


def note_invoice(session: Session, invoice_id: int) -> None:
    """The resident the invoice or credit note is made out to."""
    _note_rows(session, select(Invoice.person_id).where(Invoice.id == invoice_id))


def note_notification(session: Session, notification_id: int) -> None:
    """The resident the message is sent to."""
    _note_rows(session, select(Notification.person_id).where(Notification.id == notification_id))
