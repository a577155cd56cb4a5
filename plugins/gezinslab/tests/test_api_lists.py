"""The API's lists of trajectories and lessons in pages (``page``, ``page_size``, as
core's lists) with their filters kept, each page read with a fixed number of queries
however many rows it holds, and the access log naming the families of the page's rows
only (real database, no mocks)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import statements_of

API = "/api/gezinslab"
TRAJECTORIES = f"{API}/trajectories/"
LESSONS = f"{API}/lessons/"


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def named(platform: Any, response: Any) -> set[int]:
    """The persons the access log names for this request."""
    trace = response.headers["x-trace-id"]
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        found = session.exec(
            select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
        ).all()
    return {p for p in found if p is not None}


def members(platform: Any, household_id: int) -> set[int]:
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        return set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id) == household_id
                )
            )
        )


def trajectory(client: Any, h: Any, name: str) -> dict[str, Any]:
    return dict(h.start(client, h.make_household(client, name)))


def share(client: Any, title: str, on: str, **extra: Any) -> int:
    body = {"kind": "les", "title": title, "text": f"{title}.", "noticed_on": on, "author": "Team"}
    r = client.post(LESSONS, json=body | extra)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_the_trajectories_are_listed_in_pages_with_the_status_filter_kept(lw, h, platform):
    started = [trajectory(lw, h, f"Gezin {name}") for name in ("Visser", "Bakker", "Postma")]
    ids = [t["id"] for t in started]
    closed = lw.post(f"{TRAJECTORIES}{ids[1]}/close", json={"closed_on": "2025-10-06"})
    assert closed.status_code == 201, closed.text

    first = ok(lw.get(TRAJECTORIES, params={"page_size": 2}))
    assert (first["total"], first["page"], first["page_size"]) == (3, 1, 2)
    assert [t["id"] for t in first["items"]] == ids[:2]
    assert first["items"][0]["household_name"] == "Gezin Visser"
    second = lw.get(TRAJECTORIES, params={"page_size": 2, "page": 2})
    assert [t["id"] for t in ok(second)["items"]] == ids[2:]
    # The access log names the family of the page's trajectory only.
    assert named(platform, second) == members(platform, started[2]["household_id"])

    active = ok(lw.get(TRAJECTORIES, params={"status": "actief"}))
    assert (active["total"], [t["id"] for t in active["items"]]) == (2, [ids[0], ids[2]])
    done = ok(lw.get(TRAJECTORIES, params={"status": "afgesloten"}))
    assert (done["total"], [t["id"] for t in done["items"]]) == (1, [ids[1]])
    beyond = ok(lw.get(TRAJECTORIES, params={"page": 9}))
    assert (beyond["items"], beyond["total"], beyond["page"]) == ([], 3, 9)


def test_the_lessons_are_listed_in_pages_with_every_filter_kept(lw, h, platform):
    visser = trajectory(lw, h, "Gezin Visser")
    bakker = trajectory(lw, h, "Gezin Bakker")
    oldest = share(lw, "Oud", "2024-06-01", tags=["wonen"])
    housing = share(
        lw,
        "Geen urgentie",
        "2025-03-20",
        kind="knelpunt",
        tags=["wonen", "jeugd_zorg"],
        trajectory_id=visser["id"],
    )
    debts = share(
        lw,
        "Wachttijd",
        "2025-10-08",
        kind="knelpunt",
        tags=["schulden"],
        trajectory_id=bakker["id"],
    )
    same_day = share(lw, "Ervaringsdeskundige", "2025-03-20", tags=["wonen-kort"])

    # The latest noticed first; of the same day the latest shared first.
    first = ok(lw.get(LESSONS, params={"page_size": 3}))
    assert (first["total"], first["page"], first["page_size"]) == (4, 1, 3)
    assert [x["id"] for x in first["items"]] == [debts, same_day, housing]
    second = lw.get(LESSONS, params={"page_size": 3, "page": 2})
    assert [x["id"] for x in ok(second)["items"]] == [oldest]
    assert named(platform, second) == set()  # a lesson of no trajectory names nobody
    page_of_one = lw.get(LESSONS, params={"page_size": 1, "page": 3})
    assert [x["id"] for x in ok(page_of_one)["items"]] == [housing]
    # The access log names the family of the page's lesson only.
    assert named(platform, page_of_one) == members(platform, visser["household_id"])

    def listed(**params: Any) -> tuple[int, list[int]]:
        found = ok(lw.get(LESSONS, params=params))
        return found["total"], [x["id"] for x in found["items"]]

    assert listed(kind="knelpunt") == (2, [debts, housing])
    # A tag is matched whole (not "wonen-kort" for "wonen"), typed in any case.
    assert listed(tag=" Wonen ") == (2, [housing, oldest])
    assert listed(tag="jeugd_zorg") == (1, [housing])
    assert listed(tag="jeugd%") == (0, [])
    assert listed(tag="wonen-kort") == (1, [same_day])
    assert listed(tag='wonen", "jeugd_zorg') == (0, [])
    assert listed(tag="") == (4, [debts, same_day, housing, oldest])
    assert listed(**{"from": "2025-01-01", "to": "2025-06-30"}) == (2, [same_day, housing])
    assert listed(kind="les", tag="wonen", to="2025-01-01") == (1, [oldest])
    beyond = ok(lw.get(LESSONS, params={"kind": "knelpunt", "page": 2}))
    assert (beyond["items"], beyond["total"]) == ([], 2)


def test_a_page_size_beyond_the_maximum_is_refused_with_problem_details(lw):
    for path in (TRAJECTORIES, LESSONS):
        for params in ({"page_size": 101}, {"page": 0}, {"page_size": 0}):
            refused = lw.get(path, params=params)
            assert refused.status_code == 422, (path, params, refused.text)
            assert refused.headers["content-type"].startswith("application/problem+json")
        assert ok(lw.get(path, params={"page_size": 100}))["page_size"] == 100


def test_a_page_of_trajectories_is_read_with_as_many_queries_however_many_it_holds(lw, h, platform):
    h.add_member(lw, trajectory(lw, h, "Gezin Visser")["id"], "vrijwilliger", "Oma Visser")
    few, _ = statements_of(platform, lw, TRAJECTORIES)
    for name in ("Bakker", "Postma", "Dijkstra", "De Jong"):
        tid = trajectory(lw, h, f"Gezin {name}")["id"]
        h.add_member(lw, tid, "vrijwilliger", f"Oma {name}")
        h.add_member(lw, tid, "professional", "Wijkcoach")
    many, _ = statements_of(platform, lw, TRAJECTORIES)
    listed = ok(lw.get(TRAJECTORIES))["items"]
    assert [t["team_size"] for t in listed] == [1, 2, 2, 2, 2]
    assert len(many) == len(few), many


def test_a_page_of_lessons_is_read_with_as_many_queries_however_many_it_holds(lw, h, platform):
    share(lw, "Eerste", "2025-01-10", tags=["wonen"], trajectory_id=trajectory(lw, h, "A")["id"])
    few, _ = statements_of(platform, lw, LESSONS)
    few_tagged, _ = statements_of(platform, lw, LESSONS, tag="wonen")
    for name in ("Bakker", "Postma", "Dijkstra", "De Jong"):
        tid = trajectory(lw, h, f"Gezin {name}")["id"]
        share(lw, f"Les {name}", "2025-02-01", tags=["wonen"], trajectory_id=tid)
        share(lw, f"Knelpunt {name}", "2025-02-02", kind="knelpunt", trajectory_id=tid)
    many, _ = statements_of(platform, lw, LESSONS)
    many_tagged, _ = statements_of(platform, lw, LESSONS, tag="wonen")
    assert ok(lw.get(LESSONS, params={"tag": "wonen"}))["total"] == 5
    assert len(many) == len(few), many
    assert len(many_tagged) == len(few_tagged), many_tagged
