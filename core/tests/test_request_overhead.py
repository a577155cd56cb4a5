"""The per-request shortcuts stay correct: the access log's group commit stores every
entry of concurrent requests and fails the requests whose entries it could not store;
the cached principal follows a change to the account at once."""

from __future__ import annotations

import anyio
import pytest
from sqlmodel import select

from noaber.accounts.models import Account
from noaber.privacy import access_log
from noaber.privacy.models import AccessLogEntry
from noaber.privacy.web import GroupWriter
from noaber.tenancy.context import tenant_scope

SLUG = "meppel"


def rows_for(trace_id: str, count: int) -> list[dict]:
    with tenant_scope(SLUG):
        return [
            access_log.entry_values(
                principal=None,
                action="list",
                object_type="person",
                object_id=i,
                subject_person_id=i,
                purpose="core",
                origin="test",
                trace_id=trace_id,
            )
            for i in range(1, count + 1)
        ]


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
                tasks.start_soon(writer.write, SLUG, rows_for(f"group-{n:02d}", 5))

    anyio.run(main)
    entries = stored(platform, "group-")
    print(f"\n{requests} requests x 5 entries in {writer.batches} transactions")
    assert len(entries) == requests * 5
    assert {e.trace_id for e in entries} == {f"group-{n:02d}" for n in range(requests)}
    assert 1 <= writer.batches <= requests


def test_a_request_whose_entries_cannot_be_stored_fails(platform):
    writer = GroupWriter(platform)
    broken = rows_for("broken", 1)
    broken[0]["actor"] = None  # NOT NULL: the transaction of this group fails
    outcomes: dict[str, BaseException | None] = {}

    async def one(name: str, rows: list[dict]) -> None:
        try:
            await writer.write(SLUG, rows)
            outcomes[name] = None
        except Exception as exc:
            outcomes[name] = exc

    async def main() -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(one, "broken", broken)
        await one("fine", rows_for("fine", 2))  # the writer goes on after a failure

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
