"""Data-subject rights for Buurtgezinnen: export and erasure of a parent of a vraaggezin
through the API, and the parent's "who accessed my file" naming the programme's views."""

from __future__ import annotations

from sqlmodel import col, select

from noaber.people.models import HouseholdMember
from noaber.privacy.subject import ERASED
from noaber.tenancy.context import tenant_scope

SLUG = "meppel"


def _members(platform, household_id: int) -> list[int]:
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        return list(
            session.exec(
                select(HouseholdMember.person_id)
                .where(HouseholdMember.household_id == household_id)
                .order_by(col(HouseholdMember.person_id))
            ).all()
        )


def _active_coupling(mp, bg) -> tuple[dict, dict, int]:
    vraag = bg.ready_vraaggezin(mp, signed_up_ago=300)
    steun = bg.ready_steungezin(mp, signed_up_ago=300)
    cid = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=250))["id"]
    bg.ok(bg.step(mp, cid, "proefperiode", 240), 201)
    bg.ok(bg.step(mp, cid, "afspraken", 230, agreement="Elke woensdagmiddag bij ons."), 201)
    bg.ok(bg.step(mp, cid, "actief", 220), 201)
    bg.ok(
        mp.post(
            f"{bg.BASE}/couplings/{cid}/reviews",
            json={
                "held_on": bg.days_ago(30),
                "vraaggezin_continues": True,
                "steungezin_continues": True,
                "note": "De kinderen gaan er graag heen.",
            },
        )
    )
    return vraag, steun, cid


def test_a_parent_is_exported_and_erased_with_the_buurtgezinnen_data(platform, mp, bg):
    vraag, steun, cid = _active_coupling(mp, bg)
    bg.ok(
        mp.post(
            f"{bg.BASE}/families/{vraag['id']}/visits",
            json={"visited_on": bg.days_ago(10), "note": "Moeder is erg moe."},
        )
    )
    parent = _members(platform, vraag["household_id"])[0]

    data = bg.ok(mp.get(f"/api/people/{parent}/export"), 200)["buurtgezinnen"]
    assert [f["id"] for f in data["buurtgezinnen_family"]] == [vraag["id"]]
    family = data["buurtgezinnen_family"][0]
    assert family["support_needed"] == bg.INTAKE["support_needed"]
    assert family["upbringing_views"] == ["structuur", "buiten_spelen"]
    assert len(data["buurtgezinnen_visit"]) == 3
    assert "Moeder is erg moe." in [v["note"] for v in data["buurtgezinnen_visit"]]
    assert [c["id"] for c in data["buurtgezinnen_coupling"]] == [cid]
    assert data["buurtgezinnen_coupling"][0]["agreement"] == "Elke woensdagmiddag bij ons."
    assert [r["note"] for r in data["buurtgezinnen_review"]] == ["De kinderen gaan er graag heen."]

    # A steungezin's adult sees their own family and the coupling, not the vraaggezin.
    adult = _members(platform, steun["household_id"])[0]
    theirs = bg.ok(mp.get(f"/api/people/{adult}/export"), 200)["buurtgezinnen"]
    assert [f["id"] for f in theirs["buurtgezinnen_family"]] == [steun["id"]]
    assert [c["id"] for c in theirs["buurtgezinnen_coupling"]] == [cid]
    assert {v["family_id"] for v in theirs["buurtgezinnen_visit"]} == {steun["id"]}

    erased = bg.ok(mp.post(f"/api/people/{parent}/erase", json={"reason": "verzoek"}), 200)
    assert erased["erased"]["buurtgezinnen_family"] == 1
    assert erased["erased"]["buurtgezinnen_visit"] == 3
    assert erased["erased"]["buurtgezinnen_coupling"] == 1
    assert erased["erased"]["buurtgezinnen_review"] == 1

    after = bg.ok(mp.get(f"/api/people/{parent}/export"), 200)["buurtgezinnen"]
    family = after["buurtgezinnen_family"][0]
    for field in ("support_needed", "upbringing_important", "expectations", "gives_back"):
        assert family[field] == ERASED
    assert family["upbringing_views"] == []
    assert family["support_kinds"] == ["opvang", "luisterend_oor"]  # kept for the figures
    notes = [v["note"] for v in after["buurtgezinnen_visit"]]
    assert "Moeder is erg moe." not in notes
    assert ERASED in notes
    assert after["buurtgezinnen_coupling"][0]["agreement"] == ERASED
    assert after["buurtgezinnen_coupling"][0]["phase"] == "actief"
    assert [r["note"] for r in after["buurtgezinnen_review"]] == [ERASED]
    assert "De kinderen" not in str(after)
    # The steungezin's own intake answers were not the parent's to erase.
    theirs = bg.ok(mp.get(f"/api/people/{adult}/export"), 200)["buurtgezinnen"]
    assert theirs["buurtgezinnen_family"][0]["motivation"] == "Wij hebben ruimte en tijd over."


def test_the_parent_sees_the_programme_s_list_views_in_their_access_log(
    platform, client_for, mp, bg
):
    vraag = bg.new_vraaggezin(mp)
    parent = _members(platform, vraag["household_id"])[0]
    bg.ok(mp.get(f"{bg.BASE}/families"), 200)["items"]
    bg.ok(mp.get(f"{bg.BASE}/waiting-list"), 200)
    resident = client_for(SLUG, role="resident", person_id=parent)
    seen = bg.ok(resident.get("/api/me/access-log"), 200)["items"]
    paths = {(e["action"], e["why"]) for e in seen}
    assert ("list", "buurtgezinnen") in paths, seen
    assert ("create", "buurtgezinnen") in paths, seen
