"""The per-request shortcuts stay correct: the access log's group commit stores every
entry of concurrent requests and fails the requests whose entries it could not store;
the cached principal follows a change to the account at once."""

from __future__ import annotations

import anyio
import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from noaber.accounts.models import Account
from noaber.privacy import access_log
from noaber.privacy.models import AccessLogEntry
from noaber.privacy.web import GroupWriter
from noaber.tenancy.context import tenant_scope
from noaber.testing import backend

SLUG = "meppel"


def group_of(trace_id: str, count: int) -> access_log.EntryGroup:
    with tenant_scope(SLUG):
        return access_log.entry_group(
            [("person", i, i) for i in range(1, count + 1)],
            principal=None,
            action="list",
            purpose="core",
            origin="test",
            trace_id=trace_id,
        )


def stored(platform, trace_prefix: str) -> list[AccessLogEntry]:
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        return [
            e
            for e in session.exec(select(AccessLogEntry)).all()
            if e.trace_id.startswith(trace_prefix)
        ]


def test_group_commit_stores_every_entry_of_concurrent_requests(platform):
    writer = GroupWriter(platform)
    requests = 20

    async def main() -> None:
        async with anyio.create_task_group() as tasks:
            for n in range(requests):
                tasks.start_soon(writer.write, SLUG, group_of(f"group-{n:02d}", 5))

    anyio.run(main)
    entries = stored(platform, "group-")
    print(f"\n{requests} requests x 5 entries in {writer.batches} transactions")
    assert len(entries) == requests * 5
    assert {e.trace_id for e in entries} == {f"group-{n:02d}" for n in range(requests)}
    assert 1 <= writer.batches <= requests


def test_a_request_whose_entries_cannot_be_stored_fails(platform):
    writer = GroupWriter(platform)
    broken = group_of("broken", 1)
    broken.shared["actor"] = None  # NOT NULL: the transaction of this group fails
    outcomes: dict[str, BaseException | None] = {}

    async def one(name: str, group: access_log.EntryGroup) -> None:
        try:
            await writer.write(SLUG, group)
            outcomes[name] = None
        except Exception as exc:
            outcomes[name] = exc

    async def main() -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(one, "broken", broken)
        await one("fine", group_of("fine", 2))  # the writer goes on after a failure

    anyio.run(main)
    assert outcomes["broken"] is not None
    assert outcomes["fine"] is None
    assert stored(platform, "broken") == []
    assert len(stored(platform, "fine")) == 2


@pytest.mark.parametrize("change", ["disable", "role"])
def test_the_cached_principal_follows_a_change_to_the_account(platform, client_for, change):
    coordinator = client_for(SLUG, role="coordinator")
    assert coordinator.get("/api/people/").status_code == 200  # principal now cached
    assert coordinator.get("/api/accounts/").status_code == 403  # admins only
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        account = session.exec(
            select(Account).where(Account.id == coordinator.identity.account_id)
        ).one()
        if change == "disable":
            account.disabled = True
        else:
            account.role = "municipality_admin"
        session.add(account)
    if change == "disable":
        assert coordinator.get("/api/people/").status_code == 401
    else:
        assert coordinator.get("/api/accounts/").status_code == 200


def test_a_principal_loaded_while_the_change_is_uncommitted_is_not_kept(platform, client_for):
    """The cache is cleared when the change is committed, not when it is flushed: a
    request that loads the principal in between (it still reads the old, committed
    account) must not keep that principal once the account is disabled."""
    coordinator = client_for(SLUG, role="coordinator")
    assert coordinator.get("/api/people/").status_code == 200
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        account = session.exec(
            select(Account).where(Account.id == coordinator.identity.account_id)
        ).one()
        account.disabled = True
        session.add(account)
        session.flush()  # written, not yet committed
        # A request in between (one that writes nothing: SQLite has one writer) loads
        # the account as it was committed: still enabled.
        assert coordinator.get("/api/municipality").status_code == 200
    assert coordinator.get("/api/people/").status_code == 401


def test_login_bookkeeping_on_an_account_keeps_the_cached_principals(platform, client_for):
    """Every login attempt writes counters on an account; that must not clear every
    worker's cache (with Redis it would be broadcast on each login)."""
    from sqlalchemy import event

    from noaber.clock import utcnow

    coordinator = client_for(SLUG, role="coordinator")
    assert coordinator.get("/api/people/").status_code == 200  # principal now cached
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        account = session.exec(
            select(Account).where(Account.id == coordinator.identity.account_id)
        ).one()
        account.failed_logins += 1
        account.last_login_at = utcnow()
        session.add(account)
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(platform.engine, "before_cursor_execute", note)
    try:
        assert coordinator.get("/api/people/").status_code == 200
    finally:
        event.remove(platform.engine, "before_cursor_execute", note)
    assert statements  # the list itself was read
    assert not [s for s in statements if "FROM account" in s], "the principal was reloaded"


@pytest.mark.parametrize("what", ["one", "list"])
def test_an_answer_whose_entries_cannot_be_stored_becomes_a_problem(
    client_for, migration_database_url, what
):
    """The database fails between the handler and the access-log write: the client gets
    a whole problem answer instead of the data (and no half-sent response). A list on
    PostgreSQL commits its entries in the thread that read it (``run_read``)."""
    admin = client_for(SLUG)
    person = admin.post("/api/people", json={"given_name": "Sanne", "family_name": "Bakker"})
    assert person.status_code == 201, person.text
    url = f"/api/people/{person.json()['id']}" if what == "one" else "/api/people/"
    owner = create_engine(migration_database_url)
    try:
        with owner.begin() as conn:
            conn.execute(text("ALTER TABLE access_log RENAME TO access_log_away"))
        try:
            answer = admin.get(url)
        finally:
            with owner.begin() as conn:
                conn.execute(text("ALTER TABLE access_log_away RENAME TO access_log"))
    finally:
        owner.dispose()
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.text
    assert "Bakker" not in answer.text
    # A missing table is an OperationalError on SQLite (retry: 503), a programming error
    # on PostgreSQL (500); either way a complete answer.
    assert answer.status_code == (503 if backend() == "sqlite" else 500), answer.text
    assert answer.json()["status"] == answer.status_code
    assert admin.get(url).status_code == 200


@pytest.mark.parametrize("person_id", [6415108156059630, 10**70])
def test_an_id_no_person_can_have_is_refused_and_logged_without_a_subject(
    platform, client_for, person_id
):
    """Found by fuzzing on PostgreSQL: a person id beyond the INTEGER column made the
    access-log write fail, and the refusal became a 500."""
    admin = client_for(SLUG)
    answer = admin.get(f"/api/people/{person_id}")
    assert 400 <= answer.status_code < 500, answer.text
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        logged = session.exec(
            select(AccessLogEntry).where(AccessLogEntry.route == "GET /api/people/{person_id}")
        ).all()
    assert [(e.subject_person_id, e.object_id) for e in logged] == [(None, str(person_id)[:60])]


def test_a_write_is_not_stored_without_its_entries(platform, client_for, migration_database_url):
    """A write and its access-log entries are one transaction: when the entries cannot
    be stored, the write is not stored either (no change without its log entry)."""
    from noaber.people.models import Person

    admin = client_for(SLUG)
    owner = create_engine(migration_database_url)
    try:
        with owner.begin() as conn:
            conn.execute(text("ALTER TABLE access_log RENAME TO access_log_away"))
        try:
            answer = admin.post("/api/people", json={"given_name": "Ida", "family_name": "Kok"})
        finally:
            with owner.begin() as conn:
                conn.execute(text("ALTER TABLE access_log_away RENAME TO access_log"))
    finally:
        owner.dispose()
    assert answer.status_code >= 500, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.text
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        assert session.exec(select(Person).where(Person.family_name == "Kok")).all() == []

    stored_answer = admin.post("/api/people", json={"given_name": "Ida", "family_name": "Kok"})
    assert stored_answer.status_code == 201, stored_answer.text
    trace = stored_answer.headers["x-trace-id"]
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        entries = session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace)).all()
    assert [(e.action, e.result) for e in entries] == [("create", "ok")]
