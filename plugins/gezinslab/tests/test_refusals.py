"""Bad input is refused with a clear message and nothing stored changes."""

from __future__ import annotations

import pytest

BASE = "/api/gezinslab/trajectories"


@pytest.fixture
def setup(lw, h):
    tid = h.start(lw, h.make_household(lw))["id"]
    member = h.add_member(lw, tid, "vrijwilliger", "Wim Dijkstra")
    assert h.measure(lw, tid, "baseline", "2025-02-10", {"huisvesting": 1}).status_code == 201
    other = h.start(lw, h.make_household(lw, "Gezin Postma"))["id"]
    stranger = h.add_member(lw, other, "professional", "Wijkcoach")
    return tid, member, stranger


def snapshot(lw, tid):
    return (
        lw.get(f"{BASE}/{tid}").json(),
        lw.get("/api/gezinslab/avoided-costs").json(),
        lw.get("/api/gezinslab/figures").json(),
    )


def refused(r, status, field, words):
    assert r.status_code == status, r.text
    body = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    if field is not None:
        assert any(e["field"].startswith(field) for e in body["errors"]), body
    text = body["detail"] + " ".join(e.get("message") or "" for e in body.get("errors", []))
    for word in words:
        assert word in text, body


@pytest.mark.parametrize("score", [0, 6, -1, 2.5, "4"])
def test_zrm_score_outside_1_to_5(lw, setup, score):
    tid, _, _ = setup
    before = snapshot(lw, tid)
    r = lw.post(
        f"{BASE}/{tid}/measurements",
        json={
            "kind": "follow_up",
            "measured_on": "2025-05-01",
            "scores": {"huisvesting": 3, "financien": score},
        },
    )
    refused(r, 422, "scores", ["ZRM score", "financien"])
    assert snapshot(lw, tid) == before


def test_unknown_zrm_domain(lw, setup):
    tid, _, _ = setup
    before = snapshot(lw, tid)
    r = lw.post(
        f"{BASE}/{tid}/measurements",
        json={"kind": "follow_up", "measured_on": "2025-05-01", "scores": {"geluk": 3}},
    )
    assert r.status_code == 422
    assert snapshot(lw, tid) == before


def test_follow_up_dated_before_the_baseline(lw, setup):
    tid, _, _ = setup
    before = snapshot(lw, tid)
    r = lw.post(
        f"{BASE}/{tid}/measurements",
        json={"kind": "follow_up", "measured_on": "2025-02-09", "scores": {"huisvesting": 3}},
    )
    refused(r, 422, "measured_on", ["before the baseline", "2025-02-10"])
    assert snapshot(lw, tid) == before


def test_second_baseline_and_follow_up_without_baseline(lw, h, setup):
    tid, _, _ = setup
    before = snapshot(lw, tid)
    r = h.measure(lw, tid, "baseline", "2025-03-01", {"huisvesting": 2})
    refused(r, 409, None, ["already has a baseline"])
    assert snapshot(lw, tid) == before
    fresh = h.start(lw, h.make_household(lw, "Gezin De Jong"))["id"]
    r = h.measure(lw, fresh, "follow_up", "2025-03-01", {"huisvesting": 2})
    refused(r, 409, None, ["no baseline"])
    assert lw.get(f"{BASE}/{fresh}").json()["measurements"] == []


def test_avoided_cost_without_unit_cost_in_configuration(lw, setup):
    tid, _, _ = setup
    before = snapshot(lw, tid)
    r = lw.post(
        f"{BASE}/{tid}/avoided-costs",
        json={
            "cost_kind": "incassokosten",
            "description": "Deurwaarder kwam niet",
            "avoided_on": "2025-04-01",
            "quantity": "1",
        },
    )
    refused(
        r,
        422,
        "cost_kind",
        ["no unit cost for 'incassokosten'", "huisuitzetting, uithuisplaatsing"],
    )
    assert snapshot(lw, tid) == before


@pytest.mark.parametrize("quantity", ["0", "-2", "abc"])
def test_avoided_cost_needs_a_positive_quantity(lw, setup, quantity):
    tid, _, _ = setup
    before = snapshot(lw, tid)
    r = lw.post(
        f"{BASE}/{tid}/avoided-costs",
        json={
            "cost_kind": "huisuitzetting",
            "description": "x",
            "avoided_on": "2025-04-01",
            "quantity": quantity,
        },
    )
    assert r.status_code == 422
    assert snapshot(lw, tid) == before


def test_action_owner_not_in_the_team(lw, setup):
    tid, member, stranger = setup
    before = snapshot(lw, tid)
    for owner in (stranger["id"], 99999):
        r = lw.post(
            f"{BASE}/{tid}/actions",
            json={
                "description": "Bellen met de corporatie",
                "owner_id": owner,
                "due_on": "2025-04-01",
            },
        )
        refused(r, 422, "owner_id", ["not in the team", "add them to the team first"])
    assert snapshot(lw, tid) == before
    ok = lw.post(
        f"{BASE}/{tid}/actions",
        json={
            "description": "Bellen met de corporatie",
            "owner_id": member["id"],
            "due_on": "2025-04-01",
        },
    )
    assert ok.status_code == 201


def test_trajectory_for_unknown_household_or_other_request_type(lw, h):
    r = lw.post(BASE + "/", json={"household_id": 4242, "started_on": "2025-01-01"})
    refused(r, 422, "household_id", ["no household 4242"])
    household = h.make_household(lw)
    req = lw.post(
        "/api/requests",
        json={
            "type": "hulpvraag",
            "asked_by": "self",
            "household_id": household,
            "description": "Boodschappen",
        },
    ).json()
    r = lw.post(
        BASE + "/",
        json={"household_id": household, "started_on": "2025-01-01", "request_id": req["id"]},
    )
    refused(r, 422, "request_id", ["not a Gezinslab request"])
    assert lw.get(BASE + "/").json()["items"] == []


def test_close_before_start_and_unknown_trajectory(lw, setup):
    tid, _, _ = setup
    before = snapshot(lw, tid)
    r = lw.post(f"{BASE}/{tid}/close", json={"closed_on": "2024-12-31"})
    refused(r, 422, "closed_on", ["before the start"])
    assert snapshot(lw, tid) == before
    assert lw.get(f"{BASE}/9999").status_code == 404


def test_avoided_cost_dated_before_the_trajectory(lw, setup):
    tid, _, _ = setup
    before = snapshot(lw, tid)
    r = lw.post(
        f"{BASE}/{tid}/avoided-costs",
        json={
            "cost_kind": "huisuitzetting",
            "description": "x",
            "avoided_on": "2024-01-01",
            "quantity": "1",
        },
    )
    refused(r, 422, "avoided_on", ["before the trajectory started"])
    assert snapshot(lw, tid) == before


def test_a_closed_trajectory_takes_no_more_changes_but_avoided_costs(lw, setup):
    """Every write to a trajectory refuses it once closed (409, nothing stored), except
    the avoided costs: a prevented placement often shows after the trajectory ended."""
    tid, member, _ = setup
    goal = lw.get(f"{BASE}/{tid}").json()["goals"][0]["id"]
    action = lw.post(
        f"{BASE}/{tid}/actions",
        json={"description": "Bellen", "owner_id": member["id"], "due_on": "2025-06-01"},
    ).json()["id"]
    r = lw.post(f"{BASE}/{tid}/close", json={"closed_on": "2025-07-01"})
    assert r.status_code == 201, r.text
    before = snapshot(lw, tid)
    writes = {
        "goals": {"text": "Nog een doel"},
        f"goals/{goal}/reached": {"reached_on": "2025-07-02"},
        "measurements": {
            "kind": "follow_up",
            "measured_on": "2025-07-02",
            "scores": {"huisvesting": 3},
        },
        "team": {
            "kind": "vrijwilliger",
            "name": "Bianca Hoekstra",
            "contribution": "Kookt mee",
            "joined_on": "2025-07-02",
        },
        "actions": {"description": "Nog iets", "owner_id": member["id"], "due_on": "2025-08-01"},
        f"actions/{action}/done": {"done_on": "2025-07-02"},
        "close": {"closed_on": "2025-07-02"},
    }
    for path, body in writes.items():
        r = lw.post(f"{BASE}/{tid}/{path}", json=body)
        assert r.status_code == 409, (path, r.text)
        assert "was closed on 2025-07-01" in r.json()["detail"], path
    assert snapshot(lw, tid) == before
    r = lw.post(
        f"{BASE}/{tid}/avoided-costs",
        json={
            "cost_kind": "huisuitzetting",
            "description": "Huisuitzetting voorkomen",
            "avoided_on": "2025-09-01",
            "quantity": "1",
        },
    )
    assert r.status_code == 201, r.text
