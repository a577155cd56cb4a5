"""The maatwerk budget is never overdrawn, also not by two decisions at the same moment.

Amersfoort's configured budget is €40,000 a year. The concurrency tests run two real
database sessions in two threads (SQLite by default, PostgreSQL with
``NOABER_TEST_DATABASE=postgres``): each has already read that enough budget remains
before either books, so only the database's conditional UPDATE can stop the second.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from noaber.errors import Conflict
from noaber.tenancy.context import tenant_scope
from noaber_doorbraak import budget
from noaber_doorbraak.schemas import SpendingDecisionIn
from noaber_doorbraak.settings import DoorbraakSettings

BASE = "/api/doorbraak"


def ask(client, case_id, amount, purpose="Maatwerk"):
    return client.post(
        f"{BASE}/cases/{case_id}/spending", json={"amount": amount, "purpose": purpose}
    )


def decide(client, spending_id, approve=True):
    return client.post(
        f"{BASE}/spending/{spending_id}/decision",
        json={"approve": approve, "decided_by": "Programmamanager"},
    )


def test_budget_comes_from_configuration_and_is_booked(af, h):
    year = af.get(f"{BASE}/budget").json()
    assert year["total"] == "40000.00"
    assert year["remaining"] == "40000.00"
    assert year["decision_target_hours"] == 24
    cid = h.open_case(af, h.make_household(af))["id"]
    s = ask(af, cid, "1250.50").json()
    assert af.get(f"{BASE}/budget").json()["pending"] == "1250.50"
    assert decide(af, s["id"]).status_code == 201
    after = af.get(f"{BASE}/budget").json()
    assert (after["spent"], after["remaining"], after["pending"]) == ("1250.50", "38749.50", "0.00")
    assert after["decisions"] == 1
    assert after["within_target"] == 1


def test_each_municipality_has_its_own_budget(af, lw, h):
    cid = h.open_case(af, h.make_household(af))["id"]
    assert decide(af, ask(af, cid, "900.00").json()["id"]).status_code == 201
    assert af.get(f"{BASE}/budget").json()["spent"] == "900.00"
    theirs = lw.get(f"{BASE}/budget").json()
    assert (theirs["total"], theirs["spent"]) == ("50000.00", "0.00")


def test_spending_above_the_remaining_budget_is_refused(af, h):
    cid = h.open_case(af, h.make_household(af))["id"]
    r = ask(af, cid, "40000.01")
    h.refused(r, 422, "amount", ["more than the remaining maatwerk budget", "40000.00"])
    assert af.get(f"{BASE}/cases/{cid}").json()["spending"] == []
    for amount in ["0", "-5", "abc", "12.345"]:
        assert ask(af, cid, amount).status_code == 422, amount


def test_granting_beyond_the_budget_is_refused_and_nothing_changes(af, h):
    cid = h.open_case(af, h.make_household(af))["id"]
    first, second = ask(af, cid, "30000.00").json(), ask(af, cid, "15000.00").json()
    assert decide(af, first["id"]).status_code == 201
    r = decide(af, second["id"])
    h.refused(r, 409, None, ["overdraw", "€10000.00 remains"])
    case = af.get(f"{BASE}/cases/{cid}").json()
    assert [s["status"] for s in case["spending"]] == ["toegekend", "aangevraagd"]
    assert af.get(f"{BASE}/budget").json()["spent"] == "30000.00"
    # Refusing it is still possible and books nothing; deciding twice is not.
    assert decide(af, second["id"], approve=False).json()["status"] == "afgewezen"
    h.refused(decide(af, second["id"]), 409, None, ["already afgewezen"])
    assert af.get(f"{BASE}/budget").json()["spent"] == "30000.00"


def _race(platform, settings, spending_ids):
    """Decide each spending request in its own thread and session, released together."""
    barrier = threading.Barrier(len(spending_ids))
    results: list[object] = [None] * len(spending_ids)

    def run(i: int, sid: int) -> None:
        try:
            with tenant_scope("amersfoort"), platform.sessions() as session:
                year = budget.get_spending(session, sid).budget_year
                seen = budget.remaining(session, settings, year)
                assert seen >= budget.get_spending(session, sid).amount
                barrier.wait(timeout=20)
                budget.decide_spending(
                    session, settings, sid, SpendingDecisionIn(approve=True, decided_by=f"t{sid}")
                )
                session.commit()
                results[i] = "granted"
        except Conflict as exc:
            results[i] = exc
        except BaseException as exc:  # surfaced below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, sid)) for i, sid in enumerate(spending_ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.parametrize("rounds", [3])
def test_two_concurrent_decisions_never_overdraw(platform, af, h, rounds):
    settings = platform.municipalities["amersfoort"].plugin_settings["doorbraak"]
    assert isinstance(settings, DoorbraakSettings)
    cid = h.open_case(af, h.make_household(af))["id"]
    spent = Decimal("0.00")
    for n in range(rounds):
        # Each round: two requests that fit alone but not together.
        left = Decimal(af.get(f"{BASE}/budget").json()["remaining"])
        part = (left * Decimal("0.6")).quantize(Decimal("0.01"))
        ids = [ask(af, cid, str(part)).json()["id"] for _ in range(2)]
        results = _race(platform, settings, ids)
        granted = [sid for sid, r in zip(ids, results, strict=True) if r == "granted"]
        refused = [r for r in results if isinstance(r, Conflict)]
        assert len(granted) == 1, (n, results)
        assert len(refused) == 1, (n, results)
        assert "overdraw" in refused[0].detail
        spent += part
        state = af.get(f"{BASE}/budget").json()
        assert Decimal(state["spent"]) == spent
        assert Decimal(state["remaining"]) >= 0
        statuses = {s["id"]: s["status"] for s in af.get(f"{BASE}/cases/{cid}").json()["spending"]}
        assert sorted(statuses[i] for i in ids) == ["aangevraagd", "toegekend"]
        loser = next(i for i in ids if i not in granted)
        assert decide(af, loser, approve=False).status_code == 201


def test_the_same_request_decided_twice_at_once_books_once(platform, af, h):
    settings = platform.municipalities["amersfoort"].plugin_settings["doorbraak"]
    cid = h.open_case(af, h.make_household(af))["id"]
    sid = ask(af, cid, "5000.00").json()["id"]
    results = _race(platform, settings, [sid, sid])
    assert sorted(r == "granted" for r in results) == [False, True], results
    assert "decided by someone else" in str(next(r for r in results if r != "granted"))
    assert af.get(f"{BASE}/budget").json()["spent"] == "5000.00"


def test_a_case_with_maatwerk_awaiting_a_decision_cannot_close(af, h):
    """Closing would leave the request pending in the budget for good (a closed case
    takes no decisions): it is refused until the maatwerk is granted or refused."""
    case = h.open_case(af, h.make_household(af))
    cid, rid = case["id"], case["request_id"]
    goal = af.put(
        f"{BASE}/cases/{cid}/goal",
        json={"text": "Een eigen huis zonder deurwaarder.", "recorded_on": case["opened_on"]},
    )
    assert goal.status_code == 200, goal.text
    for status in ("kennismaking", "plan", "uitvoering"):
        moved = af.post(f"/api/requests/{rid}/transitions", json={"to": status})
        assert moved.status_code == 201, moved.text
    waiting = ask(af, cid, "300.00").json()
    close = {"outcome": "behaald", "closed_on": case["opened_on"], "note": "Gelukt"}
    refused = af.post(f"{BASE}/cases/{cid}/close", json=close)
    h.refused(refused, 409, None, ["awaiting a decision"])
    assert af.get(f"{BASE}/cases/{cid}").json()["status"] == "uitvoering"
    assert af.get(f"{BASE}/budget").json()["pending"] == "300.00"
    assert decide(af, waiting["id"], approve=False).status_code == 201
    closed = af.post(f"{BASE}/cases/{cid}/close", json=close)
    assert closed.status_code == 201, closed.text
    assert af.get(f"{BASE}/budget").json()["pending"] == "0.00"
