"""The API's lists of cases and blockages in pages (``page``, ``page_size``, as core's
lists) with their filters kept, each page read with a fixed number of queries however
many rows it holds, and the access log naming the families of the page's rows only
(real database, no mocks)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import select

from noaber.clock import dutch_today
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import statements_of

API = "/api/doorbraak"
CASES = f"{API}/cases/"
BLOCKAGES = f"{API}/blockages"
TODAY = dutch_today()
OPENED = (TODAY - timedelta(days=60)).isoformat()


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def named(platform: Any, response: Any) -> set[int]:
    """The persons the access log names for this request."""
    trace = response.headers["x-trace-id"]
    with tenant_scope("amersfoort"), platform.sessions() as session:
        found = session.exec(
            select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
        ).all()
    return {p for p in found if p is not None}


def members(client: Any, household_id: int) -> set[int]:
    household = ok(client.get(f"/api/households/{household_id}"))
    return {m["person_id"] for m in household["members"]}


def new_case(client: Any, h: Any, name: str) -> dict[str, Any]:
    household = h.make_household(client, name)
    return dict(h.open_case(client, household, opened_on=OPENED, goal="Een eigen huis"))


def blockage(client: Any, case_id: int, rule: str = "Kostendelersnorm") -> int:
    r = client.post(
        f"{API}/cases/{case_id}/blockages",
        json={
            "rule": rule,
            "owner_organisation": "Gemeente Amersfoort",
            "description": "Het gezin loopt vast.",
            "noticed_on": (TODAY - timedelta(days=10)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def escalate(client: Any, blockage_id: int, deadline: date) -> None:
    r = client.post(
        f"{API}/blockages/{blockage_id}/escalations",
        json={
            "level": "teamleider",
            "question": "Mag de regel buiten toepassing blijven?",
            "escalated_on": (TODAY - timedelta(days=5)).isoformat(),
            "deadline": deadline.isoformat(),
        },
    )
    assert r.status_code == 201, r.text


def close(client: Any, case_id: int) -> None:
    """Move the case's request to ``uitvoering`` and close the case with its outcome."""
    request_id = ok(client.get(f"{API}/cases/{case_id}"))["request_id"]
    for status in ("kennismaking", "plan", "uitvoering"):
        moved = client.post(f"/api/requests/{request_id}/transitions", json={"to": status})
        assert moved.status_code == 201, moved.text
    closed = client.post(
        f"{API}/cases/{case_id}/close",
        json={"outcome": "behaald", "closed_on": TODAY.isoformat(), "note": "Klaar."},
    )
    assert closed.status_code == 201, closed.text


def test_the_cases_are_listed_in_pages_with_the_total_in_the_order_opened(af, h, platform):
    cases = [new_case(af, h, f"Gezin {name}") for name in ("Smit", "Bos", "Kok")]
    ids = [c["id"] for c in cases]
    close(af, ids[1])

    first = ok(af.get(CASES, params={"page_size": 2}))
    assert (first["total"], first["page"], first["page_size"]) == (3, 1, 2)
    assert [c["id"] for c in first["items"]] == ids[:2]
    assert first["items"][0]["household_name"] == "Gezin Smit"
    second = af.get(CASES, params={"page_size": 2, "page": 2})
    assert [c["id"] for c in ok(second)["items"]] == ids[2:]
    # The access log names the family of the page's case only.
    assert named(platform, second) == members(af, cases[2]["household_id"])

    running = ok(af.get(CASES, params={"open_only": "true"}))
    assert (running["total"], [c["id"] for c in running["items"]]) == (2, [ids[0], ids[2]])
    beyond = ok(af.get(CASES, params={"page": 9}))
    assert (beyond["items"], beyond["total"], beyond["page"]) == ([], 3, 9)
    beyond_open = ok(af.get(CASES, params={"page": 2, "open_only": "true"}))
    assert (beyond_open["items"], beyond_open["total"]) == ([], 2)


def test_the_blockages_are_listed_in_pages_with_the_overdue_filter_kept(af, h, platform):
    first_case, second_case = new_case(af, h, "Gezin Smit"), new_case(af, h, "Gezin Bos")
    waiting = blockage(af, first_case["id"])
    late = blockage(af, first_case["id"], "Wachttijd schuldhulp")
    escalate(af, late, TODAY - timedelta(days=1))
    late_too = blockage(af, second_case["id"])
    escalate(af, late_too, TODAY - timedelta(days=2))
    on_time = blockage(af, second_case["id"], "Woningtoewijzing")
    escalate(af, on_time, TODAY + timedelta(days=30))
    close(af, second_case["id"])  # a closed case's blockages are listed all the same

    first = ok(af.get(BLOCKAGES, params={"page_size": 3}))
    assert (first["total"], first["page"], first["page_size"]) == (4, 1, 3)
    assert [b["id"] for b in first["items"]] == [waiting, late, late_too]
    assert [b["overdue"] for b in first["items"]] == [False, True, True]
    second = ok(af.get(BLOCKAGES, params={"page_size": 3, "page": 2}))
    assert [b["id"] for b in second["items"]] == [on_time]
    assert second["items"][0]["escalations"][0]["level"] == "teamleider"

    overdue = ok(af.get(BLOCKAGES, params={"overdue": "true"}))
    assert (overdue["total"], [b["id"] for b in overdue["items"]]) == (2, [late, late_too])
    last = af.get(BLOCKAGES, params={"overdue": "true", "page_size": 1, "page": 2})
    assert (ok(last)["total"], [b["id"] for b in ok(last)["items"]]) == (2, [late_too])
    # The access log names the family of the page's blockage only.
    assert named(platform, last) == members(af, second_case["household_id"])
    beyond = ok(af.get(BLOCKAGES, params={"overdue": "true", "page": 3, "page_size": 1}))
    assert (beyond["items"], beyond["total"]) == ([], 2)


def test_a_page_size_beyond_the_maximum_is_refused_with_problem_details(af):
    for path in (CASES, BLOCKAGES):
        for params in ({"page_size": 101}, {"page": 0}, {"page_size": 0}):
            refused = af.get(path, params=params)
            assert refused.status_code == 422, (path, params, refused.text)
            assert refused.headers["content-type"].startswith("application/problem+json")
        assert ok(af.get(path, params={"page_size": 100}))["page_size"] == 100


def test_a_page_of_cases_is_read_with_as_many_queries_however_many_it_holds(af, h, platform):
    blockage(af, new_case(af, h, "Gezin Smit")["id"])
    few, _ = statements_of(platform, af, CASES)
    for name in ("Bos", "Kok", "Bakker", "Visser"):
        case_id = new_case(af, h, f"Gezin {name}")["id"]
        blockage(af, case_id)
        blockage(af, case_id, "Wachttijd schuldhulp")
    many, _ = statements_of(platform, af, CASES)
    listed = ok(af.get(CASES))["items"]
    assert len(listed) == 5
    assert sum(c["open_blockages"] for c in listed) == 9
    assert len(many) == len(few), many


def test_a_page_of_blockages_is_read_with_as_many_queries_however_many_it_holds(af, h, platform):
    late = blockage(af, new_case(af, h, "Gezin Smit")["id"])
    escalate(af, late, TODAY - timedelta(days=1))
    few, _ = statements_of(platform, af, BLOCKAGES)
    few_overdue, _ = statements_of(platform, af, BLOCKAGES, overdue="true")
    for name in ("Bos", "Kok", "Bakker"):
        case_id = new_case(af, h, f"Gezin {name}")["id"]
        for rule in ("Kostendelersnorm", "Wachttijd schuldhulp"):
            escalate(af, blockage(af, case_id, rule), TODAY - timedelta(days=1))
    many, _ = statements_of(platform, af, BLOCKAGES)
    many_overdue, _ = statements_of(platform, af, BLOCKAGES, overdue="true")
    listed = ok(af.get(BLOCKAGES, params={"overdue": "true"}))["items"]
    assert len(listed) == 7
    assert all(len(b["escalations"]) == 1 for b in listed)
    assert len(many) == len(few), many
    assert len(many_overdue) == len(few_overdue), many_overdue
