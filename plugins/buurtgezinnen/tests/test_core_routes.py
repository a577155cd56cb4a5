"""A coupling is the same whichever route the coordinator takes: the plugin's own
coupling route, or core's generic routes (propose a match, move the request to
``gekoppeld``) through the API or the web interface (issue 4)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from noaber.clock import dutch_today


def _couplings(client: Any, bg: Any) -> list[dict[str, Any]]:
    return list(bg.ok(client.get(f"{bg.BASE}/couplings/"), 200)["items"])


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
    assert coupling["kennismaking_on"] == dutch_today().isoformat()
    assert coupling["next_steps"] == ["proefperiode", "afgesloten"]

    # The plugin's lifecycle continues from there, and its figures count the coupling.
    trial = bg.ok(bg.step(mp, coupling["id"], "proefperiode", 0))
    assert trial["trial_started_on"] == dutch_today().isoformat()
    assert bg.ok(mp.get(f"/api/matches/{match['id']}"), 200)["status"] == "proefperiode"
    year = dutch_today().year
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
    assert coupling["kennismaking_on"] == dutch_today().isoformat()
    assert bg.ok(mp.get(f"/api/requests/{rid}"), 200)["status"] == "gekoppeld"


def _match(client: Any, bg: Any, match_id: int) -> dict[str, Any]:
    return dict(bg.ok(client.get(f"/api/matches/{match_id}"), 200))


def _coupling(client: Any, bg: Any, coupling_id: int) -> dict[str, Any]:
    return dict(bg.ok(client.get(f"{bg.BASE}/couplings/{coupling_id}"), 200))


def _move(client: Any, match_id: int, to: str, reason: str | None = None) -> Any:
    body = {"to": to} | ({"reason": reason} if reason else {})
    return client.post(f"/api/matches/{match_id}/transitions", json=body)


def test_the_whole_lifecycle_through_core_s_match_route_keeps_the_phase_dates(mp, bg):
    """The ``match_transitioned`` hook: every step taken on core's match route moves the
    coupling with its dates, under the programme's rules."""
    vraag, steun = _families(mp, bg)
    made = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    cid, mid, today = made["id"], made["match_id"], dutch_today()

    bg.ok(_move(mp, mid, "proefperiode"))
    trial = _coupling(mp, bg, cid)
    assert (trial["phase"], trial["trial_started_on"]) == ("proefperiode", today.isoformat())
    assert (trial["trial_ends_on"] or "") > today.isoformat()
    # The step is taken once: the plugin's route for the same phase is now a skipped step.
    bg.refused(bg.step(mp, cid, "proefperiode", 0), 409)

    # afspraken without an agreement is refused; the move's reason is the agreement.
    missing = bg.refused(_move(mp, mid, "afspraken"), 422)
    assert "agreement" in missing["detail"]
    assert _match(mp, bg, mid)["status"] == "proefperiode"
    assert _coupling(mp, bg, cid)["phase"] == "proefperiode"
    bg.ok(_move(mp, mid, "afspraken", "Elke woensdag eet Daan mee bij de steungezin."))
    agreed = _coupling(mp, bg, cid)
    assert agreed["phase"] == "afspraken"
    assert agreed["agreed_on"] == today.isoformat()
    assert agreed["agreement"] == "Elke woensdag eet Daan mee bij de steungezin."

    # actief plans the six-monthly review.
    bg.ok(_move(mp, mid, "actief"))
    active = _coupling(mp, bg, cid)
    assert (active["phase"], active["active_since"]) == ("actief", today.isoformat())
    # About six months on (the interval is Meppel's setting, six by default).
    review = date.fromisoformat(active["next_review_on"])
    assert 150 <= (review - today).days <= 200
    assert active["review_overdue"] is False

    # afgesloten needs one of the programme's closing reasons.
    bad = bg.refused(_move(mp, mid, "afgesloten", "zomaar"), 422)
    assert "doel_bereikt" in bad["detail"]
    assert _match(mp, bg, mid)["status"] == "actief"
    assert _coupling(mp, bg, cid)["phase"] == "actief"
    bg.ok(_move(mp, mid, "afgesloten", "verhuisd: naar Zwolle"))
    closed = _coupling(mp, bg, cid)
    assert (closed["phase"], closed["ended_on"]) == ("afgesloten", today.isoformat())
    assert (closed["end_reason"], closed["end_note"]) == ("verhuisd", "naar Zwolle")
    assert closed["next_review_on"] is None
    # As on the plugin's route, the vraaggezin's request is closed with it.
    request = bg.ok(mp.get(f"/api/requests/{vraag['request_id']}"), 200)
    assert request["status"] == "afgesloten"
    year = today.year
    figures = bg.ok(mp.get(f"{bg.BASE}/figures", params={"year": year}), 200)
    assert figures["ended_couplings"] == 1


def test_the_plugin_s_step_route_moves_core_s_match_once(mp, bg):
    vraag, steun = _families(mp, bg)
    made = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    dated = bg.ok(bg.step(mp, made["id"], "proefperiode", 20))
    assert (dated["phase"], dated["trial_started_on"]) == ("proefperiode", bg.days_ago(20))
    assert _match(mp, bg, made["match_id"])["status"] == "proefperiode"
    timeline = bg.ok(mp.get(f"/api/requests/{vraag['request_id']}/timeline"), 200)
    moves = [t for t in timeline["items"] if "→ proefperiode" in t["text"]]
    assert len(moves) == 1
    # Mixing the routes: the next step on core's route continues from the plugin's dates.
    bg.ok(_move(mp, made["match_id"], "afspraken", "Zaterdagochtend samen naar de markt."))
    assert _coupling(mp, bg, made["id"])["agreed_on"] == dutch_today().isoformat()
    # A step that skips one is refused on either route, and nothing changes.
    bg.refused(bg.step(mp, made["id"], "afgesloten", 0), 422)  # no reason given
    bg.refused(_move(mp, made["match_id"], "proefperiode"), 409)
    assert _coupling(mp, bg, made["id"])["phase"] == "afspraken"


def test_a_rule_of_the_plugin_refuses_core_s_move_and_nothing_changes(mp, bg):
    vraag, steun = _families(mp, bg)
    # A kennismaking planned for next week: the trial cannot start before it.
    future = (dutch_today() + timedelta(days=7)).isoformat()
    made = bg.ok(bg.couple(mp, vraag["id"], steun["id"], kennismaking_on=future))
    before = bg.ok(mp.get(f"/api/requests/{vraag['request_id']}/timeline"), 200)
    refused = bg.refused(_move(mp, made["match_id"], "proefperiode"), 409)
    assert "before the previous step" in refused["detail"]
    assert _match(mp, bg, made["match_id"])["status"] == "kennismaking"
    coupling = _coupling(mp, bg, made["id"])
    assert (coupling["phase"], coupling["trial_started_on"]) == ("kennismaking", None)
    after = bg.ok(mp.get(f"/api/requests/{vraag['request_id']}/timeline"), 200)
    assert after["items"] == before["items"]


def test_a_proposal_moves_on_only_once_it_is_a_coupling(mp, bg):
    vraag, steun = _families(mp, bg)
    rid = vraag["request_id"]
    match = bg.ok(
        mp.post("/api/matches", json={"request_id": rid, "helper_id": steun["helper_id"]})
    )
    refused = bg.refused(_move(mp, match["id"], "proefperiode"), 409)
    assert "couple the families first" in refused["detail"]
    assert _match(mp, bg, match["id"])["status"] == "kennismaking"
    # Declining the proposal is not a coupling's step: it stays possible.
    bg.ok(_move(mp, match["id"], "afgesloten", "geen klik bij het eerste gesprek"))
    assert _couplings(mp, bg) == []


def test_the_web_interface_coupling_page_moves_the_coupling(mp, client_for, bg):
    vraag, steun = _families(mp, bg)
    made = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    coordinator = client_for("meppel", role="coordinator", programme="buurtgezinnen")
    page = f"/koppelingen/{made['match_id']}/status"
    moved = coordinator.post(page, data={"to": "proefperiode"}, follow_redirects=False)
    assert moved.status_code in (302, 303), moved.text
    assert _coupling(mp, bg, made["id"])["trial_started_on"] == dutch_today().isoformat()
    # afspraken without an agreement: the page answers with its form error, nothing moves.
    refused = coordinator.post(page, data={"to": "afspraken"}, follow_redirects=False)
    assert refused.status_code == 422
    assert _coupling(mp, bg, made["id"])["phase"] == "proefperiode"
    assert _match(mp, bg, made["match_id"])["status"] == "proefperiode"
