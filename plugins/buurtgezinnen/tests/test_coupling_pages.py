"""The coordinator's coupling pages: the list of running and ended couplings and one
coupling's page (history, reviews), over the plugin's services (real database, no mocks)."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber_buurtgezinnen.pages import BASE, COUPLINGS


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("meppel", role="coordinator", programme="buurtgezinnen")


def nl(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def ago(n: int) -> date:
    return date.today() - timedelta(days=n)


def text_of(page: Any, element_id: str, end: str) -> str:
    return html.unescape(page.text.split(f'id="{element_id}"', 1)[1].split(end, 1)[0])


def members(platform: Any, household_ids: list[int]) -> set[int]:
    with tenant_scope("meppel"), platform.sessions() as session:
        return set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id).in_(household_ids)
                )
            )
        )


def subjects(platform: Any, page: Any) -> set[int]:
    with tenant_scope("meppel"), platform.sessions() as session:
        return set(
            session.exec(
                select(AccessLogEntry.subject_person_id).where(
                    AccessLogEntry.trace_id == page.headers["x-trace-id"]
                )
            )
        )


def two_couplings(mp: Any, bg: Any) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """A coupling in its trial period (Jansen with de Vries) and an ended one (Smit with
    Bakker, who moved)."""
    jansen = bg.ready_vraaggezin(mp, 300)
    vries = bg.ready_steungezin(mp, 400)
    running = bg.ok(bg.couple(mp, jansen["id"], vries["id"], ago=60))
    bg.ok(bg.step(mp, running["id"], "proefperiode", 50), 201)
    smit = bg.ready_vraaggezin(mp, 300, name="Gezin Smit")
    bakker = bg.ready_steungezin(mp, 400, name="Gezin Bakker")
    ended = bg.ok(bg.couple(mp, smit["id"], bakker["id"], ago=200))
    for to, days in (("proefperiode", 190), ("afspraken", 130), ("actief", 120)):
        extra = {"agreement": "Elke woensdagmiddag opvang."} if to == "afspraken" else {}
        bg.ok(bg.step(mp, ended["id"], to, days, **extra), 201)
    bg.ok(bg.step(mp, ended["id"], "afgesloten", 10, reason="verhuisd", note="Naar Zwolle"), 201)
    return running, ended, [jansen, vries, smit, bakker]


def test_the_couplings_list_shows_running_and_ended_couplings_with_both_families(
    mp, bg, coordinator, platform
):
    running, ended, families = two_couplings(mp, bg)
    page = coordinator.get(COUPLINGS)
    assert page.status_code == 200
    assert '<h1 class="utrecht-heading-1">Buurtgezinnen: koppelingen</h1>' in page.text

    row = text_of(page, f"koppeling-{running['id']}", "</tr>")
    assert text_of(page, "lopende-koppelingen", "</table>").count("<tr") == 2  # head + 1
    assert f'href="{COUPLINGS}/{running["id"]}"' in row
    assert f'href="{BASE}/{running["vraaggezin_id"]}">Gezin Jansen</a>' in row
    assert f'href="{BASE}/{running["steungezin_id"]}">Gezin de Vries</a>' in row
    assert "proefperiode" in row
    trial_end = date.fromisoformat(
        bg.ok(mp.get(f"{bg.BASE}/couplings/{running['id']}"), 200)["trial_ends_on"]
    )
    assert nl(trial_end) in row
    assert nl(ago(60)) in row  # the kennismaking

    row = text_of(page, f"koppeling-{ended['id']}", "</tr>")
    assert row in text_of(page, "beeindigde-koppelingen", "</table>")
    assert "Gezin Smit" in row
    assert "Gezin Bakker" in row
    assert nl(ago(10)) in row
    assert "Een van de gezinnen is verhuisd \u2013 Naar Zwolle" in row

    # Both sides of both couplings are named in the access log.
    assert subjects(platform, page) >= members(platform, [f["household_id"] for f in families])
    # The families pages link to the list, the list to the families.
    assert f'href="{COUPLINGS}"' in coordinator.get(BASE).text
    assert f'href="{COUPLINGS}"' in coordinator.get(f"{BASE}/{running['vraaggezin_id']}").text


def test_an_active_coupling_shows_its_next_review_and_flags_it_when_overdue(mp, bg, coordinator):
    vraag = bg.ready_vraaggezin(mp, 400)
    steun = bg.ready_steungezin(mp, 500)
    c = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=300))
    for to, days in (("proefperiode", 290), ("afspraken", 250), ("actief", 240)):
        extra = {"agreement": "Opvang op woensdag."} if to == "afspraken" else {}
        bg.ok(bg.step(mp, c["id"], to, days, **extra), 201)
    out = bg.ok(mp.get(f"{bg.BASE}/couplings/{c['id']}"), 200)
    review = date.fromisoformat(out["next_review_on"])
    assert review < date.today()
    row = text_of(coordinator.get(COUPLINGS), f"koppeling-{c['id']}", "</tr>")
    assert f'<span class="noaber-overdue">{nl(review)} (te laat)</span>' in row
    page = coordinator.get(f"{COUPLINGS}/{c['id']}")
    assert f'{nl(review)} <span class="noaber-overdue">(te laat)</span>' in page.text


def test_the_coupling_page_shows_the_history_and_links_to_core_s_step(
    mp, bg, coordinator, platform
):
    running, ended, families = two_couplings(mp, bg)
    page = coordinator.get(f"{COUPLINGS}/{ended['id']}")
    assert page.status_code == 200
    assert f"Koppeling {ended['id']}: Gezin Smit en Gezin Bakker" in page.text
    history = text_of(page, "verloop", "</ol>")
    assert f"Kennismaking op {nl(ago(200))}" in history
    assert f"Afspraken gemaakt op {nl(ago(130))}: Elke woensdagmiddag opvang." in history
    assert f"Actief sinds {nl(ago(120))}" in history
    assert (
        f"Beëindigd op {nl(ago(10))}: Een van de gezinnen is verhuisd \u2013 Naar Zwolle" in history
    )
    assert "Deze koppeling is beëindigd." in text_of(page, "volgende-stap", "</p>")
    assert subjects(platform, page) >= members(
        platform, [families[2]["household_id"], families[3]["household_id"]]
    )

    page = coordinator.get(f"{COUPLINGS}/{running['id']}")
    step = text_of(page, "volgende-stap", "</p>")
    assert "De volgende stap (afspraken) zet u op de algemene koppelingspagina" in step
    assert f'href="/koppelingen/{running["match_id"]}"' in step
    assert coordinator.get(f"/koppelingen/{running['match_id']}").status_code == 200
    # The family page lists its coupling with a link to this page.
    family = coordinator.get(f"{BASE}/{running['vraaggezin_id']}")
    assert f'href="{COUPLINGS}/{running["id"]}">Koppeling {running["id"]}</a>' in family.text
    assert coordinator.get(f"{COUPLINGS}/999999").status_code == 404


def test_other_programmes_and_municipalities_have_no_coupling_pages(mp, bg, client_for):
    running, _ended, _families = two_couplings(mp, bg)
    other = client_for("meppel", role="coordinator", programme="wijkbedrijf")
    assert other.get(COUPLINGS).status_code == 403
    assert other.get(f"{COUPLINGS}/{running['id']}").status_code == 403
    assert client_for("meppel", role="volunteer").get(COUPLINGS).status_code == 403
    assert client_for("amersfoort").get(COUPLINGS).status_code == 404
    assert client_for("leeuwarden").get(f"{COUPLINGS}/{running['id']}").status_code == 404
