"""The coordinator's waiting list page: the vraaggezinnen waiting for a steungezin and the
steungezinnen without a family, as the API's ``waiting-list`` route returns them (real
database, no mocks)."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from noaber.clock import dutch_today
from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber_buurtgezinnen.pages import BASE, COUPLINGS, WAITING


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("meppel", role="coordinator", programme="buurtgezinnen")


def nl(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def ago(n: int) -> date:
    return dutch_today() - timedelta(days=n)


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


def test_the_waiting_list_shows_who_waits_how_long_longest_first(mp, bg, coordinator, platform):
    jansen = bg.ready_vraaggezin(mp, 120)  # zoeken
    smit = bg.new_vraaggezin(mp, 30, name="Gezin Smit")  # aangemeld
    kok = bg.ready_vraaggezin(mp, 200, name="Gezin Kok")  # coupled below: not waiting
    vries = bg.ready_steungezin(mp, 300)  # free
    bakker = bg.ready_steungezin(mp, 400, name="Gezin Bakker")  # coupled: at its limit
    bos = bg.new_steungezin(mp, 50, name="Gezin Bos")  # free, no competence check yet
    bg.ok(bg.couple(mp, kok["id"], bakker["id"], ago=20))
    api = bg.ok(mp.get(f"{bg.BASE}/waiting-list"), 200)

    page = coordinator.get(WAITING)
    assert page.status_code == 200
    assert '<h1 class="utrecht-heading-1">Buurtgezinnen: wachtlijst</h1>' in page.text
    vraag = text_of(page, "wachtende-vraaggezinnen", "</table>")
    # What the API returns, in its order (the longest waiting first), nothing else.
    assert [w["family_id"] for w in api["vraaggezinnen"]] == [jansen["id"], smit["id"]]
    assert vraag.count("<tr") == 3  # head + 2
    assert vraag.index("Gezin Jansen") < vraag.index("Gezin Smit")
    assert "Gezin Kok" not in page.text
    row = text_of(page, f"wacht-{jansen['id']}", "</tr>")
    assert f'href="{BASE}/{jansen["id"]}">Gezin Jansen</a>' in row
    assert "zoeken" in row
    assert nl(ago(120)) in row
    assert ">120</td>" in row
    row = text_of(page, f"wacht-{smit['id']}", "</tr>")
    assert "aangemeld" in row
    assert ">30</td>" in row
    assert "Gemiddelde wachttijd: 75 dagen" in text_of(page, "gemiddeld-vraaggezinnen", "</p>")

    steun = text_of(page, "wachtende-steungezinnen", "</table>")
    assert steun.count("<tr") == 3  # head + 2; Gezin Bakker supports a family
    assert "Gezin Bakker" not in page.text
    row = text_of(page, f"wacht-{vries['id']}", "</tr>")
    assert f'href="{BASE}/{vries["id"]}">Gezin de Vries</a>' in row
    assert "beschikbaar" in row
    assert ">300</td>" in row
    row = text_of(page, f"wacht-{bos['id']}", "</tr>")
    assert "competentiecheck nog niet gedaan" in row
    assert "Gemiddelde wachttijd: 175 dagen" in text_of(page, "gemiddeld-steungezinnen", "</p>")

    # The families shown are named in the access log; the coupled ones are not shown.
    shown = [jansen, smit, vries, bos]
    logged = subjects(platform, page)
    assert logged >= members(platform, [f["household_id"] for f in shown])
    assert not logged & members(platform, [kok["household_id"], bakker["household_id"]])


def test_the_waiting_list_is_linked_from_the_plugin_s_menu(coordinator):
    for path in (BASE, COUPLINGS, WAITING):
        page = coordinator.get(path)
        menu = page.text.split("Pagina\u2019s van Buurtgezinnen", 1)[1].split("</nav>", 1)[0]
        current = ' aria-current="page"' if path == WAITING else ""
        assert f'<a class="utrecht-link" href="{WAITING}"{current}>Wachtlijst</a>' in menu
    empty = coordinator.get(WAITING)
    assert "Er wacht geen vraaggezin." in empty.text
    assert "Er wacht geen steungezin op een gezin." in empty.text


def test_other_programmes_and_municipalities_have_no_waiting_list(client_for):
    other = client_for("meppel", role="coordinator", programme="wijkbedrijf")
    assert other.get(WAITING).status_code == 403
    assert client_for("meppel", role="volunteer").get(WAITING).status_code == 403
    assert client_for("amersfoort").get(WAITING).status_code == 404
