"""The whole way of a vraaggezin and a steungezin through Buurtgezinnen, via the API."""

from __future__ import annotations

from datetime import date, timedelta

from noaber.clock import dutch_today
from noaber.matching.services import add_months


def test_public_sign_up_forms_answer_with_a_reference_only(client_for, bg):
    mp = client_for("meppel")
    body = bg.vraaggezin_body(privacy_consent=True)
    answer = bg.ok(mp.post(f"{bg.BASE}/aanmelden/vraaggezin", json=body))
    assert answer["reference"].startswith("V-")
    assert "Sanne" not in str(answer)
    steun = bg.ok(
        mp.post(f"{bg.BASE}/aanmelden/steungezin", json=bg.steungezin_body(privacy_consent=True))
    )
    assert steun["reference"].startswith("S-")
    families = bg.ok(mp.get(f"{bg.BASE}/families"), 200)["items"]
    assert [(f["kind"], f["signed_up_via"]) for f in families] == [
        ("vraaggezin", "self"),
        ("steungezin", "self"),
    ]
    vraag = families[0]
    assert vraag["request_status"] == "aangemeld"
    assert vraag["signed_up_on"] == dutch_today().isoformat()
    assert sorted(vraag["children_ages"]) == [5, 9]
    assert not vraag["ready_for_matching"]
    assert "2 more intake visit(s) (0 of 2 made)" in vraag["intake_missing"]
    # The steungezin may have no children at home; it is a support_family helper in core.
    steungezin = families[1]
    assert steungezin["children_ages"] == []
    helper = bg.ok(mp.get(f"/api/helpers/{steungezin['helper_id']}"), 200)
    assert helper["kind"] == "support_family"
    assert helper["max_load"] == 1
    assert {"a VOG", "the competence check"} <= set(steungezin["intake_missing"])


def test_the_vocabulary_of_the_forms_is_public(client_for, bg):
    body = bg.ok(client_for("meppel").get(f"{bg.BASE}/aanmelden/vocabulary"), 200)
    assert {"key": "structuur", "label": "Structuur en vaste routines"} in body["upbringing_views"]
    assert len(body["support_kinds"]) == 8


def test_a_professional_refers_a_vraaggezin(mp, bg):
    org = bg.ok(mp.post("/api/organisations", json={"name": "OBS De Sluis", "kind": "school"}))
    pro = bg.ok(
        mp.post(
            "/api/professionals",
            json={"organisation_id": org["id"], "name": "Juf Marleen", "role": "intern begeleider"},
        )
    )
    body = bg.vraaggezin_body(name="Gezin Bakker")
    referred = bg.ok(
        mp.post(
            f"{bg.BASE}/verwijzingen",
            json={**body, "professional_id": pro["id"], "asked_by": "school"},
        )
    )
    assert referred["signed_up_via"] == "professional"
    assert referred["professional_id"] == pro["id"]
    request = bg.ok(mp.get(f"/api/requests/{referred['request_id']}"), 200)
    assert request["type"] == "buurtgezin"
    assert request["asked_by"] == "school"
    assert request["professional_id"] == pro["id"]


def test_intake_needs_two_visits_and_the_four_questions(mp, bg):
    fam = bg.new_vraaggezin(mp, signed_up_ago=50)
    fid = fam["id"]
    bg.ok(mp.post(f"{bg.BASE}/families/{fid}/visits", json={"visited_on": bg.days_ago(40)}))
    after_one = bg.ok(mp.get(f"{bg.BASE}/families/{fid}"), 200)
    assert after_one["request_status"] == "intake"
    too_early = bg.refused(mp.post(f"{bg.BASE}/families/{fid}/intake/complete", json={}), 409)
    assert "at least 2 visits" in too_early["detail"]
    bg.ok(mp.post(f"{bg.BASE}/families/{fid}/visits", json={"visited_on": bg.days_ago(30)}))
    no_answers = bg.refused(mp.post(f"{bg.BASE}/families/{fid}/intake/complete", json={}), 409)
    assert "four intake questions" in no_answers["detail"]
    recorded = bg.ok(mp.post(f"{bg.BASE}/families/{fid}/intake", json=bg.INTAKE))
    assert recorded["gives_back"] == bg.INTAKE["gives_back"]
    done = bg.ok(mp.post(f"{bg.BASE}/families/{fid}/intake/complete", json={}))
    assert done["request_status"] == "zoeken"
    assert done["intake_missing"] == []
    assert done["ready_for_matching"]


def test_whole_lifecycle_through_the_api(mp, bg):
    vraag = bg.ready_vraaggezin(mp, signed_up_ago=400)
    steun = bg.ready_steungezin(mp, signed_up_ago=500)
    # A steungezin with other views and other support is ranked lower, not excluded.
    other = bg.ready_steungezin(
        mp,
        signed_up_ago=500,
        name="Gezin Mulder",
        postcode="7941 EF",
        upbringing_views=["geloof"],
        offered_support=["huiswerk"],
    )
    suggestions = bg.ok(mp.get(f"{bg.BASE}/families/{vraag['id']}/suggestions"), 200)
    ranked = [s["helper"]["display_name"] for s in suggestions["suggestions"]]
    assert ranked == ["Gezin de Vries", "Gezin Mulder"]
    best = suggestions["suggestions"][0]["explanation"]
    components = {c["name"]: c for c in best["components"]}
    assert components["upbringing"]["value"] == 1.0
    assert components["expectations"]["value"] == 1.0
    second = {c["name"]: c for c in suggestions["suggestions"][1]["explanation"]["components"]}
    assert second["upbringing"]["value"] == 0.0
    assert other["ready_for_matching"]

    coupling = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=300))
    cid = coupling["id"]
    assert coupling["phase"] == "kennismaking"
    assert coupling["next_steps"] == ["proefperiode", "afgesloten"]
    assert coupling["explanation"]["eligible"] is True
    assert bg.ok(mp.get(f"{bg.BASE}/families/{vraag['id']}"), 200)["request_status"] == "gekoppeld"

    trial = bg.ok(bg.step(mp, cid, "proefperiode", 290))
    start = date.fromisoformat(bg.days_ago(290))
    assert trial["trial_ends_on"] == add_months(start, 2).isoformat()
    agreed = bg.ok(
        bg.step(mp, cid, "afspraken", 230, agreement="Elke woensdagmiddag komen de kinderen.")
    )
    assert agreed["agreement"].startswith("Elke woensdag")
    active = bg.ok(bg.step(mp, cid, "actief", 220))
    active_since = date.fromisoformat(bg.days_ago(220))
    assert active["next_review_on"] == add_months(active_since, 6).isoformat()

    # The six-monthly review fell due about forty days ago: on the work list, overdue.
    work = bg.ok(mp.get(f"{bg.BASE}/worklist"), 200)
    assert [(w["kind"], w["coupling_id"], w["overdue"]) for w in work] == [("review", cid, True)]
    assert work[0]["days_overdue"] == (dutch_today() - add_months(active_since, 6)).days
    assert bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200)["review_overdue"] is True

    review = bg.ok(
        mp.post(
            f"{bg.BASE}/couplings/{cid}/reviews",
            json={
                "held_on": bg.days_ago(30),
                "vraaggezin_continues": True,
                "steungezin_continues": True,
                "note": "Het gaat goed.",
            },
        )
    )
    held = date.fromisoformat(bg.days_ago(30))
    assert review["phase"] == "actief"
    assert review["next_review_on"] == add_months(held, 6).isoformat()
    assert review["reviews"][0]["due_on"] == add_months(active_since, 6).isoformat()
    assert bg.ok(mp.get(f"{bg.BASE}/worklist"), 200) == []
    later = (add_months(held, 6) + timedelta(days=3)).isoformat()
    ahead = bg.ok(mp.get(f"{bg.BASE}/worklist", params={"today": later}), 200)
    assert [(w["coupling_id"], w["overdue"], w["days_overdue"]) for w in ahead] == [(cid, True, 3)]

    # At the next review the vraaggezin stops: the goal is reached.
    ended = bg.ok(
        mp.post(
            f"{bg.BASE}/couplings/{cid}/reviews",
            json={
                "held_on": bg.days_ago(1),
                "vraaggezin_continues": False,
                "steungezin_continues": True,
                "end_reason": "doel_bereikt",
            },
        )
    )
    assert ended["phase"] == "afgesloten"
    assert ended["end_reason"] == "doel_bereikt"
    assert ended["ended_on"] == bg.days_ago(1)
    assert ended["next_steps"] == []
    assert len(ended["reviews"]) == 2
    family = bg.ok(mp.get(f"{bg.BASE}/families/{vraag['id']}"), 200)
    assert family["request_status"] == "afgesloten"
    match = bg.ok(mp.get(f"/api/matches/{ended['match_id']}"), 200)
    assert match["status"] == "afgesloten"
    assert match["reason"] == "doel_bereikt"
    # The steungezin is free again and back on the waiting list.
    waiting = bg.ok(mp.get(f"{bg.BASE}/waiting-list"), 200)
    assert steun["id"] in [w["family_id"] for w in waiting["steungezinnen"]]


def test_trial_end_appears_on_the_work_list(mp, bg):
    vraag = bg.ready_vraaggezin(mp, signed_up_ago=120)
    steun = bg.ready_steungezin(mp, signed_up_ago=200)
    cid = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=70))["id"]
    trial = bg.ok(bg.step(mp, cid, "proefperiode", 65))
    work = bg.ok(mp.get(f"{bg.BASE}/worklist"), 200)
    assert work == [
        {
            "kind": "trial_end",
            "coupling_id": cid,
            "vraaggezin": "Gezin Jansen",
            "steungezin": "Gezin de Vries",
            "due_on": trial["trial_ends_on"],
            "overdue": True,
            "days_overdue": (dutch_today() - date.fromisoformat(trial["trial_ends_on"])).days,
        }
    ]


def test_closing_with_search_again_puts_the_vraaggezin_back_on_the_list(mp, bg):
    vraag = bg.ready_vraaggezin(mp, signed_up_ago=120)
    steun = bg.ready_steungezin(mp, signed_up_ago=200)
    cid = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=70))["id"]
    closed = bg.ok(
        bg.step(mp, cid, "afgesloten", 60, reason="geen_klik", note="Geen klik", search_again=True)
    )
    assert closed["end_reason"] == "geen_klik"
    family = bg.ok(mp.get(f"{bg.BASE}/families/{vraag['id']}"), 200)
    assert family["request_status"] == "zoeken"
    waiting = bg.ok(mp.get(f"{bg.BASE}/waiting-list"), 200)
    assert [w["family_id"] for w in waiting["vraaggezinnen"]] == [vraag["id"]]
    assert waiting["vraaggezinnen"][0]["waiting_days"] == 120


def test_waiting_list_shows_waiting_time_per_family(mp, bg):
    a = bg.new_vraaggezin(mp, signed_up_ago=90, name="Gezin A")
    b = bg.new_vraaggezin(mp, signed_up_ago=30, name="Gezin B")
    s = bg.new_steungezin(mp, signed_up_ago=45)
    waiting = bg.ok(mp.get(f"{bg.BASE}/waiting-list"), 200)
    assert [(w["family_id"], w["waiting_days"]) for w in waiting["vraaggezinnen"]] == [
        (a["id"], 90),
        (b["id"], 30),
    ]
    assert waiting["average_waiting_days_vraaggezinnen"] == 60.0
    assert [(w["family_id"], w["waiting_days"], w["status"]) for w in waiting["steungezinnen"]] == [
        (s["id"], 45, "intake")
    ]
    later = bg.ok(
        mp.get(f"{bg.BASE}/waiting-list", params={"today": dutch_today() + timedelta(days=10)}), 200
    )
    assert later["average_waiting_days_vraaggezinnen"] == 70.0
