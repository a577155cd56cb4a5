"""What a coordinator reads when Buurtgezinnen refuses: the request page and the coupling
page say why in Dutch (the plugin's own catalogue), the API keeps its English detail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import noaber_buurtgezinnen
from noaber.clock import dutch_today
from noaber.errors import Conflict
from noaber.tenancy.context import tenant_scope
from noaber.ui.catalog import check_plugin
from noaber.ui.i18n import translate, translations_for
from noaber_buurtgezinnen import services
from noaber_buurtgezinnen.matching import COMPONENTS, FILTERS
from noaber_buurtgezinnen.plugin import LOCALE
from noaber_buurtgezinnen.schemas import CouplingIn

GENERIC = "Deze statuswijziging kan nu niet."


def alert(page: Any) -> str:
    """The status form's error (the page's only ``role="alert"`` next to ``to``)."""
    return str(page.text.split('id="to-fout" role="alert">')[1].split("</p>")[0])


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("meppel", role="coordinator", programme="buurtgezinnen")


def test_every_message_of_the_plugin_has_a_dutch_translation(platform):
    assert check_plugin(Path(noaber_buurtgezinnen.__file__).parent, LOCALE) == []
    # The descriptions of its matching criteria (explanations, refused proposals) too.
    gettext = translations_for(platform.tenants["meppel"].plugins, "nl").gettext
    untranslated = [
        c.description for c in (*FILTERS, *COMPONENTS) if gettext(c.description) == c.description
    ]
    assert untranslated == []


def test_the_request_page_says_in_dutch_why_the_family_cannot_be_coupled(mp, bg, coordinator):
    vraag = bg.ready_vraaggezin(mp, 100)
    rid = vraag["request_id"]
    page = coordinator.post(f"/aanvragen/{rid}/status", data={"to": "gekoppeld"})
    assert page.status_code == 409
    assert alert(page) == (
        "Er is nog geen steungezin voorgesteld. Stel eerst een steungezin voor; daarna kunt "
        "u de aanvraag op \u2018gekoppeld\u2019 zetten."
    )
    # The API's 409 is what it was: English, naming the routes.
    body = bg.refused(mp.post(f"/api/requests/{rid}/transitions", json={"to": "gekoppeld"}), 409)
    assert body["refused"] == [
        "propose a steungezin first (POST /api/matches), or couple the family to one with "
        "POST /api/buurtgezinnen/couplings/"
    ]
    assert body["detail"] == f"request {rid} cannot go to 'gekoppeld': " + body["refused"][0]
    assert bg.ok(mp.get(f"/api/requests/{rid}"), 200)["status"] == "zoeken"


def test_the_request_page_says_the_intake_is_not_complete(mp, bg, coordinator):
    fam = bg.new_vraaggezin(mp, 30)
    bg.ok(mp.post(f"{bg.BASE}/families/{fam['id']}/visits", json={"visited_on": bg.days_ago(20)}))
    rid = fam["request_id"]
    assert bg.ok(mp.get(f"/api/requests/{rid}"), 200)["status"] == "intake"
    page = coordinator.post(f"/aanvragen/{rid}/status", data={"to": "zoeken"})
    assert page.status_code == 409
    assert alert(page).startswith("De intake van dit gezin is nog niet afgerond.")
    assert GENERIC not in page.text


def test_the_coupling_page_says_in_dutch_why_a_step_is_refused(mp, bg, coordinator):
    vraag, steun = bg.ready_vraaggezin(mp, 100), bg.ready_steungezin(mp, 200)
    rid = vraag["request_id"]
    proposed = coordinator.post(
        f"/aanvragen/{rid}/koppelingen",
        data={"helper_id": str(steun["helper_id"])},
        follow_redirects=False,
    )
    assert proposed.status_code in (302, 303), proposed.text
    [match] = bg.ok(mp.get("/api/matches", params={"request_id": rid}), 200)["items"]
    page = f"/koppelingen/{match['id']}/status"

    # A proposal is not yet a coupling (match_transitioned refuses).
    early = coordinator.post(page, data={"to": "proefperiode"})
    assert early.status_code == 409
    assert alert(early) == (
        "Dit steungezin is nog alleen voorgesteld, niet gekoppeld. Zet eerst de aanvraag op "
        "\u2018gekoppeld\u2019; daarna kan de kennismaking verder."
    )
    api = bg.refused(
        mp.post(f"/api/matches/{match['id']}/transitions", json={"to": "proefperiode"}), 409
    )
    assert "couple the families first" in api["detail"]

    moved = coordinator.post(
        f"/aanvragen/{rid}/status", data={"to": "gekoppeld"}, follow_redirects=False
    )
    assert moved.status_code in (302, 303), moved.text
    assert (
        coordinator.post(page, data={"to": "proefperiode"}, follow_redirects=False).status_code
        == 303
    )
    # afspraken needs the agreement as its reason; afgesloten one of the closing reasons.
    no_agreement = coordinator.post(page, data={"to": "afspraken"})
    assert no_agreement.status_code == 422
    assert alert(no_agreement) == (
        "Schrijf bij \u2018Reden\u2019 de afspraken op die de gezinnen hebben gemaakt."
    )
    bad_reason = coordinator.post(page, data={"to": "afgesloten", "reason": "zomaar"})
    assert bad_reason.status_code == 422
    assert alert(bad_reason).startswith(
        "Sluit een koppeling af met een van deze redenen: doel_bereikt, "
    )
    # Core's reason is free text: 'anders' takes its note after a colon, as it says.
    other = coordinator.post(page, data={"to": "afgesloten", "reason": "anders"})
    assert other.status_code == 422
    assert alert(other) == (
        "Licht de reden \u2018anders\u2019 toe, bijvoorbeeld \u2018anders: gezin wil eerst rust\u2019."
    )
    assert bg.ok(mp.get(f"/api/matches/{match['id']}"), 200)["status"] == "proefperiode"


def refusal_of(platform: Any, vraag: dict[str, Any], steun: dict[str, Any]) -> tuple[str, str]:
    """Couple through the service; the refusal's API detail and its Dutch message."""
    tenant = platform.tenants["meppel"]
    data = CouplingIn(
        vraaggezin_id=vraag["id"], steungezin_id=steun["id"], kennismaking_on=dutch_today()
    )
    with tenant_scope("meppel"), platform.sessions() as session:
        with pytest.raises(Conflict) as refused:
            services.create_coupling(session, tenant, data)
        session.rollback()
    gettext = translations_for(tenant.plugins, "nl").gettext
    [message] = refused.value.user_messages
    return refused.value.detail, translate(message, gettext)


def test_a_refused_coupling_says_in_dutch_what_is_missing(platform, mp, bg):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.new_steungezin(mp, 200, name="Gezin Bakker")
    detail, dutch = refusal_of(platform, vraag, steun)
    assert detail.startswith("Gezin Bakker has no VOG; a steungezin can only be coupled")
    assert dutch == (
        "Gezin Bakker heeft nog geen VOG. Een steungezin kan alleen gekoppeld worden met een "
        "geldige VOG: leg die eerst vast."
    )
    # With a VOG, the visits and the competence check are still missing: named in Dutch.
    bg.ok(mp.post(f"{bg.BASE}/families/{steun['id']}/vog", json={"issued_on": bg.days_ago(10)}))
    detail, dutch = refusal_of(platform, vraag, steun)
    assert detail == (
        "Gezin Bakker cannot be coupled yet: 2 more intake visit(s) (0 of 2 made); "
        "the competence check still missing"
    )
    assert dutch == (
        "Gezin Bakker kan nog niet gekoppeld worden. Nog nodig: nog 2 intakebezoek(en) "
        "(0 van de 2 gedaan), de competentiecheck."
    )


def test_a_full_steungezin_and_an_unfinished_intake_are_said_in_dutch(platform, mp, bg):
    steun = bg.ready_steungezin(mp, 200, name="Gezin Bakker")
    first = bg.ready_vraaggezin(mp, 100)
    bg.ok(bg.couple(mp, first["id"], steun["id"], ago=30))
    second = bg.ready_vraaggezin(mp, 90, name="Gezin Smit")
    _, dutch = refusal_of(platform, second, steun)
    assert dutch.startswith("Gezin Bakker kan er geen gezin meer bij hebben: het maximum")
    unfinished = bg.new_vraaggezin(mp, 30, name="Gezin Mulder")
    _, dutch = refusal_of(platform, unfinished, steun)
    assert dutch == (
        "Gezin Mulder kan nog niet gekoppeld worden: de intake is nog niet begonnen. Begin "
        "de intake met een eerste bezoek."
    )


def test_proposing_a_steungezin_that_is_not_ready_says_why_in_dutch(mp, bg, coordinator):
    """Core's proposal form on the request page names the plugin's filter in Dutch (its
    description, from the plugin's catalogue); nothing is stored."""
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.new_steungezin(mp, 200, name="Gezin Bakker")
    bg.ok(mp.post(f"{bg.BASE}/families/{steun['id']}/vog", json={"issued_on": bg.days_ago(10)}))
    rid = vraag["request_id"]
    page = coordinator.post(
        f"/aanvragen/{rid}/koppelingen", data={"helper_id": str(steun["helper_id"])}
    )
    assert page.status_code == 409
    lines = page.text.split('id="voorstel-fout" role="alert">')[1].split("</p>")[0]
    assert lines.split("<br>") == [
        "Gezin Bakker kan niet worden voorgesteld voor deze hulpvraag:",
        "Niet voldaan aan de voorwaarde: Buurtgezinnen: een steungezin van wie de "
        "intakebezoeken en de competentiecheck zijn vastgelegd.",
    ]
    assert bg.ok(mp.get("/api/matches", params={"request_id": rid}), 200)["items"] == []
    body = bg.refused(
        mp.post("/api/matches", json={"request_id": rid, "helper_id": steun["helper_id"]}), 409
    )
    assert body["failed_filters"] == ["buurtgezinnen_steungezin"]
