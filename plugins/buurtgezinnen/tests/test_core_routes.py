"""A coupling is the same whichever route the coordinator takes: the plugin's own
coupling route, or core's generic routes (propose a match, move the request to
``gekoppeld``) through the API or the web interface (issue 4)."""

from __future__ import annotations

from datetime import date
from typing import Any


def _couplings(client: Any, bg: Any) -> list[dict[str, Any]]:
    return list(bg.ok(client.get(f"{bg.BASE}/couplings/"), 200))


def _families(client: Any, bg: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    vraag = bg.ready_vraaggezin(client, 100)
    steun = bg.ready_steungezin(client, 200)
    assert vraag["request_status"] == "zoeken"
    return vraag, steun


def test_core_match_and_transition_create_the_coupling(mp, bg):
    vraag, steun = _families(mp, bg)
    rid = vraag["request_id"]
    # Without a proposed steungezin core's route is still refused.
    early = bg.refused(mp.post(f"/api/requests/{rid}/transitions", json={"to": "gekoppeld"}), 409)
    assert "propose a steungezin first" in " ".join(early["refused"])

    match = bg.ok(
        mp.post("/api/matches", json={"request_id": rid, "helper_id": steun["helper_id"]})
    )
    assert match["status"] == "kennismaking"
    assert _couplings(mp, bg) == []  # a proposal is not yet a coupling
    moved = bg.ok(mp.post(f"/api/requests/{rid}/transitions", json={"to": "gekoppeld"}))
    assert moved["status"] == "gekoppeld"

    [coupling] = _couplings(mp, bg)
    assert coupling["match_id"] == match["id"]
    assert (coupling["vraaggezin_id"], coupling["steungezin_id"]) == (vraag["id"], steun["id"])
    assert coupling["phase"] == "kennismaking"
    assert coupling["kennismaking_on"] == date.today().isoformat()
    assert coupling["next_steps"] == ["proefperiode", "afgesloten"]

    # The plugin's lifecycle continues from there, and its figures count the coupling.
    trial = bg.ok(bg.step(mp, coupling["id"], "proefperiode", 0))
    assert trial["trial_started_on"] == date.today().isoformat()
    assert bg.ok(mp.get(f"/api/matches/{match['id']}"), 200)["status"] == "proefperiode"
    year = date.today().year
    figures = bg.ok(mp.get(f"{bg.BASE}/figures", params={"year": year}), 200)
    assert figures["new_couplings"] == 1
    # The steungezin is at its limit now, through either route.
    other = bg.ready_vraaggezin(mp, 90, name="Gezin Smit")
    bg.refused(bg.couple(mp, other["id"], steun["id"], ago=1), 409)


def test_the_plugin_route_makes_one_coupling_with_its_own_dates(mp, bg):
    vraag, steun = _families(mp, bg)
    made = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=60))
    assert made["kennismaking_on"] == bg.days_ago(60)
    [coupling] = _couplings(mp, bg)
    assert coupling["id"] == made["id"]
    assert coupling["kennismaking_on"] == bg.days_ago(60)  # the hook left it as it was
    matches = bg.ok(mp.get("/api/matches", params={"request_id": vraag["request_id"]}), 200)
    assert [m["id"] for m in matches["items"]] == [coupling["match_id"]]
    request = bg.ok(mp.get(f"/api/requests/{vraag['request_id']}"), 200)
    assert request["status"] == "gekoppeld"


def test_the_web_interface_routes_create_the_coupling(mp, client_for, bg):
    vraag, steun = _families(mp, bg)
    rid = vraag["request_id"]
    coordinator = client_for("meppel", role="coordinator", programme="buurtgezinnen")
    proposed = coordinator.post(
        f"/aanvragen/{rid}/koppelingen",
        data={"helper_id": str(steun["helper_id"])},
        follow_redirects=False,
    )
    assert proposed.status_code in (302, 303), proposed.text
    moved = coordinator.post(
        f"/aanvragen/{rid}/status", data={"to": "gekoppeld"}, follow_redirects=False
    )
    assert moved.status_code in (302, 303), moved.text
    [coupling] = _couplings(mp, bg)
    assert (coupling["vraaggezin_id"], coupling["steungezin_id"]) == (vraag["id"], steun["id"])
    assert coupling["kennismaking_on"] == date.today().isoformat()
    assert bg.ok(mp.get(f"/api/requests/{rid}"), 200)["status"] == "gekoppeld"


def test_a_step_taken_on_core_s_match_route_is_dated_through_the_plugin(mp, bg):
    vraag, steun = _families(mp, bg)
    coupling = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    moved = bg.ok(
        mp.post(f"/api/matches/{coupling['match_id']}/transitions", json={"to": "proefperiode"})
    )
    assert moved["status"] == "proefperiode"
    # The plugin records the step's date without moving the match a second time.
    dated = bg.ok(bg.step(mp, coupling["id"], "proefperiode", 20))
    assert (dated["phase"], dated["trial_started_on"]) == ("proefperiode", bg.days_ago(20))
    assert bg.ok(mp.get(f"/api/matches/{coupling['match_id']}"), 200)["status"] == "proefperiode"
    # A step that skips one is still refused.
    bg.refused(bg.step(mp, coupling["id"], "actief", 10), 409)
