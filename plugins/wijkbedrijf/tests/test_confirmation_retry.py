"""Failed confirmation mails are retried by the periodic task
``wijkbedrijf.retry_confirmations``, through core's task runner, against a real SMTP
server (aiosmtpd). Time is driven with explicit ``now`` values, never by sleeping."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from noaber.accounts.mail import Mailer
from noaber.platform import Platform
from noaber.privacy.models import AccessLogEntry
from noaber.tasks import PeriodicTask
from noaber.tasks.runner import Outcome, TaskRunner
from noaber.tenancy.context import tenant_scope
from noaber_wijkbedrijf.models import Delivery, Notification
from noaber_wijkbedrijf.retries import INTERRUPTED, TASK_NAME
from noaber_wijkbedrijf.services import SENDING_EXPIRES

SECOND = timedelta(seconds=1)


class NoLock:
    """Lets every runner run every cycle: what keeps a mail single is then the claim."""

    @contextmanager
    def cycle(self, tenant: str, task: PeriodicTask) -> Iterator[bool]:
        yield True

    def close(self) -> None:
        pass


def cycle(platform: Platform, url: str, now: datetime, lock: Any = None) -> list[Outcome]:
    """One run of the due tasks of Leeuwarden in a fresh process-like runner."""
    runner = TaskRunner(platform, Mailer(url), lock)
    try:
        return runner.run_due(tenant="leeuwarden", task=TASK_NAME, now=now)
    finally:
        runner.close()


def stored(platform: Platform, notification_id: int) -> Notification:
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        row = session.exec(select(Notification).where(Notification.id == notification_id)).one()
        session.expunge(row)
        return row


def make_due_now(platform: Platform, notification_id: int) -> None:
    """Move a failed confirmation's next try to the time of its last one."""
    with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
        row = session.exec(select(Notification).where(Notification.id == notification_id)).one()
        row.next_attempt_at = row.attempted_at
        session.add(row)


def when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@pytest.fixture
def down(platform, make_platform, h):
    """A confirmation that failed because nothing listened on the SMTP port: (client,
    job, notification as answered, SMTP URL, port)."""
    port = h.free_port()
    url = f"smtp://127.0.0.1:{port}"
    with h.leeuwarden_mailing(make_platform, url, tasks_in_app=False) as lw:
        job, confirmed = h.plan_and_confirm(lw, h)
        yield lw, job, confirmed["notification"], url, port


def test_a_confirmation_that_failed_while_the_server_was_down_goes_out_once_it_is_up(down, h):
    lw, job, note, url, port = down
    platform = lw.app.state.platform
    assert (note["delivery"], note["delivery_error"]) == ("mislukt", "ConnectionRefusedError")
    assert (note["attempts"], note["gave_up"]) == (1, False)
    first_try = stored(platform, note["id"]).attempted_at
    retry_at = when(note["next_attempt_at"])
    assert retry_at == first_try + timedelta(minutes=5)
    assert note["delivery_summary"].startswith(
        "Mislukt na 1 poging (ConnectionRefusedError); wordt opnieuw geprobeerd op "
    )
    with h.smtp_server(port=port) as (inbox, _):
        # Not before its time.
        assert cycle(platform, url, retry_at - SECOND) == [Outcome("leeuwarden", TASK_NAME, "ok")]
        assert inbox.messages == []
        assert stored(platform, note["id"]).attempts == 1
        # Due: sent, once.
        cycle(platform, url, retry_at)
        cycle(platform, url, retry_at + timedelta(hours=5))
    [(recipients, message)] = inbox.messages
    assert recipients == ["grietje@example.nl"]
    assert message["Subject"] == "Uw klus is ingepland"
    row = stored(platform, note["id"])
    assert (row.delivery, row.attempts, row.delivery_error) == (Delivery.verstuurd, 2, None)
    assert row.sent_at == retry_at
    assert row.attempted_at == retry_at
    assert row.next_attempt_at is None
    [listed] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert (listed["delivery"], listed["attempts"], listed["gave_up"]) == ("verstuurd", 2, False)
    assert listed["next_attempt_at"] is None
    assert listed["delivery_summary"].startswith("Verstuurd op ")


def test_the_automatic_try_is_in_the_access_log_as_the_system(down, h):
    lw, _job, note, url, port = down
    platform = lw.app.state.platform
    with h.smtp_server(port=port):
        cycle(platform, url, when(note["next_attempt_at"]))
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        [entry] = session.exec(
            select(AccessLogEntry).where(AccessLogEntry.object_type == "wijkbedrijf.notification")
        ).all()
    assert (entry.actor, entry.purpose, entry.action) == ("system", "wijkbedrijf", "read")
    assert (entry.object_id, entry.subject_person_id) == (str(note["id"]), note["person_id"])
    assert entry.origin == f"task:{TASK_NAME}"


def test_backoff_then_it_stays_failed_after_the_last_attempt(down, h):
    lw, job, note, url, _port = down  # the server stays down throughout
    platform = lw.app.state.platform
    waits = [5, 15, 60, 240]
    for attempt, minutes in enumerate(waits, start=1):
        row = stored(platform, note["id"])
        assert row.attempts == attempt
        assert row.next_attempt_at == row.attempted_at + timedelta(minutes=minutes)
        cycle(platform, url, row.next_attempt_at - SECOND)
        assert stored(platform, note["id"]).attempts == attempt  # not before its time
        cycle(platform, url, row.next_attempt_at)
    row = stored(platform, note["id"])
    assert (row.delivery, row.attempts, row.next_attempt_at) == (Delivery.mislukt, 5, None)
    assert row.delivery_error == "ConnectionRefusedError"
    cycle(platform, url, row.attempted_at + timedelta(days=30))
    assert stored(platform, note["id"]).attempts == 5
    [listed] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert (listed["delivery"], listed["gave_up"], listed["next_attempt_at"]) == (
        "mislukt",
        True,
        None,
    )
    assert listed["delivery_summary"] == "Opgegeven na 5 pogingen: ConnectionRefusedError"


@pytest.mark.parametrize(
    ("refusal", "retried"),
    [("550 5.1.1 mailbox unavailable", False), ("450 4.2.1 mailbox busy, try later", True)],
)
def test_a_refusal_for_good_is_not_retried_one_for_now_is(
    platform, make_platform, h, refusal, retried
):
    port = h.free_port()
    url = f"smtp://127.0.0.1:{port}"
    with h.leeuwarden_mailing(make_platform, url, tasks_in_app=False) as lw:
        platform = lw.app.state.platform
        with h.smtp_server(port=port, refusal=refusal) as (refusing, _):
            _, confirmed = h.plan_and_confirm(lw, h)
        note = confirmed["notification"]
        assert (note["delivery"], note["delivery_error"]) == ("mislukt", "SMTPRecipientsRefused")
        assert (note["next_attempt_at"] is not None, note["gave_up"]) == (retried, not retried)
        if not retried:
            assert note["delivery_summary"] == "Opgegeven na 1 poging: SMTPRecipientsRefused"
        with h.smtp_server(port=port) as (inbox, _):
            cycle(platform, url, datetime.fromisoformat(note["created_at"]) + timedelta(days=1))
    assert len(inbox.messages) == (1 if retried else 0)
    assert refusing.messages == []
    assert stored(platform, note["id"]).attempts == (2 if retried else 1)


def test_two_runs_at_once_send_one_mail(down, h):
    lw, _job, note, url, port = down
    platform = lw.app.state.platform
    due = when(note["next_attempt_at"])
    start = threading.Barrier(4)
    outcomes: list[list[Outcome]] = []

    def run() -> None:
        start.wait()
        outcomes.append(cycle(platform, url, due, NoLock()))

    with h.smtp_server(port=port) as (inbox, _):
        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert [o.result for found in outcomes for o in found] == ["ok"] * 4
    assert len(inbox.messages) == 1
    assert stored(platform, note["id"]).attempts == 2


def test_a_confirmation_of_a_cancelled_klus_is_not_retried(down, h):
    lw, job, note, url, port = down
    platform = lw.app.state.platform
    h.ok(lw.post(f"{h.base}/jobs/{job['id']}/cancel", json={"reason": "bewoner ziek"}), 201)
    with h.smtp_server(port=port) as (inbox, _):
        cycle(platform, url, when(note["next_attempt_at"]))
    assert inbox.messages == []
    row = stored(platform, note["id"])
    assert (row.delivery, row.attempts, row.next_attempt_at) == (Delivery.mislukt, 1, None)


def test_the_web_workers_retry_by_themselves(down, make_platform, h):
    """The in-app loop (the app's lifespan) runs the task without anyone asking."""
    import time

    lw, _job, note, url, port = down
    platform = lw.app.state.platform
    make_due_now(platform, note["id"])
    with (
        h.smtp_server(port=port) as (inbox, _),
        h.leeuwarden_mailing(make_platform, url, tasks_tick_seconds=0.2),
    ):
        deadline = time.monotonic() + 20
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.1)
    assert len(inbox.messages) == 1
    assert stored(platform, note["id"]).delivery is Delivery.verstuurd


def test_a_run_that_comes_second_does_not_claim_a_try_that_is_no_longer_due(down, h):
    """Two runs both list a due confirmation; the first tries it and fails again (next
    try later): the second's claim must not try it once more."""
    from noaber.errors import Conflict
    from noaber_wijkbedrijf.services import claim

    lw, _job, note, url, _port = down
    platform = lw.app.state.platform
    due = when(note["next_attempt_at"])
    cycle(platform, url, due)  # the first run: fails again, next try in 15 minutes
    assert stored(platform, note["id"]).attempts == 2
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        row = session.exec(select(Notification).where(Notification.id == note["id"])).one()
        with pytest.raises(Conflict):
            claim(session, row, due, due=True)  # the second run, with the same cycle time
    assert stored(platform, note["id"]).attempts == 2


def test_the_cli_sends_what_is_due(down, h, database_url, migration_database_url, monkeypatch):
    """``noaber tasks run`` (cron) does what the in-app loop does."""
    from click.testing import CliRunner

    from noaber.cli import main

    lw, _job, note, url, port = down
    platform = lw.app.state.platform
    make_due_now(platform, note["id"])
    for name, value in {
        "DATABASE_URL": database_url,
        "NOABER_MIGRATION_DATABASE_URL": migration_database_url,
        "NOABER_SMTP_URL": url,
    }.items():
        monkeypatch.setenv(name, value)
    with h.smtp_server(port=port) as (inbox, _):
        result = CliRunner().invoke(main, ["tasks", "run", "--tenant", "leeuwarden"])
    assert result.exit_code == 0, result.output
    assert f"leeuwarden: {TASK_NAME} ok" in result.output
    assert len(inbox.messages) == 1
    assert stored(platform, note["id"]).delivery is Delivery.verstuurd


def test_a_shutdown_stops_the_retries_before_the_next_one(down, h):
    from noaber.accounts.roles import system_principal
    from noaber_wijkbedrijf.retries import RetryReport, retry_due

    lw, _job, note, url, port = down
    platform = lw.app.state.platform
    stopping = threading.Event()
    stopping.set()
    with (
        h.smtp_server(port=port) as (inbox, _),
        tenant_scope("leeuwarden"),
        platform.sessions() as session,
    ):
        report = retry_due(
            session,
            Mailer(url),
            [5],
            now=when(note["next_attempt_at"]),
            principal=system_principal("leeuwarden", "system"),
            origin="test",
            stopping=stopping,
        )
    assert report == RetryReport()
    assert inbox.messages == []
    assert stored(platform, note["id"]).attempts == 1


def cut_off_while_sending(platform: Platform, notification_id: int, attempts: int) -> datetime:
    """Make the confirmation look as a process leaves it that stopped while the mail
    server answered: claimed (``bezig``), its outcome never recorded. Its try's time."""
    with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
        row = session.exec(select(Notification).where(Notification.id == notification_id)).one()
        row.delivery, row.attempts = Delivery.bezig, attempts
        row.delivery_error, row.next_attempt_at = None, None
        session.add(row)
        assert row.attempted_at is not None
        return row.attempted_at


def test_a_send_cut_off_by_a_stopped_process_is_tried_again_once_its_claim_expires(down, h):
    lw, job, note, url, port = down
    platform = lw.app.state.platform
    tried = cut_off_while_sending(platform, note["id"], attempts=1)
    with h.smtp_server(port=port) as (inbox, _):
        cycle(platform, url, tried + SENDING_EXPIRES - SECOND)  # it may still be going out
        assert inbox.messages == []
        assert stored(platform, note["id"]).delivery is Delivery.bezig
        cycle(platform, url, tried + SENDING_EXPIRES + SECOND)
        cycle(platform, url, tried + timedelta(hours=5))
    assert len(inbox.messages) == 1
    row = stored(platform, note["id"])
    assert (row.delivery, row.attempts, row.delivery_error) == (Delivery.verstuurd, 2, None)
    [listed] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert listed["delivery_summary"].startswith("Verstuurd op ")


def test_a_cut_off_last_try_is_given_up_not_sent_again(down, h):
    lw, job, note, url, port = down
    platform = lw.app.state.platform
    tried = cut_off_while_sending(platform, note["id"], attempts=5)  # after the last wait
    with h.smtp_server(port=port) as (inbox, _):
        cycle(platform, url, tried + SENDING_EXPIRES + SECOND)
    assert inbox.messages == []
    row = stored(platform, note["id"])
    assert (row.delivery, row.attempts, row.next_attempt_at) == (Delivery.mislukt, 5, None)
    assert row.delivery_error == INTERRUPTED
    [listed] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert listed["gave_up"] is True
    assert listed["delivery_summary"] == f"Opgegeven na 5 pogingen: {INTERRUPTED}"
