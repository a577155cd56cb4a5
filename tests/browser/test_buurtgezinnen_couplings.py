"""Buurtgezinnen's coupling pages in a real browser, by keyboard only, with axe-core on
every page: a coordinator couples a vraaggezin with the suggested steungezin from the
family's page (first with a kennismaking before its sign-up, refused in Dutch next to the
date), opens the couplings list, opens an actief coupling and records a review
(first with a date in the future, refused in Dutch next to the field), then opens the
waiting list from the plugin's menu and a waiting family's page from there, and goes
back to the families list and on to its second page (four families a page here).

``test_buurtgezinnen_pages.py`` covers the families and the intake. Run with
``CI=true`` to fail instead of skip without Chromium.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from noaber.clock import dutch_today
from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import SLUG, press_enter_on, tab_to, type_into
from .test_buurtgezinnen_pages import date_keys, type_date

pytestmark = pytest.mark.slow

FAMILIES = "/buurtgezinnen/gezinnen"
COUPLINGS = "/buurtgezinnen/koppelingen"
WAITING = "/buurtgezinnen/wachtlijst"


def seed(platform: Any) -> dict[str, int]:
    """Two vraaggezinnen and two steungezinnen, intake done; the second pair coupled and
    actief since 100 days. On the waiting list besides: a vraaggezin signed up 60 days ago
    and a steungezin signed up 30 days ago, both without intake."""
    from noaber.people.schemas import PersonIn
    from noaber_buurtgezinnen import services
    from noaber_buurtgezinnen.models import SignUpVia
    from noaber_buurtgezinnen.schemas import (
        ChildIn,
        CompetenceIn,
        CouplingIn,
        CouplingStepIn,
        IntakeDoneIn,
        IntakeIn,
        SteungezinEntry,
        VisitIn,
        VogIn,
        VraaggezinEntry,
    )

    tenant = platform.tenants[SLUG]
    postcode = tenant.municipality.config.neighbourhoods[0].postcodes[0]
    today = dutch_today()

    def ago(n: int) -> date:
        return today - timedelta(days=n)

    ids: dict[str, int] = {}
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        for name in ("Mulder", "Kok"):
            family = services.sign_up_vraaggezin(
                session,
                tenant,
                VraaggezinEntry(
                    name=f"Gezin {name}",
                    parents=[
                        PersonIn(given_name="Sanne", family_name=name, postcode=postcode + " AB")
                    ],
                    children=[ChildIn(given_name="Noor", birth_year=today.year - 6)],
                    question="Af en toe opvang na school.",
                    expected_support=["opvang"],
                    signed_up_on=ago(400),
                ),
                SignUpVia.coordinator,
            )
            fid = family.id or 0
            for n in (390, 380):
                services.add_visit(session, tenant, fid, VisitIn(visited_on=ago(n)))
            services.record_intake(
                session,
                fid,
                IntakeIn(
                    support_needed="Opvang.",
                    upbringing_important="Rust.",
                    expectations="Een gezin in de buurt.",
                    gives_back="Koken.",
                ),
            )
            services.complete_intake(session, tenant, fid, IntakeDoneIn(completed_on=ago(370)))
            ids[name] = fid
        for name in ("Brouwer", "Dekker"):
            family = services.sign_up_steungezin(
                session,
                tenant,
                SteungezinEntry(
                    name=f"Gezin {name}",
                    adults=[
                        PersonIn(given_name="Pieter", family_name=name, postcode=postcode + " CD")
                    ],
                    offered_support=["opvang"],
                    signed_up_on=ago(400),
                ),
                SignUpVia.coordinator,
            )
            fid = family.id or 0
            for n in (390, 380):
                services.add_visit(session, tenant, fid, VisitIn(visited_on=ago(n)))
            services.record_vog(session, tenant, fid, VogIn(issued_on=ago(300)))
            services.record_competence(session, fid, CompetenceIn(checked_on=ago(370)))
            ids[name] = fid
        coupling = services.create_coupling(
            session,
            tenant,
            CouplingIn(
                vraaggezin_id=ids["Kok"], steungezin_id=ids["Dekker"], kennismaking_on=ago(200)
            ),
        )
        cid = coupling.id or 0
        services.step(session, tenant, cid, CouplingStepIn(to="proefperiode", on=ago(190)))
        services.step(
            session, tenant, cid, CouplingStepIn(to="afspraken", on=ago(120), agreement="Woensdag.")
        )
        services.step(session, tenant, cid, CouplingStepIn(to="actief", on=ago(100)))
        ids["actief"] = cid
        waiting = services.sign_up_vraaggezin(
            session,
            tenant,
            VraaggezinEntry(
                name="Gezin Visser",
                parents=[PersonIn(given_name="Eva", family_name="Visser", postcode=postcode)],
                children=[ChildIn(given_name="Tim", birth_year=today.year - 3)],
                question="Iemand om mee te praten.",
                signed_up_on=ago(60),
            ),
            SignUpVia.coordinator,
        )
        ids["Visser"] = waiting.id or 0
        free = services.sign_up_steungezin(
            session,
            tenant,
            SteungezinEntry(
                name="Gezin Hendriks",
                adults=[PersonIn(given_name="Joost", family_name="Hendriks", postcode=postcode)],
                offered_support=["uitjes"],
                signed_up_on=ago(30),
            ),
            SignUpVia.coordinator,
        )
        ids["Hendriks"] = free.id or 0
    return ids


def reviews_of(platform: Any, coupling_id: int) -> list[date]:
    from noaber_buurtgezinnen import services

    with tenant_scope(SLUG), platform.sessions() as session:
        out = services.coupling_out(session, services.get_coupling(session, coupling_id))
        return [r.held_on for r in out.reviews]


def test_a_coordinator_couples_and_records_a_review_by_keyboard(
    live_server,
    browser_page,
    axe,
    capsys,
    monkeypatch,
):
    if not accounts_available():
        pytest.skip("the accounts layer is not installed")
    import pyotp

    from noaber.testing import create_test_account

    page = browser_page
    platform = live_server.platform
    url = lambda path: live_server.url(SLUG, path)  # noqa: E731
    ids = seed(platform)
    from noaber_buurtgezinnen.pages import families

    monkeypatch.setattr(families, "PAGE_SIZE", 4)  # six families: two pages (server in-process)
    coordinator = create_test_account(
        platform, SLUG, role="coordinator", programmes=["buurtgezinnen"]
    )
    page.goto(url(FAMILIES))
    type_into(page, "#email", coordinator.email)
    type_into(page, "#password", coordinator.password)
    assert coordinator.totp_secret
    type_into(page, "#code", pyotp.TOTP(coordinator.totp_secret).now())
    press_enter_on(page, "form[action^='/inloggen'] button[type=submit]")
    page.wait_for_load_state()

    # From the families list to Gezin Mulder's page, and couple it with the suggestion.
    page.goto(url(FAMILIES))
    family_path = f"{FAMILIES}/{ids['Mulder']}"
    press_enter_on(page, f"a[href='{family_path}']")
    page.wait_for_url(f"**{family_path}")
    assert "Gezin Brouwer" in page.locator(f"#suggestie-{ids['Brouwer']}").inner_text()
    axe.check(page, "bgk-01-vraaggezin-koppelen")
    tab_to(page, "input[name=steungezin_id]")
    page.keyboard.press("Space")
    assert page.locator(f"input[name=steungezin_id][value='{ids['Brouwer']}']").is_checked()
    # A kennismaking before the family signed up (400 days ago) is refused next to the date.
    early = dutch_today() - timedelta(days=401)
    family_keys = date_keys(page, "#visited_on")  # the visit form is not sent
    type_date(page, "#kennismaking_on", early, family_keys)
    press_enter_on(page, "form[action*='/koppelen'] button[type=submit]")
    page.wait_for_load_state()
    signed_up = dutch_today() - timedelta(days=400)
    assert page.locator("#kennismaking_on-fout").inner_text() == (
        f"De kennismaking ({early.strftime('%d-%m-%Y')}) ligt vóór de aanmelding van "
        f"Gezin Mulder ({signed_up.strftime('%d-%m-%Y')})."
    )
    assert page.locator(f"input[name=steungezin_id][value='{ids['Brouwer']}']").is_checked()
    axe.check(page, "bgk-01b-kennismaking-fout")
    type_date(page, "#kennismaking_on", dutch_today(), family_keys)
    press_enter_on(page, "form[action*='/koppelen'] button[type=submit]")
    page.wait_for_url(f"**{COUPLINGS}/*")
    assert page.url.endswith("#inhoud"), page.url  # not the form's #koppelen
    assert "Gezin Mulder en Gezin Brouwer" in page.locator("h1").inner_text()
    assert page.locator("#fase").inner_text() == "kennismaking"
    axe.check(page, "bgk-02-koppeling-kennismaking")

    # The couplings list, reached from the coupling page.
    press_enter_on(page, f"a[href='{COUPLINGS}']")
    page.wait_for_url(f"**{COUPLINGS}")
    assert page.locator("h1").inner_text() == "Buurtgezinnen: koppelingen"
    assert "Gezin Kok" in page.locator(f"#koppeling-{ids['actief']}").inner_text()
    axe.check(page, "bgk-03-koppelingen")

    # The actief coupling: a review dated tomorrow is refused next to the field.
    coupling_path = f"{COUPLINGS}/{ids['actief']}"
    press_enter_on(page, f"a[href='{coupling_path}']")
    page.wait_for_url(f"**{coupling_path}")
    axe.check(page, "bgk-04-koppeling-actief")
    keys = date_keys(page, "#ended_on")  # the end form is not sent
    tomorrow = dutch_today() + timedelta(days=1)
    type_date(page, "#held_on", tomorrow, keys)
    for field in ("#vraaggezin_continues", "#steungezin_continues"):
        tab_to(page, field)
        page.keyboard.type("Ja")
        assert page.locator(field).input_value() == "true"
    press_enter_on(page, "form[action*='/evaluaties'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#held_on-fout").inner_text() == (
        f"{tomorrow.strftime('%d-%m-%Y')} ligt in de toekomst. Vul de dag in waarop het gebeurde."
    )
    assert page.locator("#held_on").get_attribute("aria-invalid") == "true"
    assert page.locator("#vraaggezin_continues").input_value() == "true"  # kept
    assert reviews_of(platform, ids["actief"]) == []
    axe.check(page, "bgk-05-evaluatie-fout")

    held = dutch_today() - timedelta(days=3)
    type_date(page, "#held_on", held, keys)
    press_enter_on(page, "form[action*='/evaluaties'] button[type=submit]")
    page.wait_for_url(f"**{coupling_path}#evaluaties")
    assert reviews_of(platform, ids["actief"]) == [held]
    assert held.strftime("%d-%m-%Y") in page.locator("#evaluaties-tabel").inner_text()
    axe.check(page, "bgk-06-evaluatie-vastgelegd")

    # The waiting list, from the plugin's menu on the couplings list: Gezin Mulder is
    # coupled now; Gezin Visser waits, and so does Gezin Hendriks for a family.
    press_enter_on(page, f"a[href='{COUPLINGS}']")
    page.wait_for_url(f"**{COUPLINGS}")
    press_enter_on(page, f"a[href='{WAITING}']")
    page.wait_for_url(f"**{WAITING}")
    assert page.locator("h1").inner_text() == "Buurtgezinnen: wachtlijst"
    waiting = page.locator("#wachtende-vraaggezinnen").inner_text()
    assert "Gezin Mulder" not in waiting
    visser = page.locator(f"#wacht-{ids['Visser']}").inner_text()
    assert "aangemeld" in visser
    assert "60" in visser
    assert "Gezin Hendriks" in page.locator("#wachtende-steungezinnen").inner_text()
    axe.check(page, "bgk-07-wachtlijst")
    visser_path = f"{FAMILIES}/{ids['Visser']}"
    press_enter_on(page, f"a[href='{visser_path}']")
    page.wait_for_url(f"**{visser_path}")
    assert "Gezin Visser" in page.locator("h1").inner_text()

    # Back to the families list, and on to its second page, where Gezin Visser is.
    press_enter_on(page, f"a[href='{FAMILIES}']")
    page.wait_for_url(f"**{FAMILIES}")
    assert page.locator(f"#gezin-{ids['Visser']}").count() == 0
    press_enter_on(page, "#paginas a")
    page.wait_for_url(f"**{FAMILIES}?soort=&pagina=2")
    assert "Pagina 2 van 2" in page.locator("#paginas").inner_text()
    assert "Gezin Visser" in page.locator(f"#gezin-{ids['Visser']}").inner_text()
    axe.check(page, "bgk-08-gezinnen-pagina-2")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
