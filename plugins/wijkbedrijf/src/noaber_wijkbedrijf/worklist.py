"""The wijkbedrijf's lines on the coordinator's work list (the ``ui_work_items`` hook):
residents whose confirmation of a planned job never reached them — no e-mail address,
or the mail failed and its retries are used up — while the job still lies ahead, so
someone lets them know another way. Linked to the job's page (:mod:`.pages`), where
the confirmation's state is shown and one that failed can be sent again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from noaber.clock import dutch_time
from noaber.errors import UserMessage
from noaber.people.models import Person
from noaber.privacy.access_log import note_subjects
from noaber.ui.contrib import WorkItem
from noaber_wijkbedrijf.models import Assignment, AssignmentStatus, Delivery, Job, Notification
from noaber_wijkbedrijf.pages import job_url

PROGRAMME = "wijkbedrijf"
SECTION = "confirmations"
"""The work list's own heading for these (translated in the plugin's catalogue)."""
DETAILS = {
    Delivery.geen_emailadres: UserMessage(
        "no e-mail address for the confirmation: let the resident know another way"
    ),
    Delivery.mislukt: UserMessage(
        "the confirmation could not be sent: let the resident know another way"
    ),
}
PLANNED = (AssignmentStatus.voorgesteld, AssignmentStatus.bevestigd)


def work_items(session: Session, now: datetime) -> list[WorkItem]:
    starts = (
        select(Assignment.job_id, func.min(Assignment.starts_at).label("starts_at"))
        .where(col(Assignment.status).in_(PLANNED), col(Assignment.starts_at) >= now)
        .group_by(col(Assignment.job_id))
        .subquery()
    )
    rows = session.exec(
        select(Notification, Job, Person, starts.c.starts_at)
        .join(Job, col(Job.id) == Notification.job_id)
        .join(Person, col(Person.id) == Notification.person_id)
        .join(starts, starts.c.job_id == Notification.job_id)
        .where(
            or_(
                col(Notification.delivery) == Delivery.geen_emailadres,
                and_(
                    col(Notification.delivery) == Delivery.mislukt,
                    col(Notification.next_attempt_at).is_(None),
                ),
            )
        )
        .order_by(starts.c.starts_at, col(Notification.id))
    ).all()
    note_subjects(person.id for _n, _j, person, _s in rows)
    return [
        WorkItem(
            SECTION,
            " ".join(p for p in (person.given_name, person.family_name) if p)
            + f" · {job.category}",
            job_url(job.id or 0),
            due=dutch_time(starts_at).date(),
            detail=DETAILS[notification.delivery],
            programme=PROGRAMME,
        )
        for notification, job, person, starts_at in rows
    ]
