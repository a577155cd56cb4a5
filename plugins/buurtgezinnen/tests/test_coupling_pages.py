"""The coordinator's coupling pages: the list of running and ended couplings and one
coupling's page (history, reviews), over the plugin's services (real database, no mocks)."""

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
from noaber.testing import form_token
from noaber_buurtgezinnen.pages import BASE, COUPLINGS


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
    assert review < dutch_today()
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


# --- the coupling page's forms: a review, ending the coupling ------------------------------

SECTIONS = {"evaluaties": "evaluaties", "beeindigen": "stappen"}
"""The section of the coupling page each form returns to (the anchor of its action)."""


def send(client: Any, coupling_id: int, form: str, **fields: Any) -> Any:
    """Open the coupling page and send one of its forms with the page's token."""
    action = f"{COUPLINGS}/{coupling_id}/{form}"
    token = form_token(client.get(f"{COUPLINGS}/{coupling_id}"), f"{action}#{SECTIONS[form]}")
    return client.post(action, data={"form_token": token, **fields}, follow_redirects=False)


def stored(response: Any, coupling_id: int) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{COUPLINGS}/{coupling_id}"


def error_of(page: Any, field: str) -> str:
    message = page.text.split(f'id="{field}-fout">', 1)[1].split("</p>", 1)[0]
    field_tag = page.text.split(f'id="{field}" name="{field}"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in field_tag
    return html.unescape(message)


def refusal_of(page: Any, form: str) -> str:
    return text_of(page, f"{form}-geweigerd", "</div>").split(">", 1)[1]


def active_coupling(mp: Any, bg: Any, active_ago: int = 200) -> dict[str, Any]:
    vraag = bg.ready_vraaggezin(mp, active_ago + 200)
    steun = bg.ready_steungezin(mp, active_ago + 300)
    c = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=active_ago + 60))
    for to, days in (("proefperiode", active_ago + 50), ("afspraken", active_ago + 10)):
        extra = {"agreement": "Opvang op woensdag."} if to == "afspraken" else {}
        bg.ok(bg.step(mp, c["id"], to, days, **extra), 201)
    return bg.ok(bg.step(mp, c["id"], "actief", active_ago), 201)


def test_a_review_where_both_families_continue_plans_the_next_one(mp, bg, coordinator, platform):
    c = active_coupling(mp, bg)
    cid = c["id"]
    stored(
        send(
            coordinator,
            cid,
            "evaluaties",
            held_on=bg.days_ago(7),
            vraaggezin_continues="true",
            steungezin_continues="true",
            review_note="Het loopt goed; de kinderen gaan graag.",
        ),
        cid,
    )
    out = bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200)
    assert out["phase"] == "actief"
    assert [(r["held_on"], r["note"]) for r in out["reviews"]] == [
        (bg.days_ago(7), "Het loopt goed; de kinderen gaan graag.")
    ]
    assert out["reviews"][0]["vraaggezin_continues"] is True
    assert date.fromisoformat(out["next_review_on"]) > dutch_today()
    page = coordinator.get(f"{COUPLINGS}/{cid}")
    table = text_of(page, "evaluaties-tabel", "</table>")
    assert nl(ago(7)) in table
    assert "Het loopt goed; de kinderen gaan graag." in table
    assert nl(date.fromisoformat(out["next_review_on"])) in text_of(
        page, "volgende-evaluatie", "</dd>"
    )


def test_a_review_s_bad_input_is_refused_in_dutch_and_nothing_is_stored(mp, bg, coordinator):
    c = active_coupling(mp, bg)
    cid = c["id"]
    tomorrow = dutch_today() + timedelta(days=1)
    future = send(
        coordinator,
        cid,
        "evaluaties",
        held_on=tomorrow.isoformat(),
        vraaggezin_continues="true",
        steungezin_continues="true",
        review_note="Getypte notitie",
    )
    assert future.status_code == 422
    assert error_of(future, "held_on") == (
        f"{nl(tomorrow)} ligt in de toekomst. Vul de dag in waarop het gebeurde."
    )
    assert "Getypte notitie" in future.text  # what was typed is kept
    unanswered = send(coordinator, cid, "evaluaties", held_on=bg.days_ago(1))
    assert unanswered.status_code == 422
    assert error_of(unanswered, "vraaggezin_continues") == "Kies of het vraaggezin verder wil."
    before = send(
        coordinator,
        cid,
        "evaluaties",
        held_on=bg.days_ago(201),
        vraaggezin_continues="true",
        steungezin_continues="true",
    )
    assert before.status_code == 422
    assert error_of(before, "held_on") == (
        f"De evaluatie ({nl(ago(201))}) ligt vóór de dag waarop de koppeling actief werd "
        f"({nl(ago(200))})."
    )
    stopping = send(
        coordinator,
        cid,
        "evaluaties",
        held_on=bg.days_ago(1),
        vraaggezin_continues="true",
        steungezin_continues="false",
    )
    assert stopping.status_code == 422
    assert error_of(stopping, "end_reason") == (
        "Een van de gezinnen wil niet verder, dus de koppeling stopt: kies de reden."
    )
    unexplained = send(
        coordinator,
        cid,
        "evaluaties",
        held_on=bg.days_ago(1),
        vraaggezin_continues="false",
        steungezin_continues="true",
        end_reason="anders",
    )
    assert unexplained.status_code == 422
    assert error_of(unexplained, "review_note") == (
        "Beschrijf in de toelichting wat de andere reden is."
    )
    out = bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200)
    assert out["reviews"] == []
    assert out["phase"] == "actief"


def test_a_review_where_a_family_stops_ends_the_coupling(mp, bg, coordinator):
    c = active_coupling(mp, bg)
    cid = c["id"]
    stored(
        send(
            coordinator,
            cid,
            "evaluaties",
            held_on=bg.days_ago(2),
            vraaggezin_continues="true",
            steungezin_continues="false",
            end_reason="steungezin_stopt",
            review_note="Het steungezin verhuist naar het buitenland.",
            review_search_again="true",
        ),
        cid,
    )
    out = bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200)
    assert out["phase"] == "afgesloten"
    assert out["end_reason"] == "steungezin_stopt"
    assert out["ended_on"] == bg.days_ago(2)
    vraag = bg.ok(mp.get(f"{bg.BASE}/families/{c['vraaggezin_id']}"), 200)
    assert vraag["request_status"] == "zoeken"  # looking for a new steungezin
    page = coordinator.get(f"{COUPLINGS}/{cid}")
    assert "Het steungezin stopt" in text_of(page, "verloop", "</ol>")
    assert 'action="' + f"{COUPLINGS}/{cid}/evaluaties" not in page.text
    assert 'action="' + f"{COUPLINGS}/{cid}/beeindigen" not in page.text


def test_a_review_of_a_coupling_that_is_not_active_is_refused_with_409(mp, bg, coordinator):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    c = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    page = coordinator.get(f"{COUPLINGS}/{c['id']}")
    assert f"{COUPLINGS}/{c['id']}/evaluaties" not in page.text  # the page offers none
    assert "Evaluaties legt u vast zodra de koppeling actief is." in page.text
    refused = coordinator.post(
        f"{COUPLINGS}/{c['id']}/evaluaties",
        data={
            "form_token": "t" * 32,
            "held_on": bg.days_ago(1),
            "vraaggezin_continues": "true",
            "steungezin_continues": "true",
        },
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert refusal_of(refused, "review") == (
        '<p class="utrecht-paragraph">De koppeling staat op \u2018kennismaking\u2019; een '
        "evaluatie legt u vast zodra de koppeling actief is.</p>"
    )
    assert bg.ok(mp.get(f"{bg.BASE}/couplings/{c['id']}"), 200)["reviews"] == []


def test_a_coupling_ends_with_a_reason_in_its_trial_period(mp, bg, coordinator, platform):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    c = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=40))
    cid = c["id"]
    bg.ok(bg.step(mp, cid, "proefperiode", 30), 201)

    missing = send(coordinator, cid, "beeindigen", ended_on=bg.days_ago(3), end_note="Jammer")
    assert missing.status_code == 422
    assert error_of(missing, "reason") == "Kies waarom de koppeling stopt."
    assert "Jammer" in missing.text
    early = send(coordinator, cid, "beeindigen", ended_on=bg.days_ago(35), reason="geen_klik")
    assert early.status_code == 422
    assert error_of(early, "ended_on") == (
        f"De vorige stap is op {nl(ago(30))}; deze stap kan niet eerder beginnen."
    )
    other = send(coordinator, cid, "beeindigen", ended_on=bg.days_ago(3), reason="anders")
    assert other.status_code == 422
    # Said as the form asks it (not core's typed 'anders: …').
    assert error_of(other, "end_note") == "Beschrijf in de toelichting wat de andere reden is."
    assert 'value="anders" selected' in other.text
    assert bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200)["phase"] == "proefperiode"

    action = f"{COUPLINGS}/{cid}/beeindigen"
    token = form_token(coordinator.get(f"{COUPLINGS}/{cid}"), f"{action}#stappen")
    form = {
        "form_token": token,
        "ended_on": bg.days_ago(3),
        "reason": "geen_klik",
        "end_note": "De kinderen voelden zich er niet thuis.",
    }
    stored(coordinator.post(action, data=form, follow_redirects=False), cid)
    stored(coordinator.post(action, data=form, follow_redirects=False), cid)  # once
    out = bg.ok(mp.get(f"{bg.BASE}/couplings/{cid}"), 200)
    assert out["phase"] == "afgesloten"
    assert out["ended_on"] == bg.days_ago(3)
    assert out["end_note"] == "De kinderen voelden zich er niet thuis."
    # Without "looks for a new steungezin" the vraaggezin's request closes.
    assert bg.ok(mp.get(f"{bg.BASE}/families/{vraag['id']}"), 200)["request_status"] == (
        "afgesloten"
    )
    # The same form sent again from a page opened before: refused in Dutch.
    again = coordinator.post(action, data={**form, "form_token": "u" * 32}, follow_redirects=False)
    assert again.status_code == 409
    assert "De koppeling is afgesloten; er volgen geen stappen meer." in refusal_of(again, "end")


def test_other_programmes_cannot_send_the_coupling_forms(mp, bg, client_for):
    c = active_coupling(mp, bg)
    other = client_for("meppel", role="coordinator", programme="wijkbedrijf")
    for form in ("evaluaties", "beeindigen"):
        refused = other.post(
            f"{COUPLINGS}/{c['id']}/{form}",
            data={"form_token": "v" * 32, "held_on": bg.days_ago(1), "ended_on": bg.days_ago(1)},
            follow_redirects=False,
        )
        assert refused.status_code == 403
    assert bg.ok(mp.get(f"{bg.BASE}/couplings/{c['id']}"), 200)["phase"] == "actief"


def test_every_end_reason_has_a_dutch_label(platform):
    from noaber.ui.i18n import translations_for
    from noaber_buurtgezinnen.models import EndReason
    from noaber_buurtgezinnen.pages import END_REASONS

    gettext = translations_for(platform.tenants["meppel"].plugins, "nl").gettext
    assert set(END_REASONS) == set(EndReason)
    assert [label for label in END_REASONS.values() if gettext(label) == label] == []


# --- coupling a vraaggezin from its page ----------------------------------------------------


def send_couple(client: Any, family_id: int, **fields: Any) -> Any:
    action = f"{BASE}/{family_id}/koppelen"
    token = form_token(client.get(f"{BASE}/{family_id}"), f"{action}#koppelen")
    return client.post(action, data={"form_token": token, **fields}, follow_redirects=False)


def test_a_vraaggezin_is_coupled_with_a_suggested_steungezin_from_its_page(
    mp, bg, coordinator, platform
):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    page = coordinator.get(f"{BASE}/{vraag['id']}")
    suggestion = text_of(page, f"suggestie-{steun['id']}", "</details>")
    assert f'value="{steun["id"]}"' in suggestion
    assert "Gezin de Vries" in suggestion
    # The suggested steungezin's members are in the access log too.
    assert subjects(platform, page) >= members(platform, [steun["household_id"]])

    unchosen = send_couple(coordinator, vraag["id"], kennismaking_on=bg.days_ago(2))
    assert unchosen.status_code == 422
    assert html.unescape(
        unchosen.text.split('id="steungezin_id-fout">', 1)[1].split("</p>")[0]
    ) == ("Kies een steungezin.")
    assert bg.ok(mp.get(f"{bg.BASE}/couplings/"), 200)["items"] == []

    response = send_couple(
        coordinator, vraag["id"], steungezin_id=str(steun["id"]), kennismaking_on=bg.days_ago(2)
    )
    assert response.status_code == 303, response.text
    [coupling] = bg.ok(mp.get(f"{bg.BASE}/couplings/"), 200)["items"]
    # Its own fragment (the main content): not the form's #koppelen, which the browser
    # would keep on a redirect without one.
    assert response.headers["location"] == f"{COUPLINGS}/{coupling['id']}#inhoud"
    assert coupling["steungezin_id"] == steun["id"]
    assert coupling["phase"] == "kennismaking"
    assert coupling["kennismaking_on"] == bg.days_ago(2)
    assert bg.ok(mp.get(f"{bg.BASE}/families/{vraag['id']}"), 200)["request_status"] == (
        "gekoppeld"
    )
    page = coordinator.get(f"{BASE}/{vraag['id']}")
    assert 'id="koppelen"' not in page.text  # coupled: no suggestions any more


def test_coupling_refusals_are_shown_in_dutch_and_store_nothing(mp, bg, coordinator):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    other = bg.ready_steungezin(mp, 200, name="Gezin Visser")
    no_vog = bg.new_steungezin(mp, 200, name="Gezin Bos")
    action = f"{BASE}/{vraag['id']}/koppelen"
    stale = form_token(coordinator.get(f"{BASE}/{vraag['id']}"), f"{action}#koppelen")

    # A steungezin without a VOG (not suggested; the form was altered): 409 in Dutch.
    refused = send_couple(
        coordinator, vraag["id"], steungezin_id=str(no_vog["id"]), kennismaking_on=bg.days_ago(1)
    )
    assert refused.status_code == 409
    assert text_of(refused, "couple-geweigerd", "</div>").split(">", 1)[1] == (
        '<p class="utrecht-paragraph">Gezin Bos heeft nog geen VOG. Een steungezin kan alleen '
        "gekoppeld worden met een geldige VOG: leg die eerst vast.</p>"
    )
    assert bg.ok(mp.get(f"{bg.BASE}/couplings/"), 200)["items"] == []
    # A kennismaking before the family signed up: 422 next to the date.
    early = send_couple(
        coordinator, vraag["id"], steungezin_id=str(steun["id"]), kennismaking_on=bg.days_ago(150)
    )
    assert early.status_code == 422
    assert html.unescape(early.text.split('id="kennismaking_on-fout">', 1)[1].split("</p>")[0]) == (
        f"De kennismaking ({nl(ago(150))}) ligt vóór de aanmelding van Gezin Jansen "
        f"({nl(ago(100))})."
    )
    assert bg.ok(mp.get(f"{bg.BASE}/couplings/"), 200)["items"] == []

    stored_once = send_couple(
        coordinator, vraag["id"], steungezin_id=str(steun["id"]), kennismaking_on=bg.days_ago(1)
    )
    assert stored_once.status_code == 303
    # A page opened before the family was coupled: the family is no longer open.
    again = coordinator.post(
        action,
        data={
            "form_token": stale,
            "steungezin_id": str(other["id"]),
            "kennismaking_on": bg.days_ago(1),
        },
        follow_redirects=False,
    )
    assert again.status_code == 409
    assert "Gezin Jansen is al gekoppeld aan een steungezin." in html.unescape(again.text)
    assert len(bg.ok(mp.get(f"{bg.BASE}/couplings/"), 200)["items"]) == 1


def test_a_steungezin_s_page_offers_no_coupling_form(mp, bg, coordinator):
    steun = bg.ready_steungezin(mp, 200)
    page = coordinator.get(f"{BASE}/{steun['id']}")
    assert 'id="koppelen"' not in page.text
    refused = coordinator.post(
        f"{BASE}/{steun['id']}/koppelen",
        data={
            "form_token": "w" * 32,
            "steungezin_id": str(steun["id"]),
            "kennismaking_on": "2024-01-01",
        },
        follow_redirects=False,
    )
    assert refused.status_code == 404


def test_the_ended_couplings_are_listed_in_pages_the_running_ones_all(
    mp, bg, coordinator, platform, monkeypatch
):
    from noaber_buurtgezinnen.pages import couplings as couplings_pages

    monkeypatch.setattr(couplings_pages, "ENDED_PAGE_SIZE", 1)
    running, ended, _families = two_couplings(mp, bg)
    vraag = bg.ready_vraaggezin(mp, 300, name="Gezin Kok")
    steun = bg.ready_steungezin(mp, 400, name="Gezin Bos")
    later = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=40))
    bg.ok(bg.step(mp, later["id"], "afgesloten", 5, reason="geen_klik"), 201)

    first = coordinator.get(COUPLINGS)
    assert first.status_code == 200
    assert f"koppeling-{running['id']}" in first.text  # every running coupling
    assert f"koppeling-{later['id']}" in first.text  # the last ended first
    assert f"koppeling-{ended['id']}" not in first.text
    assert "Beëindigde koppelingen (2)" in first.text
    nav = first.text.split('id="paginas"', 1)[1].split("</nav>", 1)[0]
    assert "Pagina 1 van 2" in nav
    assert f'href="{COUPLINGS}?pagina=2#kop-beeindigd"' in nav
    second = coordinator.get(COUPLINGS, params={"pagina": "2"})
    assert f"koppeling-{ended['id']}" in second.text
    assert f"koppeling-{running['id']}" in second.text
    beyond = coordinator.get(COUPLINGS, params={"pagina": "7"})
    assert "Op deze pagina staan geen beëindigde koppelingen." in beyond.text
