"""Periodic tasks (the ``periodic_tasks`` hook): run per active tenant that enables the
plugin, each in its own session and tenant scope; a failure is rolled back, logged
without its text, and the next tenant goes on; locks keep a cycle to one process."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlmodel import select

from noaber import hookimpl
from noaber.accounts.mail import Mailer
from noaber.cli import main
from noaber.people.models import Person
from noaber.tasks import PeriodicTask, TaskContext
from noaber.tasks.locks import LocalCycleLock, PostgresCycleLock, RedisCycleLock
from noaber.tasks.runner import Outcome, TaskRunner, tasks_of
from noaber.tenancy.context import current_tenant, tenant_scope
from noaber.tenancy.models import TenantStatus
from noaber.testing import backend, require_redis

SECRET = "grietje@example.nl"
NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


class WritesAPerson:
    """A test plugin: its task stores a person named after the tenant, and fails (after
    writing) for the tenants in ``failing``."""

    def __init__(self, failing: set[str]) -> None:
        self.failing = failing
        self.seen: list[tuple[str | None, datetime, str, str]] = []

    def write(self, context: TaskContext) -> None:
        slug = context.tenant.slug
        self.seen.append((current_tenant(), context.now, context.principal.actor, context.origin))
        context.session.add(Person(given_name=f"taak {slug}"))
        context.session.flush()
        if slug in self.failing:
            raise ValueError(f"could not mail {SECRET}")

    @hookimpl
    def periodic_tasks(self, register):
        register(PeriodicTask("test.write", 60, self.write))


def people_named(platform, slug: str) -> list[str]:
    with tenant_scope(slug), platform.sessions() as session:
        return list(session.exec(select(Person.given_name)).all())


def test_each_tenant_runs_in_its_own_scope_and_a_failure_stays_with_its_tenant(platform, caplog):
    plugin = WritesAPerson(failing={"amersfoort"})
    for runtime in platform.tenants.values():
        runtime.plugins.register(plugin, name="test-writes")
    runner = TaskRunner(platform, Mailer(None))
    with caplog.at_level(logging.WARNING, logger="noaber.tasks.runner"):
        outcomes = runner.run_due(task="test.write", now=NOW)
    assert outcomes == [
        Outcome("amersfoort", "test.write", "failed"),
        Outcome("leeuwarden", "test.write", "ok"),
        Outcome("meppel", "test.write", "ok"),
    ]
    assert [s[0] for s in plugin.seen] == ["amersfoort", "leeuwarden", "meppel"]
    assert {s[1:] for s in plugin.seen} == {(NOW, "system", "task:test.write")}
    assert people_named(platform, "amersfoort") == []  # rolled back
    assert people_named(platform, "leeuwarden") == ["taak leeuwarden"]  # committed
    assert people_named(platform, "meppel") == ["taak meppel"]
    assert "test.write failed for tenant amersfoort (ValueError)" in caplog.text
    assert SECRET not in caplog.text
    # Once per interval in a process: right after, nothing is due.
    assert runner.run_due(task="test.write", now=NOW) == []


def test_only_active_tenants_and_only_their_enabled_plugins(platform):
    platform.tenants["meppel"] = dataclasses.replace(
        platform.tenants["meppel"], status=TenantStatus.suspended
    )
    plugin = WritesAPerson(failing=set())
    for runtime in platform.tenants.values():
        runtime.plugins.register(plugin, name="test-writes")
    outcomes = TaskRunner(platform, Mailer(None)).run_due(task="test.write", now=NOW)
    assert [o.tenant for o in outcomes] == ["amersfoort", "leeuwarden"]
    # The wijkbedrijf's task is asked only of municipalities that enable it.
    names = {slug: [t.name for t in tasks_of(rt)] for slug, rt in platform.tenants.items()}
    assert "wijkbedrijf.retry_confirmations" in names["leeuwarden"]
    assert "wijkbedrijf.retry_confirmations" not in names["meppel"]


def test_a_task_needs_a_name_and_an_interval():
    with pytest.raises(ValueError, match="every_seconds"):
        PeriodicTask("x.y", 0, lambda context: None)
    with pytest.raises(ValueError, match="name"):
        PeriodicTask("", 60, lambda context: None)


def test_the_same_task_name_twice_is_refused(platform):
    from noaber.errors import NoaberError

    runtime = platform.tenants["leeuwarden"]
    runtime.plugins.register(WritesAPerson(set()), name="one")
    runtime.plugins.register(WritesAPerson(set()), name="two")
    with pytest.raises(NoaberError, match="registered twice"):
        tasks_of(runtime)


TASK = PeriodicTask("test.lock", 60, lambda context: None)


def held_by_one_at_a_time(one, two) -> None:
    """While ``one`` runs Leeuwarden's cycle, ``two`` may not, but may run Meppel's; once
    ``one`` is done, ``two`` may."""
    with (
        one.cycle("leeuwarden", TASK) as first,
        two.cycle("leeuwarden", TASK) as second,
        two.cycle("meppel", TASK) as other,
    ):
        assert (first, second, other) == (True, False, True)
    with two.cycle("leeuwarden", TASK) as after:
        assert after


def test_a_local_lock_lets_one_thread_run_a_cycle():
    lock = LocalCycleLock()
    held_by_one_at_a_time(lock, lock)


def test_a_postgres_advisory_lock_keeps_a_cycle_to_one_process(platform):
    if backend() != "postgres":
        pytest.skip("PostgreSQL only")
    # Two locks with their own connections: as two processes would be.
    held_by_one_at_a_time(PostgresCycleLock(platform.engine), PostgresCycleLock(platform.engine))


def test_with_redis_one_process_runs_a_cycle_per_interval():
    url = require_redis()
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    one, two = RedisCycleLock(url, namespace), RedisCycleLock(url, namespace)
    try:
        with one.cycle("leeuwarden", TASK) as first:
            assert first
        with two.cycle("leeuwarden", TASK) as second, two.cycle("meppel", TASK) as other:
            assert (second, other) == (False, True)  # done for this interval elsewhere
        ttl = one.client.ttl(one.key("leeuwarden", "test.lock"))
        assert 0 < ttl <= 60
        one.client.delete(one.key("leeuwarden", "test.lock"), one.key("meppel", "test.lock"))
    finally:
        one.close()
        two.close()


@pytest.fixture
def cli_env(platform, database_url, migration_database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("NOABER_MIGRATION_DATABASE_URL", migration_database_url)
    return CliRunner()


def test_the_cli_runs_every_task_of_a_tenant(cli_env):
    result = cli_env.invoke(main, ["tasks", "run", "--tenant", "leeuwarden"])
    assert result.exit_code == 0, result.output
    assert "leeuwarden: wijkbedrijf.retry_confirmations ok" in result.output
    assert "meppel" not in result.output
    listed = cli_env.invoke(main, ["tasks", "list"])
    assert listed.exit_code == 0, listed.output
    assert "wijkbedrijf.retry_confirmations" in listed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "atlantis"], "no provisioned tenant 'atlantis'"),
        (["--task", "nothing.here"], "has a periodic task named 'nothing.here'"),
    ],
)
def test_the_cli_refuses_what_it_does_not_know(cli_env, args, message):
    result = cli_env.invoke(main, ["tasks", "run", *args])
    assert result.exit_code == 1, result.output
    assert message in result.output
