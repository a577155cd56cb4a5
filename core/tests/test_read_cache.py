"""Repeated lists answered from memory (``noaber.db.read_cache``): never older than a
commit, never shared between tenants or principals, and access-logged like a read."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import psycopg
import pytest
from sqlalchemy import text, update
from sqlmodel import select

from noaber.db import changes, read_cache
from noaber.db.engine import normalise_url
from noaber.people.models import Household
from noaber.privacy import access_log
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import backend

from .test_list_reads import counted_statements, family, fill, logged

SLUG = "meppel"
KINDS = ["households", "people", "requests", "helpers"]


def reads(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def subjects(entries: list[AccessLogEntry]) -> set[int | None]:
    return {e.subject_person_id for e in entries}


@pytest.mark.parametrize("kind", KINDS)
def test_a_repeated_list_reads_nothing_and_is_logged_as_the_first(platform, client_for, kind):
    admin = client_for(SLUG)
    fill(admin)
    first = admin.get(f"/api/{kind}/", params={"page_size": 100})
    with counted_statements(platform.engine) as statements:
        second = admin.get(f"/api/{kind}/", params={"page_size": 100})
    assert second.status_code == 200, second.text
    assert second.content == first.content
    # Only the tenant setting of PostgreSQL's transaction: no list, count or members.
    assert not [s for s in reads(statements) if "set_config" not in s], statements
    before, after = (logged(platform, r.headers["x-trace-id"]) for r in (first, second))
    assert len(after) == len(before) > 1
    assert subjects(after) == subjects(before)
    assert {(e.action, e.actor) for e in after} == {(e.action, e.actor) for e in before}


@pytest.mark.parametrize("kind", KINDS)
def test_a_change_over_the_api_is_in_the_next_list(client_for, kind):
    admin = client_for(SLUG)
    fill(admin, postcode="7941")
    before = admin.get(f"/api/{kind}/", params={"page_size": 100}).json()
    fill(admin, postcode="7942")
    after = admin.get(f"/api/{kind}/", params={"page_size": 100}).json()
    assert after["total"] > before["total"]
    assert len(after["items"]) == after["total"]


def test_a_change_outside_a_request_is_in_the_next_list(platform, client_for):
    """A service's own session (a command, a periodic task) and a Core statement."""
    admin = client_for(SLUG)
    made = fill(admin)
    household = made["households"][0]
    admin.get("/api/households/")
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        session.get(Household, household).name = "Gezin Hersteld"  # type: ignore[union-attr]
    names = {h["id"]: h["name"] for h in admin.get("/api/households/").json()["items"]}
    assert names[household] == "Gezin Hersteld"
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        session.execute(
            update(Household).where(Household.id == household).values(name="Gezin Anders")
        )
    names = {h["id"]: h["name"] for h in admin.get("/api/households/").json()["items"]}
    assert names[household] == "Gezin Anders"


def test_tenants_never_share_an_answer(client_for):
    meppel, leeuwarden = client_for("meppel"), client_for("leeuwarden")
    fill(meppel)
    assert meppel.get("/api/households/").json()["total"] == 3
    assert leeuwarden.get("/api/households/").json()["total"] == 0
    fill(leeuwarden, postcode=None)
    family(leeuwarden, "Extra", postcode=None)
    assert leeuwarden.get("/api/households/").json()["total"] == 4
    assert meppel.get("/api/households/").json()["total"] == 3


def test_principals_never_share_an_answer(platform, client_for):
    admin = client_for(SLUG)
    coordinator = client_for(SLUG, role="coordinator")
    fill(admin)
    admin.get("/api/people/")
    with counted_statements(platform.engine) as statements:
        response = coordinator.get("/api/people/")
    assert response.status_code == 200, response.text
    assert [s for s in reads(statements) if "person" in s.lower()], "read again for another"


def test_a_commit_of_another_process_is_heard_and_the_lifetime_bounds_the_rest(
    platform, client_for
):
    admin = client_for(SLUG)
    made = fill(admin)
    household = made["households"][0]
    admin.get("/api/households/")
    # Another process wrote (its broadcast arrives as changes.forget): answered anew.
    untracked_write(platform, household, "Gezin Elders")
    changes.forget(SLUG)
    names = {h["id"]: h["name"] for h in admin.get("/api/households/").json()["items"]}
    assert names[household] == "Gezin Elders"
    # Unheard (no Redis): stale for at most the lifetime.
    untracked_write(platform, household, "Gezin Later")
    names = {h["id"]: h["name"] for h in admin.get("/api/households/").json()["items"]}
    assert names[household] == "Gezin Elders"
    saved = read_cache.cache.seconds
    read_cache.cache.seconds = 0.2
    try:
        admin.get("/api/households/", params={"page_size": 50})  # kept 0.2 s
        untracked_write(platform, household, "Gezin Laatst")
        time.sleep(0.3)
        items = admin.get("/api/households/", params={"page_size": 50}).json()["items"]
    finally:
        read_cache.cache.seconds = saved
    assert {h["id"]: h["name"] for h in items}[household] == "Gezin Laatst"


def untracked_write(platform, household: int, name: str) -> None:
    """A write this process does not see commit, as another process's: a plain driver
    connection (as the migration role on PostgreSQL, which row-level security lets by)."""
    url = normalise_url(platform.settings.migration_database_url)
    if backend() == "sqlite":
        connection: Any = sqlite3.connect(url.database)
        sql = "UPDATE household SET name = ? WHERE id = ?"
    else:
        connection = psycopg.connect(url.set(drivername="postgresql").render_as_string(False))
        sql = "UPDATE household SET name = %s WHERE id = %s"
    try:
        connection.execute(sql, (name, household))
        connection.commit()
    finally:
        connection.close()


def test_no_lifetime_keeps_nothing(platform, client_for):
    saved = read_cache.cache.seconds
    read_cache.cache.seconds = 0
    try:
        admin = client_for(SLUG)
        fill(admin)
        admin.get("/api/requests/")
        with counted_statements(platform.engine) as statements:
            assert admin.get("/api/requests/").status_code == 200
    finally:
        read_cache.cache.seconds = saved
    assert [s for s in reads(statements) if "help_request" in s]


def test_a_write_commits_before_its_tenant_moves(platform):
    """The tag moves after the database has the change, and only the writer's tenant."""
    tracked = changes.of(platform.engine)
    meppel, leeuwarden = tracked.tag("meppel"), tracked.tag("leeuwarden")
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        session.execute(text("UPDATE household SET name = name WHERE id = -1"))
        assert tracked.tag("meppel") == meppel  # not yet committed
    assert tracked.tag("meppel") != meppel
    assert tracked.tag("leeuwarden") == leeuwarden
    moved = tracked.tag("meppel")
    with tenant_scope(SLUG), platform.sessions() as session:
        session.execute(text("UPDATE household SET name = name WHERE id = -1"))
        session.rollback()
    assert tracked.tag("meppel") == moved  # a rolled-back write moves nothing
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        session.exec(select(Household)).all()
    assert tracked.tag("meppel") == moved  # nor does a read
    with tenant_scope(SLUG):
        groups = [
            access_log.entry_group(
                [("person", str(p), p), ("household", "1", None)],
                principal=None,
                action="list",
                purpose="core",
                origin="test",
                trace_id=f"generation-{p}",
            )
            for p in (1, 2)
        ]
        access_log.write(platform.sessions, groups)
    assert tracked.tag("meppel") == moved  # nor do access-log entries (no answer shows them)


def test_the_cache_stays_within_its_bounds(platform):
    from noaber.db.read_cache import MAX_BYTES, MAX_TOTAL_BYTES, ReadCache

    cache = ReadCache(seconds=60, max_entries=3)
    for n in range(5):
        _value, pending = cache.lookup(platform.engine, SLUG, n)
        assert pending is not None
        cache.store(pending, n, 10)
    assert [cache.lookup(platform.engine, SLUG, n)[0] for n in range(5)] == [None, None, 2, 3, 4]
    _value, pending = cache.lookup(platform.engine, SLUG, "large")
    assert pending is not None
    cache.store(pending, "large", MAX_BYTES + 1)
    assert cache.lookup(platform.engine, SLUG, "large")[0] is None
    many = ReadCache(seconds=60, max_entries=10**6)
    for n in range(MAX_TOTAL_BYTES // MAX_BYTES + 10):
        _value, pending = many.lookup(platform.engine, SLUG, n)
        assert pending is not None
        many.store(pending, n, MAX_BYTES)
    assert many.size <= MAX_TOTAL_BYTES
    assert many.lookup(platform.engine, SLUG, 0)[0] is None  # the oldest went first
