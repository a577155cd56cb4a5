"""A family trajectory from start to close, and the figures it yields."""

from __future__ import annotations

BASE = "/api/gezinslab/trajectories"


def test_trajectory_from_start_to_close_and_figures(lw, h):
    household = h.make_household(lw)
    t = h.start(lw, household)
    tid = t["id"]
    assert t["status"] == "actief"
    assert t["domains"] == ["huisvesting", "huiselijke_relaties"]
    assert t["goals"][0]["text"].startswith("Ik wil een huis")

    r = lw.post(
        f"{BASE}/{tid}/goals", json={"text": "Rust over de rekeningen.", "domains": ["financien"]}
    )
    assert r.status_code == 201, r.text
    goal = r.json()
    r = lw.post(f"{BASE}/{tid}/goals/{goal['id']}/reached", json={"reached_on": "2025-08-01"})
    assert r.json()["reached_on"] == "2025-08-01"

    volunteer = h.add_member(lw, tid, "vrijwilliger", "Wim Dijkstra")
    expert = h.add_member(lw, tid, "ervaringsdeskundige", "Marieke Bosma")
    h.add_member(lw, tid, "buurtbedrijf", "Wijkbedrijf Bilgaard")
    h.add_member(lw, tid, "professional", "Jeugdzorgwerker")
    team = lw.get(f"{BASE}/{tid}/team").json()
    assert [m["kind"] for m in team] == [
        "vrijwilliger",
        "ervaringsdeskundige",
        "buurtbedrijf",
        "professional",
    ]

    r = lw.post(
        f"{BASE}/{tid}/actions",
        json={
            "description": "Kinderkamers schilderen",
            "owner_id": volunteer["id"],
            "due_on": "2025-04-01",
        },
    )
    assert r.status_code == 201, r.text
    action = r.json()
    assert action["owner_name"] == "Wim Dijkstra"
    r = lw.post(f"{BASE}/{tid}/actions/{action['id']}/done", json={"done_on": "2025-03-28"})
    assert r.json()["done_on"] == "2025-03-28"
    lw.post(
        f"{BASE}/{tid}/actions",
        json={
            "description": "Mee naar jeugdbescherming",
            "owner_id": expert["id"],
            "due_on": "2025-05-01",
        },
    )
    summary = lw.get(BASE + "/").json()["items"]
    assert summary[0]["team_size"] == 4
    assert summary[0]["open_actions"] == 1

    base = {"huisvesting": 1, "financien": 2, "huiselijke_relaties": 2}
    assert h.measure(lw, tid, "baseline", "2025-02-10", base).status_code == 201
    assert (
        h.measure(
            lw, tid, "follow_up", "2025-05-12", {"huisvesting": 4, "financien": 3}
        ).status_code
        == 201
    )
    r = h.measure(
        lw,
        tid,
        "follow_up",
        "2025-09-08",
        {"huisvesting": 5, "financien": 2, "huiselijke_relaties": 4},
    )
    assert r.status_code == 201, r.text
    progress = {p["domain"]: p for p in r.json()["progress"]}
    # Change is baseline -> latest follow-up.
    assert progress["huisvesting"]["change"] == 4
    assert progress["financien"]["change"] == 0
    assert progress["huiselijke_relaties"]["change"] == 2

    # The seed article: two children came home after the new house.
    r = lw.post(
        f"{BASE}/{tid}/avoided-costs",
        json={
            "cost_kind": "uithuisplaatsing",
            "description": "Beide kinderen terug naar huis na de verhuizing; pleegzorg stopte een jaar eerder.",
            "avoided_on": "2025-06-02",
            "quantity": "2",
            "periods": "1",
        },
    )
    assert r.status_code == 201, r.text
    entry = r.json()
    assert entry["amount"] == "120000.00"
    assert "pleegzorg" in entry["source"]
    assert entry["assumption"].startswith("2 x € 60000.00 per kind per jaar")

    r = lw.post(f"{BASE}/{tid}/close", json={"closed_on": "2025-10-06", "note": "Kinderen thuis."})
    assert r.status_code == 201, r.text
    closed = r.json()
    assert closed["status"] == "afgesloten"
    assert closed["avoided_total"] == "120000.00"
    # A closed trajectory takes no more changes (but costs found later can be recorded).
    assert h.measure(lw, tid, "follow_up", "2025-11-01", {"huisvesting": 5}).status_code == 409

    # A second family, still running, and a third without a follow-up yet.
    t2 = h.start(lw, h.make_household(lw, "Gezin El Amrani", children=1), started_on="2025-09-15")
    h.measure(lw, t2["id"], "baseline", "2025-09-22", {"huisvesting": 2, "financien": 1})
    h.measure(lw, t2["id"], "follow_up", "2025-12-22", {"huisvesting": 4, "financien": 3})
    h.add_member(lw, t2["id"], "vrijwilliger", "wim dijkstra")  # same person, counted once
    h.add_member(lw, t2["id"], "vrijwilliger", "Bianca Hoekstra")
    t3 = h.start(lw, h.make_household(lw, "Gezin Postma", children=1), started_on="2026-10-05")
    h.measure(lw, t3["id"], "baseline", "2026-10-12", {"huisvesting": 3})

    figures = lw.get("/api/gezinslab/figures").json()
    assert (figures["started"], figures["active"], figures["closed"]) == (3, 2, 1)
    assert figures["costs_avoided"] == "120000.00"
    assert figures["volunteers"] == 2
    assert figures["experts_by_experience"] == 1
    assert figures["businesses"] == 1
    assert figures["professionals"] == 1
    domains = {d["domain"]: d for d in figures["self_sufficiency"]}
    # huisvesting: family 1 from 1 to 5, family 2 from 2 to 4; family 3 has no follow-up.
    assert domains["huisvesting"]["families"] == 2
    assert domains["huisvesting"]["mean_baseline"] == "1.50"
    assert domains["huisvesting"]["mean_latest"] == "4.50"
    assert domains["huisvesting"]["mean_change"] == "3.00"
    assert domains["huisvesting"]["improved"] == 2
    assert domains["financien"]["mean_change"] == "1.00"

    in_2025 = lw.get(
        "/api/gezinslab/figures", params={"from": "2025-01-01", "to": "2025-12-31"}
    ).json()
    assert (in_2025["started"], in_2025["active"], in_2025["closed"]) == (2, 1, 1)


def test_household_has_one_active_trajectory_at_a_time(lw, h):
    household = h.make_household(lw)
    h.start(lw, household)
    r = lw.post(BASE + "/", json={"household_id": household, "started_on": "2025-03-01"})
    assert r.status_code == 409
    assert "already has an active trajectory" in r.json()["detail"]


def test_trajectory_follows_a_gezinslab_request(lw, h):
    household = h.make_household(lw)
    r = lw.post(
        "/api/requests",
        json={
            "type": "gezinslab",
            "asked_by": "self",
            "household_id": household,
            "description": "Moeder wil haar kinderen weer thuis; woning te klein.",
        },
    )
    assert r.status_code == 201, r.text
    request = r.json()
    assert request["status"] == "aangemeld"
    t = h.start(lw, household, request_id=request["id"])
    assert t["request_id"] == request["id"]


def test_routes_are_404_where_the_plugin_is_not_enabled(client_for, h):
    for slug in ("meppel", "amersfoort"):
        client = client_for(slug)
        for path in (
            "/api/gezinslab",
            BASE + "/",
            "/api/gezinslab/figures",
            "/api/gezinslab/lessons/",
            "/api/gezinslab/avoided-costs",
        ):
            assert client.get(path).status_code == 404, (slug, path)
        assert client.post(BASE + "/", json={}).status_code == 404
    assert client_for("leeuwarden").get("/api/gezinslab/zrm").status_code == 200
