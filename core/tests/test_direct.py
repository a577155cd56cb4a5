"""Direct statements (``noaber.db.direct``): compiled once, run on the driver connection,
and still tenant-filtered, typed and visible to the engine's events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from noaber.db.direct import Query, UnguardedQuery, insert_rows, tenant_param
from noaber.people.models import Person
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope

PERSON = Person.__table__.c  # type: ignore[attr-defined]
LOG = AccessLogEntry.__table__  # type: ignore[attr-defined]


def add_people(platform, slug: str, names: list[str]) -> list[int]:
    with tenant_scope(slug), platform.sessions.begin() as session:
        people = [Person(given_name=n) for n in names]
        session.add_all(people)
        session.flush()
        return [p.id for p in people]


def test_a_query_without_the_tenant_filter_is_refused(platform):
    unguarded = Query("everyone", lambda _shape: select(PERSON.id))
    with (
        tenant_scope("meppel"),
        platform.sessions.begin() as session,
        pytest.raises(UnguardedQuery, match="person"),
    ):
        unguarded.rows(session, {})


def test_a_query_sees_only_the_tenant_in_context_and_expands_lists(platform):
    mine = add_people(platform, "meppel", ["Anna", "Bram", "Cor"])
    theirs = add_people(platform, "leeuwarden", ["Dirk"])
    by_ids = Query(
        "people by id",
        lambda _shape: (
            select(PERSON.id, PERSON.given_name, PERSON.created_at)
            .where(PERSON.tenant_id == tenant_param())
            .where(PERSON.id.in_(bindparam("ids", expanding=True)))
            .order_by(PERSON.id)
        ),
    )
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        names, rows = by_ids.rows(session, {"ids": [*mine[:2], *theirs]})
    assert names == ("id", "given_name", "created_at")
    assert [(r[0], r[1]) for r in rows] == [(mine[0], "Anna"), (mine[1], "Bram")]
    # Result types are the column's: SQLite's stored text comes back as a datetime.
    assert all(isinstance(r[2], datetime) for r in rows)
    with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
        assert [r[0] for r in by_ids.rows(session, {"ids": mine + theirs})[1]] == theirs


def test_inserted_rows_read_back_with_their_types_and_the_events_see_them(platform):
    at = datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=UTC)
    shared = {
        "tenant_id": "meppel",
        "at": at,
        "actor": "account:1",
        "actor_role": "admin",
        "on_behalf_of": None,
        "action": "list",
        "result": "ok",
        "origin": "127.0.0.1",
        "purpose": "core",
        "trace_id": "direct-insert-test",
    }
    other = {**shared, "actor": "account:2", "at": datetime(2026, 11, 24, tzinfo=UTC)}
    varying = ("object_type", "object_id", "subject_person_id")
    rows = [
        ("request", None, None),
        ("person", "7", 7),
        ("person", 'it\'s "gëquoot" \\ ', 2**31 - 1),  # JSON's and SQL's quotes, non-ASCII
    ]
    seen: list[tuple[str, bool]] = []

    def count(_conn, _cursor, statement, _parameters, _context, executemany) -> None:
        seen.append((statement, executemany))

    event.listen(platform.engine, "before_cursor_execute", count)
    try:
        with tenant_scope("meppel"), platform.sessions.begin() as session:
            groups = [(shared, rows), (shared, []), (other, [("household", "3", None)])]
            insert_rows(session, LOG, tuple(shared), varying, groups)
            insert_rows(session, LOG, tuple(shared), varying, [(shared, [])])  # no statement
    finally:
        event.remove(platform.engine, "before_cursor_execute", count)
    # One statement for all groups' rows: an INSERT .. SELECT (each group's shared
    # values once, then its rows, as one JSON parameter).
    assert len([s for s, _ in seen if "access_log" in s]) == 1
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        stored = session.execute(
            select(LOG.c.at, LOG.c.actor, LOG.c.on_behalf_of, *[LOG.c[v] for v in varying])
            .where(LOG.c.trace_id == "direct-insert-test")
            .order_by(LOG.c.id)
        ).all()
    assert [tuple(s[3:]) for s in stored] == [*rows, ("household", "3", None)]
    assert [(s[1], s[2]) for s in stored] == [("account:1", None)] * 3 + [("account:2", None)]
    assert [s[0].replace(tzinfo=UTC) for s in stored] == [at] * 3 + [other["at"]]


def test_driver_errors_are_raised_as_sqlalchemy_errors(platform):
    broken = Query(
        "no such table",
        lambda _shape: select(PERSON.id).where(PERSON.tenant_id == tenant_param()),
    )
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        compiled = broken.compile(session.connection().dialect, ())
        compiled.sql = compiled.sql.replace("person", "no_such_table")
        with pytest.raises(DBAPIError) as raised:
            broken.rows(session, {})
    # SQLite: OperationalError (answered 503 by the app); PostgreSQL: ProgrammingError.
    assert isinstance(raised.value, OperationalError | ProgrammingError)
