"""Every write to a family or a coupling names the members of the families it concerns
as data subjects in the access log: the API's and the pages' routes, a refused write and
a repeated form submit (sent where the first went) alike, and a coupling moved through
core's match route. The generic check of ``noaber.testing`` only asks for "someone"."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from noaber.people.models import HouseholdMember
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token, logged_subjects
from noaber_buurtgezinnen.pages import BASE, COUPLINGS


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("meppel", role="coordinator", programme="buurtgezinnen")


def members(platform: Any, *families: dict[str, Any]) -> set[int]:
    """The persons of these families' households (at least one each)."""
    with tenant_scope("meppel"), platform.sessions() as session:
        found = set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id).in_([f["household_id"] for f in families])
                )
            )
        )
    assert len(found) >= len(families)
    return found


def subjects(platform: Any, response: Any) -> set[int]:
    return logged_subjects(platform, "meppel", response)


def send(client: Any, page: str, action: str, **fields: Any) -> tuple[Any, dict[str, Any]]:
    """Open ``page`` and send its form whose action is ``action`` (as the page writes it,
    with the anchor of its section); also the form sent."""
    form = {"form_token": form_token(client.get(page), action), **fields}
    return client.post(action.split("#")[0], data=form, follow_redirects=False), form


def test_the_api_s_writes_name_the_family_s_members(mp, bg, platform):
    vraag = bg.new_vraaggezin(mp, 100)
    steun = bg.new_steungezin(mp, 200)
    vraag_members, steun_members = members(platform, vraag), members(platform, steun)
    assert vraag_members.isdisjoint(steun_members)
    api = f"{bg.BASE}/families"

    visit = mp.post(f"{api}/{vraag['id']}/visits", json={"visited_on": bg.days_ago(90)})
    assert visit.status_code == 201, visit.text
    assert subjects(platform, visit) == vraag_members
    intake = mp.post(f"{api}/{vraag['id']}/intake", json=bg.INTAKE)
    assert intake.status_code == 201, intake.text
    assert subjects(platform, intake) == vraag_members
    vog = mp.post(f"{api}/{steun['id']}/vog", json={"issued_on": bg.days_ago(190)})
    assert vog.status_code == 201, vog.text
    assert subjects(platform, vog) == steun_members
    check = mp.post(
        f"{api}/{steun['id']}/competence",
        json={"checked_on": bg.days_ago(180), "checked_by": "Coördinator"},
    )
    assert check.status_code == 201, check.text
    assert subjects(platform, check) == steun_members

    # A refused write is logged with the family too: a visit in the future, a VOG for a
    # vraaggezin, completing an intake after one visit.
    future = mp.post(f"{api}/{steun['id']}/visits", json={"visited_on": bg.days_ago(-3)})
    assert future.status_code == 422, future.text
    assert subjects(platform, future) == steun_members
    wrong = mp.post(f"{api}/{vraag['id']}/vog", json={"issued_on": bg.days_ago(10)})
    assert 400 <= wrong.status_code < 500, wrong.text
    assert subjects(platform, wrong) == vraag_members
    early = mp.post(f"{api}/{vraag['id']}/intake/complete", json={"completed_on": bg.days_ago(5)})
    assert 400 <= early.status_code < 500, early.text
    assert subjects(platform, early) == vraag_members


def test_the_api_s_coupling_writes_name_both_families(mp, bg, platform):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    both = members(platform, vraag, steun)

    made = bg.couple(mp, vraag["id"], steun["id"], ago=60)
    assert made.status_code == 201, made.text
    assert subjects(platform, made) == both
    cid = made.json()["id"]
    trial = bg.step(mp, cid, "proefperiode", 50)
    assert trial.status_code == 201, trial.text
    assert subjects(platform, trial) == both
    # Refused (afspraken without the agreement), still logged with both families.
    refused = bg.step(mp, cid, "afspraken", 40)
    assert refused.status_code == 422, refused.text
    assert subjects(platform, refused) == both
    bg.ok(bg.step(mp, cid, "afspraken", 40, agreement="Opvang op woensdag."))
    bg.ok(bg.step(mp, cid, "actief", 30))
    review = mp.post(
        f"{bg.BASE}/couplings/{cid}/reviews",
        json={
            "held_on": bg.days_ago(2),
            "vraaggezin_continues": True,
            "steungezin_continues": True,
        },
    )
    assert review.status_code == 201, review.text
    assert subjects(platform, review) == both


def test_core_s_match_route_names_both_families_of_the_coupling(mp, bg, platform):
    """The coupling follows core's match (``match_transitioned``): the plugin's write."""
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    made = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    moved = mp.post(f"/api/matches/{made['match_id']}/transitions", json={"to": "proefperiode"})
    assert moved.status_code == 201, moved.text
    assert subjects(platform, moved) >= members(platform, vraag, steun)


def test_the_family_page_s_forms_name_the_family_s_members_once_and_again(
    mp, bg, coordinator, platform
):
    steun = bg.new_steungezin(mp, 60)
    fid = steun["id"]
    expected = members(platform, steun)
    action = f"{BASE}/{fid}/bezoeken"

    first, form = send(
        coordinator, f"{BASE}/{fid}", f"{action}#bezoeken", visited_on=bg.days_ago(10)
    )
    assert first.status_code == 303, first.text
    assert subjects(platform, first) == expected
    # The same form sent again stores nothing and is sent where the first went: logged
    # with the family all the same.
    again = coordinator.post(action, data=form, follow_redirects=False)
    assert again.status_code == 303, again.text
    assert subjects(platform, again) == expected
    refused, _ = send(
        coordinator, f"{BASE}/{fid}", f"{action}#bezoeken", visited_on=bg.days_ago(-3)
    )
    assert refused.status_code == 422
    assert subjects(platform, refused) == expected
    vog, _ = send(coordinator, f"{BASE}/{fid}", f"{BASE}/{fid}/vog#vog", issued_on=bg.days_ago(5))
    assert vog.status_code == 303, vog.text
    assert subjects(platform, vog) == expected


def test_coupling_from_the_family_page_names_both_families(mp, bg, coordinator, platform):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    action = f"{BASE}/{vraag['id']}/koppelen"
    coupled, form = send(
        coordinator,
        f"{BASE}/{vraag['id']}",
        f"{action}#koppelen",
        steungezin_id=str(steun["id"]),
        kennismaking_on=bg.days_ago(2),
    )
    assert coupled.status_code == 303, coupled.text
    both = members(platform, vraag, steun)
    assert subjects(platform, coupled) == both
    again = coordinator.post(action, data=form, follow_redirects=False)
    assert again.status_code == 303, again.text
    assert subjects(platform, again) == both


def test_the_coupling_page_s_forms_name_both_families(mp, bg, coordinator, platform):
    vraag = bg.ready_vraaggezin(mp, 400)
    steun = bg.ready_steungezin(mp, 500)
    cid = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=260))["id"]
    for to, days in (("proefperiode", 250), ("afspraken", 210), ("actief", 200)):
        extra = {"agreement": "Opvang op woensdag."} if to == "afspraken" else {}
        bg.ok(bg.step(mp, cid, to, days, **extra))
    both = members(platform, vraag, steun)
    page = f"{COUPLINGS}/{cid}"

    review, _ = send(
        coordinator,
        page,
        f"{page}/evaluaties#evaluaties",
        held_on=bg.days_ago(7),
        vraaggezin_continues="true",
        steungezin_continues="true",
    )
    assert review.status_code == 303, review.text
    assert subjects(platform, review) == both

    action = f"{page}/beeindigen"
    missing, _ = send(coordinator, page, f"{action}#stappen", ended_on=bg.days_ago(3))
    assert missing.status_code == 422  # no reason
    assert subjects(platform, missing) == both
    ended, form = send(
        coordinator, page, f"{action}#stappen", ended_on=bg.days_ago(3), reason="doel_bereikt"
    )
    assert ended.status_code == 303, ended.text
    assert subjects(platform, ended) == both
    again = coordinator.post(action, data=form, follow_redirects=False)
    assert again.status_code == 303, again.text
    assert subjects(platform, again) == both
