"""The case page's newer forms in a real browser, by keyboard, with axe-core on every page:
a doorbraak coordinator in Leeuwarden adds an agency to the map, asks for maatwerk (first
more than the year's budget, refused in Dutch next to the amount), grants it, and closes
the case with its outcome, after which the page shows no forms.

``test_doorbraak_pages.py`` covers the cases list, the navigation and the plan. With
``CI=true`` a missing Chromium fails instead of skipping.
"""

from __future__ import annotations

from typing import Any

import pytest

from noaber.clock import dutch_today
from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import press_enter_on, tab_to, type_into
from .test_doorbraak_pages import CASES, SLUG, seed

pytestmark = pytest.mark.slow

FAR = 250
"""Tabs allowed to reach a field further down the long case page."""


def to_uitvoering(platform: Any, case_id: int) -> None:
    """The request moves on as far as the plan being carried out (core's workflow)."""
    from noaber.accounts.access import acting_as
    from noaber.accounts.roles import system_principal
    from noaber.requests import services as requests
    from noaber.requests.schemas import TransitionIn
    from noaber_doorbraak import services

    tenant = platform.tenants[SLUG]
    with (
        tenant_scope(SLUG),
        acting_as(system_principal(SLUG, "browser test")),
        platform.sessions.begin() as session,
    ):
        request_id = services.get_case(session, case_id).request_id
        for status in ("kennismaking", "plan", "uitvoering"):
            requests.transition_request(
                session, tenant.plugins, request_id, TransitionIn(to=status)
            )


def case_of(platform: Any, case_id: int) -> Any:
    from noaber_doorbraak import services

    with tenant_scope(SLUG), platform.sessions() as session:
        return services.case_out(
            session,
            platform.tenants[SLUG].plugins,
            platform.tenants[SLUG].municipality.plugin_settings["doorbraak"],
            services.get_case(session, case_id),
        )


def test_a_coordinator_maps_an_agency_grants_maatwerk_and_closes_the_case_by_keyboard(
    live_server,
    browser_page,
    axe,
    capsys,
):
    if not accounts_available():
        pytest.skip("the accounts layer is not installed")
    import pyotp

    from noaber.testing import create_test_account

    page = browser_page
    platform = live_server.platform
    ids = seed(platform)
    to_uitvoering(platform, ids["case"])
    case_path = f"{CASES}/{ids['case']}"
    coordinator = create_test_account(platform, SLUG, role="coordinator", programmes=["doorbraak"])

    page.goto(live_server.url(SLUG, case_path))
    type_into(page, "#email", coordinator.email)
    type_into(page, "#password", coordinator.password)
    assert coordinator.totp_secret
    type_into(page, "#code", pyotp.TOTP(coordinator.totp_secret).now())
    press_enter_on(page, "form[action^='/inloggen'] button[type=submit]")
    page.wait_for_load_state()
    if not page.url.endswith(case_path):
        page.goto(live_server.url(SLUG, case_path))
    assert page.locator("h1").inner_text() == "Doorbraak: Gezin Yilmaz"

    # An agency on the map, its cost typed the Dutch way.
    tab_to(page, "#agency_name", limit=FAR)
    page.keyboard.type("Wijkteam")
    type_into(page, "#involvement", "Gesprekken met het gezin")
    type_into(page, "#yearly_cost", "2.500")
    type_into(page, "#yearly_cost_after", "500,50")
    press_enter_on(page, "form[action*='/instanties#kaart'] button[type=submit]")
    page.wait_for_url(f"**{case_path}#kaart")
    agencies = case_of(platform, ids["case"]).agencies
    assert [(a.name, str(a.yearly_cost), str(a.yearly_cost_after)) for a in agencies][-1] == (
        "Wijkteam",
        "2500.00",
        "500.50",
    )
    row = page.locator(f"#instantie-{agencies[-1].id}").inner_text()
    assert "€\xa02.500,00" in row
    assert "€\xa0500,50" in row
    axe.check(page, "db-10-instantie-toegevoegd")

    # Maatwerk above Leeuwarden's €50,000: refused next to the amount, typed text kept.
    tab_to(page, "#amount", limit=FAR)
    page.keyboard.type("60.000")
    type_into(page, "#purpose", "Borg en inrichting van de woning")
    press_enter_on(page, "form[action*='/maatwerk#maatwerk'] button[type=submit]")
    page.wait_for_load_state()
    year = dutch_today().year
    assert page.locator("#amount-fout").inner_text() == (
        f"Het bedrag (€\xa060.000,00) is meer dan er over is van het maatwerkbudget van {year} "
        "(€\xa050.000,00)."
    )
    assert page.locator("#amount").get_attribute("aria-invalid") == "true"
    assert page.locator("#purpose").input_value() == "Borg en inrichting van de woning"
    assert case_of(platform, ids["case"]).spending == []
    axe.check(page, "db-11-maatwerk-te-veel")

    tab_to(page, "#amount", limit=FAR)
    page.keyboard.press("Control+a")
    page.keyboard.type("750")
    press_enter_on(page, "form[action*='/maatwerk#maatwerk'] button[type=submit]")
    page.wait_for_url(f"**{case_path}#maatwerk")
    (spending,) = case_of(platform, ids["case"]).spending
    assert (str(spending.amount), spending.status.value) == ("750.00", "aangevraagd")
    axe.check(page, "db-12-maatwerk-aangevraagd")

    # Granted: booked against the budget.
    tab_to(page, f"#approve-{spending.id}", limit=FAR)
    page.keyboard.press("ArrowDown")  # from "Kies" to "Toekennen"
    assert page.locator(f"#approve-{spending.id}").input_value() == "true"
    type_into(page, f"#decision_note-{spending.id}", "Past binnen het plan.")
    press_enter_on(page, f"form[action*='/maatwerk/{spending.id}/besluit'] button[type=submit]")
    page.wait_for_url(f"**{case_path}#maatwerk")
    (spending,) = case_of(platform, ids["case"]).spending
    assert spending.status.value == "toegekend"
    assert "toegekend" in page.locator(f"#besteding-{spending.id}").inner_text()
    assert "nog €\xa049.250,00 van €\xa050.000,00 over" in page.locator("#budget").inner_text()
    axe.check(page, "db-13-maatwerk-toegekend")

    # Closed with its outcome: the page shows it and no more forms.
    tab_to(page, "#outcome", limit=FAR)
    page.keyboard.press("ArrowDown")  # from "Kies" to "Doel behaald"
    assert page.locator("#outcome").input_value() == "behaald"
    type_into(page, "#outcome_note", "Eigen huis, schulden geregeld.")
    press_enter_on(page, "form[action$='/afsluiten'] button[type=submit]")
    page.wait_for_url(f"**{case_path}")  # the top of the page, where it says it is closed
    closed = case_of(platform, ids["case"])
    assert (closed.status, closed.outcome) == ("afgesloten", "behaald")
    assert closed.closed_on == dutch_today()
    assert page.locator("#uitkomst").inner_text() == "Doel behaald"
    assert page.locator("#afgesloten").is_visible()
    assert page.locator(f"form[action^='{case_path}/']").count() == 0
    axe.check(page, "db-14-casus-afgesloten")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
