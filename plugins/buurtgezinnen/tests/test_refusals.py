"""Every bad input of the issue is refused with a message a coordinator understands
(problem details), and nothing stored changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from noaber.clock import dutch_today


def snapshot(client: Any, bg: Any) -> dict[str, Any]:
    """Everything a refusal could have touched."""
    return {
        "families": bg.ok(client.get(f"{bg.BASE}/families"), 200)["items"],
        "couplings": bg.ok(client.get(f"{bg.BASE}/couplings/"), 200)["items"],
        "households": bg.ok(client.get("/api/households"), 200)["total"],
        "people": bg.ok(client.get("/api/people"), 200)["total"],
        "requests": bg.ok(client.get("/api/requests"), 200)["total"],
        "helpers": bg.ok(client.get("/api/helpers"), 200)["total"],
        "matches": bg.ok(client.get("/api/matches"), 200)["total"],
    }


@pytest.mark.parametrize("form", ["/aanmelden/vraaggezin", "/vraaggezinnen"])
@pytest.mark.parametrize("age", [24, 30])
def test_a_child_older_than_the_bounds_is_refused(mp, bg, form, age):
    bg.new_vraaggezin(mp, name="Gezin Eerder")
    before = snapshot(mp, bg)
    body = bg.vraaggezin_body(child_years=(4, age), privacy_consent=True)
    problem = bg.refused(mp.post(bg.BASE + form, json=body), 422)
    assert f"Kind 1 is {age}" in problem["detail"]
    assert "children aged 0 to 23" in problem["detail"]
    assert problem["errors"][0]["field"] == "children.1"
    assert snapshot(mp, bg) == before


def test_the_age_bounds_come_from_the_municipality(make_platform, bg):
    import dataclasses

    from litestar.testing import TestClient

    from noaber.testing import logged_in_client
    from noaber.web.app import create_app
    from noaber_buurtgezinnen.settings import BuurtgezinnenSettings

    probe = make_platform(provision_all=False)
    meppel = probe.municipalities["meppel"]
    narrow = dataclasses.replace(
        meppel,
        plugin_settings={
            **meppel.plugin_settings,
            "buurtgezinnen": BuurtgezinnenSettings(child_age_min=0, child_age_max=12),
        },
    )
    platform = make_platform(municipalities={"meppel": narrow})
    with TestClient(create_app(platform), raise_server_exceptions=False) as raw:
        client = logged_in_client(raw, platform, "meppel")
        problem = bg.refused(
            client.post(f"{bg.BASE}/vraaggezinnen", json=bg.vraaggezin_body(child_years=(13,))),
            422,
        )
        assert "children aged 0 to 12" in problem["detail"]
        bg.ok(client.post(f"{bg.BASE}/vraaggezinnen", json=bg.vraaggezin_body(child_years=(12,))))


def test_a_vraaggezin_needs_a_child(mp, bg):
    body = bg.vraaggezin_body(child_years=())
    problem = bg.refused(mp.post(f"{bg.BASE}/vraaggezinnen", json=body), 422)
    assert problem["errors"][0]["field"] == "children"


def test_public_form_needs_consent_and_a_postcode(client_for, bg):
    mp = client_for("meppel")
    bg.refused(
        mp.post(f"{bg.BASE}/aanmelden/vraaggezin", json=bg.vraaggezin_body(privacy_consent=False)),
        422,
    )
    no_postcode = bg.vraaggezin_body(privacy_consent=True)
    del no_postcode["parents"][0]["postcode"]
    problem = bg.refused(mp.post(f"{bg.BASE}/aanmelden/vraaggezin", json=no_postcode), 422)
    assert "postcode" in str(problem)
    outside = bg.vraaggezin_body(privacy_consent=True, postcode="1011 AB")
    problem = bg.refused(mp.post(f"{bg.BASE}/aanmelden/vraaggezin", json=outside), 422)
    assert "lies in none of this municipality's neighbourhoods" in problem["detail"]
    assert bg.ok(mp.get(f"{bg.BASE}/families"), 200)["items"] == []
    assert bg.ok(mp.get("/api/people"), 200)["total"] == 0


def test_coupling_a_steungezin_whose_vog_expired_is_refused(mp, bg):
    vraag = bg.ready_vraaggezin(mp)
    steun = bg.ready_steungezin(mp, signed_up_ago=2000)
    expired = dutch_today() - timedelta(days=10)
    bg.ok(
        mp.post(
            f"{bg.BASE}/families/{steun['id']}/vog",
            json={"issued_on": bg.days_ago(1900), "valid_until": expired.isoformat()},
        )
    )
    before = snapshot(mp, bg)
    problem = bg.refused(bg.couple(mp, vraag["id"], steun["id"]), 409)
    assert problem["detail"] == (
        f"Gezin de Vries has a VOG that expired on {expired}; a steungezin can only be "
        "coupled with a valid VOG (certificate of conduct)"
    )
    assert snapshot(mp, bg) == before
    assert before["families"][0]["request_status"] == "zoeken"
    # The matcher agrees: core's vog filter excludes the family, explained.
    suggestions = bg.ok(mp.get(f"{bg.BASE}/families/{vraag['id']}/suggestions"), 200)
    assert suggestions["suggestions"] == []
    assert suggestions["excluded_by_filter"]["vog"] == 1
    # With a new VOG the same coupling is accepted.
    bg.ok(mp.post(f"{bg.BASE}/families/{steun['id']}/vog", json={"issued_on": bg.days_ago(5)}))
    bg.ok(bg.couple(mp, vraag["id"], steun["id"]))


def test_a_steungezin_without_competence_check_cannot_be_matched(mp, bg):
    vraag = bg.ready_vraaggezin(mp)
    steun = bg.new_steungezin(mp, vog_issued_on=bg.days_ago(20))
    for n in (150, 140):
        bg.ok(
            mp.post(f"{bg.BASE}/families/{steun['id']}/visits", json={"visited_on": bg.days_ago(n)})
        )
    suggestions = bg.ok(mp.get(f"{bg.BASE}/families/{vraag['id']}/suggestions"), 200)
    assert suggestions["excluded_by_filter"]["buurtgezinnen_steungezin"] == 1
    why = bg.ok(
        mp.get(f"/api/requests/{vraag['request_id']}/suggestions/{steun['helper_id']}"), 200
    )
    assert why["explanation"]["excluded_by"] == "buurtgezinnen_steungezin"
    before = snapshot(mp, bg)
    problem = bg.refused(bg.couple(mp, vraag["id"], steun["id"]), 409)
    assert "the competence check still missing" in problem["detail"]
    # Core's own match endpoint applies the plugin's filter too.
    core = bg.refused(
        mp.post(
            "/api/matches",
            json={"request_id": vraag["request_id"], "helper_id": steun["helper_id"]},
        ),
        409,
    )
    assert core["excluded_by"] == "buurtgezinnen_steungezin"
    assert snapshot(mp, bg) == before


def test_a_vraaggezin_before_its_intake_cannot_be_coupled(mp, bg):
    vraag = bg.new_vraaggezin(mp)
    steun = bg.ready_steungezin(mp)
    before = snapshot(mp, bg)
    problem = bg.refused(bg.couple(mp, vraag["id"], steun["id"]), 409)
    assert problem["detail"] == "Gezin Jansen cannot be coupled: its intake has not started"
    assert snapshot(mp, bg) == before


def test_skipping_a_lifecycle_step_is_refused(mp, bg):
    vraag = bg.ready_vraaggezin(mp)
    steun = bg.ready_steungezin(mp)
    cid = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=50))["id"]
    before = snapshot(mp, bg)
    problem = bg.refused(bg.step(mp, cid, "actief", 40), 409)
    assert problem["detail"] == (
        f"coupling {cid} is in kennismaking; the next step is proefperiode or afgesloten, "
        "not actief. Steps cannot be skipped."
    )
    assert problem["allowed"] == ["proefperiode", "afgesloten"]
    bg.refused(bg.step(mp, cid, "afspraken", 40, agreement="x"), 409)
    assert snapshot(mp, bg) == before
    bg.ok(bg.step(mp, cid, "proefperiode", 40))
    missing = bg.refused(bg.step(mp, cid, "afspraken", 30), 422)
    assert missing["errors"][0]["field"] == "agreement"
    early = bg.refused(bg.step(mp, cid, "afspraken", 45, agreement="Woensdag"), 422)
    assert "lies before the previous step" in early["detail"]
    coupling = bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200)
    assert coupling["phase"] == "proefperiode"
    assert coupling["agreement"] is None
    no_reason = bg.refused(bg.step(mp, cid, "afgesloten", 10), 422)
    assert no_reason["errors"][0]["field"] == "reason"
    bg.ok(bg.step(mp, cid, "afgesloten", 10, reason="verhuisd"))
    closed = bg.refused(bg.step(mp, cid, "proefperiode", 5), 409)
    assert "none: it is closed" in closed["detail"]


def test_a_second_coupling_for_a_steungezin_at_its_limit_is_refused(mp, bg):
    first = bg.ready_vraaggezin(mp, name="Gezin Eerste")
    second = bg.ready_vraaggezin(mp, name="Gezin Tweede")
    steun = bg.ready_steungezin(mp)
    cid = bg.ok(bg.couple(mp, first["id"], steun["id"]))["id"]
    for to, ago in (("proefperiode", 50), ("afspraken", 40), ("actief", 30)):
        bg.ok(bg.step(mp, cid, to, ago, **({"agreement": "Zaterdag"} if to == "afspraken" else {})))
    before = snapshot(mp, bg)
    problem = bg.refused(bg.couple(mp, second["id"], steun["id"]), 409)
    assert problem["detail"] == (
        "Gezin de Vries already supports 1 family; a steungezin supports at most 1 at a time here"
    )
    assert snapshot(mp, bg) == before
    second_now = bg.ok(mp.get(f"{bg.BASE}/families/{second['id']}"), 200)
    assert second_now["request_status"] == "zoeken"
    suggestions = bg.ok(mp.get(f"{bg.BASE}/families/{second['id']}/suggestions"), 200)
    assert suggestions["excluded_by_filter"]["capacity"] == 1


def test_a_review_date_in_the_past_for_a_new_coupling_is_refused(mp, bg):
    vraag = bg.ready_vraaggezin(mp)
    steun = bg.ready_steungezin(mp)
    before = snapshot(mp, bg)
    yesterday = bg.days_ago(1)
    problem = bg.refused(bg.couple(mp, vraag["id"], steun["id"], first_review_on=yesterday), 422)
    assert problem["detail"] == (
        f"first_review_on: the review date {yesterday} lies in the past; plan the review on "
        "a coming date"
    )
    assert problem["errors"][0]["field"] == "first_review_on"
    assert snapshot(mp, bg) == before
    # The same when the coupling becomes actief.
    cid = bg.ok(bg.couple(mp, vraag["id"], steun["id"]))["id"]
    bg.ok(bg.step(mp, cid, "proefperiode", 50))
    bg.ok(bg.step(mp, cid, "afspraken", 40, agreement="Zaterdag"))
    bg.refused(bg.step(mp, cid, "actief", 30, first_review_on=yesterday), 422)
    assert bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200)["phase"] == "afspraken"
    planned = (dutch_today() + timedelta(days=60)).isoformat()
    active = bg.ok(bg.step(mp, cid, "actief", 30, first_review_on=planned))
    assert active["next_review_on"] == planned


def test_review_refusals(mp, bg):
    vraag = bg.ready_vraaggezin(mp)
    steun = bg.ready_steungezin(mp)
    cid = bg.ok(bg.couple(mp, vraag["id"], steun["id"]))["id"]
    review = {"held_on": bg.days_ago(1), "vraaggezin_continues": True, "steungezin_continues": True}
    not_active = bg.refused(mp.post(f"{bg.BASE}/couplings/{cid}/reviews", json=review), 409)
    assert "reviews are held for an actief coupling" in not_active["detail"]
    for to, ago in (("proefperiode", 50), ("afspraken", 40), ("actief", 30)):
        bg.ok(bg.step(mp, cid, to, ago, **({"agreement": "Zaterdag"} if to == "afspraken" else {})))
    before = bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200)
    stop = {**review, "steungezin_continues": False}
    no_reason = bg.refused(mp.post(f"{bg.BASE}/couplings/{cid}/reviews", json=stop), 422)
    assert no_reason["errors"][0]["field"] == "end_reason"
    future = {**review, "held_on": (dutch_today() + timedelta(days=3)).isoformat()}
    bg.refused(mp.post(f"{bg.BASE}/couplings/{cid}/reviews", json=future), 422)
    assert bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200) == before


def test_intake_questions_are_for_a_vraaggezin(mp, bg):
    steun = bg.new_steungezin(mp)
    problem = bg.refused(mp.post(f"{bg.BASE}/families/{steun['id']}/intake", json=bg.INTAKE), 409)
    assert "for a vraaggezin" in problem["detail"]
    bg.refused(
        mp.post(f"{bg.BASE}/families/{steun['id']}/visits", json={"visited_on": "2001-01-01"}), 422
    )
    assert bg.ok(mp.get(f"{bg.BASE}/families/{steun['id']}"), 200)["visits"] == []


def test_unknown_family_and_coupling_are_404(mp, bg):
    bg.refused(mp.get(f"{bg.BASE}/families/999"), 404)
    bg.refused(mp.get(f"{bg.BASE}/couplings/999"), 404)
    bg.refused(mp.post(f"{bg.BASE}/families/999/visits", json={"visited_on": bg.days_ago(1)}), 404)


def test_core_request_route_cannot_skip_the_plugins_records(mp, bg):
    vraag = bg.new_vraaggezin(mp)
    rid = vraag["request_id"]
    route = f"/api/requests/{rid}/transitions"
    moved = mp.post(route, json={"to": "intake"})
    assert moved.status_code in (200, 201), moved.text
    skipped = bg.refused(mp.post(route, json={"to": "zoeken"}), 409)
    assert any("the intake is not complete" in r for r in skipped["refused"])
    assert bg.ok(mp.get(f"{bg.BASE}/families/{vraag['id']}"), 200)["request_status"] == "intake"

    ready = bg.ready_vraaggezin(mp, name="Gezin Klaar")
    steun = bg.ready_steungezin(mp)
    rid = ready["request_id"]
    route = f"/api/requests/{rid}/transitions"
    no_coupling = bg.refused(mp.post(route, json={"to": "gekoppeld"}), 409)
    assert any("couple the family" in r for r in no_coupling["refused"])
    cid = bg.ok(bg.couple(mp, ready["id"], steun["id"]))["id"]
    still_running = bg.refused(mp.post(route, json={"to": "afgesloten", "reason": "klaar"}), 409)
    assert any(f"coupling {cid} is still running" in r for r in still_running["refused"])
    assert bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200)["phase"] == "kennismaking"
