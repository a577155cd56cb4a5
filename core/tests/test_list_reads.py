"""The list endpoints' read path (column rows encoded directly, see
``noaber.web.pagination.RowList``): each item is exactly what the endpoint of that one
object answers; a page of households costs the same number of statements whatever its
size; and a list view leaves one access-log entry per person it shows (issue 9)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import select

from noaber.db import read_cache
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope

SLUG = "meppel"


def family(client, name: str, *, child_birth_year: int = 2016, postcode: str | None = "7941"):
    parent = {"given_name": "Sanne", "family_name": name}
    if postcode:
        parent["postcode"] = postcode
    body = {
        "name": f"Gezin {name}",
        "members": [
            {"role": "parent", "person": parent},
            {
                "role": "child",
                "person": {
                    "given_name": "Tim",
                    "family_name": name,
                    "birth_year": child_birth_year,
                },
            },
            {
                "role": "child",
                "person": {"given_name": "Ilse", "birth_date": f"{child_birth_year + 2}-03-01"},
            },
        ],
    }
    response = client.post("/api/households/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def fill(client, postcode: str | None = "7941") -> dict[str, list[int]]:
    """Households, a person on their own, requests of both kinds, helper profiles."""
    households = [
        family(client, name, postcode=postcode) for name in ("Jansen", "de Vries", "Bakker")
    ]
    alone = client.post(
        "/api/people/",
        json={"given_name": "Kees", "birth_date": "1950-02-03", "languages": ["nl"]},
    )
    assert alone.status_code == 201, alone.text
    person_id = alone.json()["id"]
    requests = []
    for body in (
        {"household_id": households[0]["id"], "skills": ["tuin"], "urgency": "high"},
        {"person_id": person_id, "availability": ["mon_morning"], "languages": ["nl"]},
        {"household_id": households[2]["id"], "wished_from": "2026-01-05"},
    ):
        response = client.post(
            "/api/requests/",
            json={"type": "hulpvraag", "asked_by": "self", "description": "Hulp", **body},
        )
        assert response.status_code == 201, response.text
        requests.append(response.json()["id"])
    helpers = []
    for body in (
        {"kind": "volunteer", "display_name": "Kees", "person_id": person_id, "skills": ["tuin"]},
        {
            "kind": "support_family",
            "display_name": "Gezin de Vries",
            "household_id": households[1]["id"],
            "reach_anywhere": True,
            "child_age_min": 2,
            "child_age_max": 12,
        },
    ):
        response = client.post("/api/helpers/", json=body)
        assert response.status_code == 201, response.text
        helpers.append(response.json()["id"])
    return {
        "households": [h["id"] for h in households],
        "people": [m["person_id"] for h in households for m in h["members"]] + [person_id],
        "requests": requests,
        "helpers": helpers,
    }


@pytest.mark.parametrize("kind", ["households", "people", "requests", "helpers"])
def test_each_list_item_is_the_single_read(client_for, kind):
    admin = client_for(SLUG)
    made = fill(admin)
    listed = admin.get(f"/api/{kind}/", params={"page_size": 100})
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert set(body) == {"items", "total", "page", "page_size"}
    assert body["total"] == len(body["items"]) >= len(made[kind])
    by_id = {item["id"]: item for item in body["items"]}
    for ident in made[kind]:
        single = admin.get(f"/api/{kind}/{ident}")
        assert single.status_code == 200, single.text
        assert by_id[ident] == single.json()


def test_list_filters_and_pages_still_apply(client_for):
    admin = client_for(SLUG)
    made = fill(admin)
    first = admin.get("/api/households/", params={"page_size": 2, "sort": "-id"}).json()
    second = admin.get("/api/households/", params={"page_size": 2, "page": 2, "sort": "-id"})
    ids = [h["id"] for h in first["items"]] + [h["id"] for h in second.json()["items"]]
    assert ids == sorted(made["households"], reverse=True)
    assert first["total"] == 3
    gardeners = admin.get("/api/helpers/", params={"skill": "TUIN"}).json()
    assert [h["id"] for h in gardeners["items"]] == [made["helpers"][0]]
    assert gardeners["total"] == 1
    urgent = admin.get("/api/requests/", params={"urgency": "high"}).json()
    assert [r["id"] for r in urgent["items"]] == [made["requests"][0]]


@contextmanager
def counted_statements(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_page_of_households_costs_the_same_statements_whatever_its_size(platform, client_for):
    admin = client_for(SLUG)
    for i in range(12):
        family(admin, f"Familie{i}")
    counts = {}
    for size in (1, 4, 12):
        admin.get("/api/households/", params={"page_size": size})  # warm the principal path
        read_cache.cache.clear()  # read, not answered from memory
        with counted_statements(platform.engine) as statements:
            response = admin.get("/api/households/", params={"page_size": size})
        assert response.status_code == 200, response.text
        assert len(response.json()["items"]) == size
        counts[size] = len(statements)
    print(f"\nstatements per GET /api/households by page size: {counts}")
    assert counts[1] == counts[4] == counts[12], counts


@contextmanager
def counted_commits(engine) -> Iterator[list[object]]:
    commits: list[object] = []
    listener = commits.append
    event.listen(engine, "commit", listener)
    try:
        yield commits
    finally:
        event.remove(engine, "commit", listener)


@pytest.mark.parametrize("kind", ["households", "people", "requests", "helpers"])
def test_a_list_and_its_access_log_are_one_transaction(platform, client_for, kind):
    """The read and its access-log entries share one commit (on PostgreSQL the read's
    own, on SQLite the log's group commit): not a second transaction per request."""
    admin = client_for(SLUG)
    fill(admin)
    admin.get(f"/api/{kind}/")  # warm the principal path
    with counted_commits(platform.engine) as commits:
        response = admin.get(f"/api/{kind}/")
    assert response.status_code == 200, response.text
    assert logged(platform, response.headers["x-trace-id"])
    assert len(commits) == 1, f"{len(commits)} commits for one GET /api/{kind}"


def logged(platform, trace_id: str) -> list[AccessLogEntry]:
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        return list(
            session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace_id)).all()
        )


def member_ids(admin, household_ids) -> set[int]:
    return {
        m["person_id"]
        for h in household_ids
        for m in admin.get(f"/api/households/{h}").json()["members"]
    }


@pytest.mark.parametrize("kind", ["households", "people", "requests", "helpers"])
def test_a_list_view_logs_one_entry_per_person_it_shows(platform, client_for, kind):
    admin = client_for(SLUG)
    fill(admin)
    response = admin.get(f"/api/{kind}/", params={"page_size": 100})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    if kind == "households":
        shown = {m["person_id"] for h in items for m in h["members"]}
    elif kind == "people":
        shown = {p["id"] for p in items}
    else:  # requests and helpers: their person, or every member of their household
        shown = {i["person_id"] for i in items if i["person_id"]}
        shown |= member_ids(admin, {i["household_id"] for i in items if i["household_id"]})
    assert shown
    entries = logged(platform, response.headers["x-trace-id"])
    per_person = [e for e in entries if e.subject_person_id is not None]
    subjects = [e.subject_person_id for e in per_person]
    print(f"\nGET /api/{kind}: {len(items)} items, {len(per_person)} per-person entries")
    assert sorted(subjects) == sorted(shown)  # every person once, nobody else
    assert all(
        e.action == "list" and e.object_type == "person" and e.object_id == str(e.subject_person_id)
        for e in per_person
    )
    assert all(e.result == "ok" and e.actor_role == "municipality_admin" for e in entries)
    assert any(e.subject_person_id is None and e.object_type == kind for e in entries)


@pytest.mark.parametrize("kind", ["households", "people", "requests", "helpers"])
def test_a_list_shows_only_its_own_municipality(client_for, kind):
    mine = fill(client_for(SLUG))
    theirs = fill(client_for("leeuwarden"), postcode=None)
    listed = client_for(SLUG).get(f"/api/{kind}/", params={"page_size": 100}).json()
    ids = {item["id"] for item in listed["items"]}
    assert set(mine[kind]) <= ids
    assert not ids & set(theirs[kind])
    assert listed["total"] == len(ids)
