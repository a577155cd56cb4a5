"""Dagbesteding (a protected workplace): participants, activities, attendance per day,
and outflow of participants and volunteers to training, paid or unpaid work."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from noaber.clock import dutch_today
from noaber.errors import Conflict
from noaber.people.models import HelperProfile, Person
from noaber.people.services import field_error
from noaber.tenancy.context import require_tenant
from noaber_wijkbedrijf.models import Activity, Attendance, Outflow, Participant
from noaber_wijkbedrijf.schemas import (
    ActivityIn,
    AttendanceIn,
    OutflowIn,
    ParticipantEndIn,
    ParticipantIn,
)
from noaber_wijkbedrijf.services import get_row, require_ref


def add_participant(session: Session, data: ParticipantIn) -> Participant:
    require_ref(session, Person, data.person_id, "person_id", "person")
    running = session.exec(
        select(Participant.id).where(
            Participant.person_id == data.person_id, col(Participant.ended_on).is_(None)
        )
    ).first()
    if running is not None:
        raise Conflict(
            f"person {data.person_id} already takes part in dagbesteding ({running})",
            participant_id=running,
        )
    participant = Participant(tenant_id=require_tenant(), **data.model_dump())
    session.add(participant)
    session.flush()
    return participant


def end_participant(session: Session, participant_id: int, data: ParticipantEndIn) -> Participant:
    participant: Participant = get_row(session, Participant, participant_id, "participant")
    if participant.ended_on is not None:
        raise Conflict(f"participant {participant_id} already ended on {participant.ended_on}")
    if data.ended_on < participant.started_on:
        raise field_error(
            "ended_on", f"{data.ended_on} lies before the start ({participant.started_on})"
        )
    participant.ended_on = data.ended_on
    session.add(participant)
    session.flush()
    return participant


def participants_statement(*, active: bool | None = None) -> SelectOfScalar[Participant]:
    """The participants (still taking part, or ended) in the order they were added."""
    stmt = select(Participant)
    if active is True:
        stmt = stmt.where(col(Participant.ended_on).is_(None))
    elif active is False:
        stmt = stmt.where(col(Participant.ended_on).is_not(None))
    return stmt.order_by(col(Participant.id))


def add_activity(session: Session, data: ActivityIn) -> Activity:
    if session.exec(select(Activity.id).where(Activity.name == data.name)).first() is not None:
        raise Conflict(f"there is already an activity called {data.name!r}")
    activity = Activity(tenant_id=require_tenant(), **data.model_dump())
    session.add(activity)
    session.flush()
    return activity


def activities_statement() -> SelectOfScalar[Activity]:
    """The activities by name (a name is unique)."""
    return select(Activity).order_by(col(Activity.name), col(Activity.id))


def record_attendance(session: Session, data: AttendanceIn) -> Attendance:
    participant: Participant = require_ref(
        session, Participant, data.participant_id, "participant_id", "participant"
    )
    activity: Activity = require_ref(session, Activity, data.activity_id, "activity_id", "activity")
    if data.day > dutch_today():
        raise field_error(
            "day", f"{data.day} lies in the future; record attendance on or after the day"
        )
    if data.day < participant.started_on or (
        participant.ended_on is not None and data.day > participant.ended_on
    ):
        raise field_error(
            "day",
            f"participant {participant.id} takes part from {participant.started_on}"
            + (f" to {participant.ended_on}" if participant.ended_on else "")
            + f", not on {data.day}",
        )
    existing = session.exec(
        select(Attendance.id).where(
            Attendance.participant_id == participant.id,
            Attendance.activity_id == activity.id,
            Attendance.day == data.day,
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"attendance of participant {participant.id} at {activity.name!r} on {data.day} "
            "is already recorded",
            attendance_id=existing,
        )
    attendance = Attendance(
        tenant_id=require_tenant(),
        participant_id=participant.id or 0,
        activity_id=activity.id or 0,
        day=data.day,
        present=data.present,
        supervisor=data.supervisor or activity.supervisor,
        note=data.note,
    )
    session.add(attendance)
    session.flush()
    return attendance


def attendance_statement(
    *,
    day: date | None = None,
    participant_id: int | None = None,
    activity_id: int | None = None,
) -> SelectOfScalar[Attendance]:
    """The attendance (on a day, of a participant, at an activity) by day, then in the
    order it was recorded."""
    stmt = select(Attendance)
    if day is not None:
        stmt = stmt.where(Attendance.day == day)
    if participant_id is not None:
        stmt = stmt.where(Attendance.participant_id == participant_id)
    if activity_id is not None:
        stmt = stmt.where(Attendance.activity_id == activity_id)
    return stmt.order_by(col(Attendance.day), col(Attendance.id))


def record_outflow(session: Session, data: OutflowIn) -> Outflow:
    if data.participant_id is not None:
        participant: Participant = require_ref(
            session, Participant, data.participant_id, "participant_id", "participant"
        )
        if data.on < participant.started_on:
            raise field_error(
                "on", f"{data.on} lies before the participant started ({participant.started_on})"
            )
    if data.helper_id is not None:
        require_ref(session, HelperProfile, data.helper_id, "helper_id", "volunteer")
    outflow = Outflow(
        tenant_id=require_tenant(),
        participant_id=data.participant_id,
        helper_id=data.helper_id,
        kind=data.kind,
        on=data.on,
        description=data.description,
        recorded_by=data.actor,
    )
    session.add(outflow)
    session.flush()
    return outflow


def outflow_statement() -> SelectOfScalar[Outflow]:
    """The outflow by the day someone moved on, then in the order it was recorded."""
    return select(Outflow).order_by(col(Outflow.on), col(Outflow.id))
