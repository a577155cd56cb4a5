"""Failed confirmation mails, tried again: the ``wijkbedrijf.retry_confirmations``
periodic task (registered through core's ``periodic_tasks`` hook).

A confirmation whose mail failed for a reason that may pass (server down, a ``4xx``
answer) gets ``next_attempt_at`` after the wait the municipality configures
(``mail_retry_minutes``). Each cycle the task claims every due one, as a coordinator's
resend does (so two processes never send the same mail), writes the read of the
recipient's address to the access log as the system actor, sends it and records the
outcome. A confirmation of a klus that is no longer planned is not sent: its retries end.

A send that never recorded its outcome (its process stopped while the mail server
answered) is still ``bezig``; once that claim expires (``SENDING_EXPIRES``) the task
records the try as failed (``SendInterrupted``), with the schedule's next wait counted
from it, so it is retried like any failed one, or given up after the last wait.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from noaber.accounts.mail import Mailer
from noaber.accounts.roles import Principal
from noaber.errors import Conflict
from noaber.privacy import access_log
from noaber.requests.models import HelpRequest
from noaber.tasks import PeriodicTask, TaskContext
from noaber.tenancy.context import require_tenant
from noaber_wijkbedrijf.models import Delivery, Job, Notification
from noaber_wijkbedrijf.services import (
    NAME,
    claim,
    cut_off,
    deliver,
    next_attempt,
    settings_of,
)

TASK_NAME = "wijkbedrijf.retry_confirmations"
EVERY_SECONDS = 60
BATCH = 100
"""Most confirmations one cycle tries per tenant; the rest wait for the next cycle."""
PLANNED = "ingepland"
INTERRUPTED = "SendInterrupted"
"""``delivery_error`` of a try whose process stopped before it recorded the outcome."""


@dataclass
class RetryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)
    """Not sent: the klus is no longer planned, so its retries end."""
    taken: list[int] = field(default_factory=list)
    """Claimed by another process first (or no longer due)."""
    interrupted: list[int] = field(default_factory=list)
    """Found cut off while being sent, and recorded as a failed try."""


def record_interrupted(session: Session, now: datetime, retry_minutes: Sequence[int]) -> list[int]:
    """Record as failed every e-mail confirmation claimed for sending longer ago than
    ``SENDING_EXPIRES`` whose outcome never came (see the module); its next try is the
    schedule's wait after that try. Each row changes only if it is still that claim
    (a coordinator's resend may claim it again meanwhile)."""
    found = session.exec(
        select(Notification.id, Notification.attempts, Notification.attempted_at).where(
            Notification.channel == "e-mail", cut_off(now)
        )
    ).all()
    recorded: list[int] = []
    for notification_id, attempts, attempted_at in found:
        if notification_id is None or attempted_at is None:
            continue
        changed = session.execute(
            update(Notification)
            .where(
                col(Notification.id) == notification_id,
                col(Notification.tenant_id) == require_tenant(),
                col(Notification.delivery) == Delivery.bezig,
                col(Notification.attempted_at) == attempted_at,
            )
            .values(
                delivery=Delivery.mislukt,
                delivery_error=INTERRUPTED,
                next_attempt_at=next_attempt(
                    attempts, retry_minutes, attempted_at, permanent=False
                ),
            )
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount == 1:  # type: ignore[attr-defined]
            recorded.append(notification_id)
    return recorded


def due_confirmations(session: Session, now: datetime) -> list[tuple[int, str]]:
    """Ids of failed confirmations whose next try is due, with their klus's status."""
    rows = session.exec(
        select(Notification.id, HelpRequest.status)
        .join(Job, col(Job.id) == Notification.job_id)
        .join(HelpRequest, col(HelpRequest.id) == Job.request_id)
        .where(
            Notification.delivery == Delivery.mislukt,
            Notification.channel == "e-mail",
            col(Notification.next_attempt_at) <= now,
        )
        .order_by(col(Notification.next_attempt_at), col(Notification.id))
        .limit(BATCH)
    ).all()
    return [(i, status) for i, status in rows if i is not None]


def retry_due(
    session: Session,
    mailer: Mailer,
    retry_minutes: Sequence[int],
    *,
    now: datetime,
    principal: Principal,
    origin: str,
    stopping: threading.Event | None = None,
) -> RetryReport:
    """Try every due confirmation of the tenant in context once more (see the module);
    stop early, between two, when ``stopping`` is set (shutdown)."""
    report = RetryReport()
    report.interrupted = record_interrupted(session, now, retry_minutes)
    due = due_confirmations(session, now)
    session.commit()  # no transaction stays open while mail servers answer
    for notification_id, status in due:
        if stopping is not None and stopping.is_set():
            break
        notification = session.exec(
            select(Notification).where(Notification.id == notification_id)
        ).first()
        if notification is None:  # erased meanwhile
            continue
        if status != PLANNED:
            notification.next_attempt_at = None
            session.add(notification)
            session.commit()
            report.ended.append(notification_id)
            continue
        try:
            claim(session, notification, now, due=True)
        except Conflict:
            report.taken.append(notification_id)
            continue
        access_log.record(
            session,
            principal=principal,
            action="read",
            object_type=f"{NAME}.notification",
            object_id=notification_id,
            subject_person_id=notification.person_id,
            purpose=NAME,
            origin=origin,
        )
        session.commit()  # the entry is stored before the address leaves
        deliver(session, mailer, notification, retry_minutes, now)
        session.commit()
        sent = notification.delivery is Delivery.verstuurd
        (report.sent if sent else report.failed).append(notification_id)
    return report


def run(context: TaskContext) -> None:
    retry_due(
        context.session,
        context.mailer,
        settings_of(context.tenant).mail_retry_minutes,
        now=context.now,
        principal=context.principal,
        origin=context.origin,
        stopping=context.stopping,
    )


TASK = PeriodicTask(TASK_NAME, EVERY_SECONDS, run)
