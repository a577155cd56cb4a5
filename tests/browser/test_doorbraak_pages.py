"""The doorbraakaanpak's pages in a real browser, by keyboard, with axe-core on every page:
a doorbraak coordinator in Leeuwarden logs in, opens the cases from the main navigation,
opens a family's case (its map, a blockage escalated to the teamleider and awaiting the
decision) and adds an action to the plan (first without saying what is done, refused in
Dutch next to the field)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from noaber.clock import dutch_today
from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import press_enter_on, tab_to, type_into

pytestmark = pytest.mark.slow

SLUG = "leeuwarden"  # runs the doorbraakaanpak city-wide
CASES = "/doorbraak/casussen"


def seed(platform: Any) -> dict[str, int]:
    """Gezin Yilmaz's case as a specialist enters it through the API: opened a month ago,
    one agency on the map, and a blockage escalated to the teamleider."""
    from noaber.accounts.access import acting_as
    from noaber.accounts.roles import system_principal
    from noaber.people.schemas import HouseholdIn, MemberIn, PersonIn
    from noaber.people.services import create_household
    from noaber_doorbraak import services
    from noaber_doorbraak.controllers import settings_of
    from noaber_doorbraak.schemas import AgencyIn, BlockageIn, CaseIn, EscalationIn

    tenant = platform.tenants[SLUG]
    today = dutch_today()
    with (
        tenant_scope(SLUG),
        acting_as(system_principal(SLUG, "browser test")),
        platform.sessions.begin() as session,
    ):
        household = create_household(
            session,
            tenant.plugins,
            HouseholdIn(
                name="Gezin Yilmaz",
                members=[
                    MemberIn(
                        role="parent",
                        person=PersonIn(given_name="Ayse", family_name="Yilmaz", postcode="8926AB"),
                    ),
                    MemberIn(role="child", person=PersonIn(given_name="Emre", birth_year=2014)),
                ],
            ),
        )
        case = services.create_case(
            session,
            tenant.plugins,
            CaseIn(
                household_id=household.id or 0,
                specialist="Sanne de Vries",
                description="Schulden, geen vaste woning, drie hulpverleners.",
                opened_on=today - timedelta(days=30),
                goal="Over een jaar wonen we in een eigen huis.",
            ),
        )
        case_id = case.id or 0
        services.add_agency(
            session,
            case_id,
            AgencyIn(
                name="Schuldhulpverlening", involvement="Budgetbeheer", yearly_cost=Decimal(4200)
            ),
        )
        blockage = services.add_blockage(
            session,
            case_id,
            BlockageIn(
                rule="Kostendelersnorm",
                owner_organisation="Gemeente Leeuwarden",
                description="De bijstand wordt gekort omdat de oudste zoon inwoont.",
                noticed_on=today - timedelta(days=20),
            ),
        )
        services.escalate(
            session,
            settings_of(tenant),
            blockage.id or 0,
            EscalationIn(
                level="teamleider",
                question="Mag de norm een jaar buiten toepassing blijven?",
                escalated_on=today - timedelta(days=10),
            ),
        )
        return {"case": case_id, "blockage": blockage.id or 0}


def actions_of(platform: Any, case_id: int) -> list[tuple[str, str, date]]:
    from sqlmodel import select

    from noaber_doorbraak.models import PlanAction

    with tenant_scope(SLUG), platform.sessions() as session:
        rows = session.exec(select(PlanAction).where(PlanAction.case_id == case_id)).all()
        return [(a.party.value, a.owner, a.due_on) for a in rows]


def date_keys(page: Any, probe: str) -> str:
    """The order in which this browser's date fields take a typed date (it follows the
    browser's own language, not the page's), typed into the ``probe`` field."""
    tab_to(page, probe)
    page.keyboard.type("01022003")
    orders = {"2003-02-01": "%d%m%Y", "2003-01-02": "%m%d%Y"}
    value = page.locator(probe).input_value()
    assert value in orders, f"unexpected date field order: {value}"
    return orders[value]


def test_a_coordinator_adds_an_action_to_a_case_by_keyboard(live_server, browser_page, axe, capsys):
    if not accounts_available():
        pytest.skip("the accounts layer is not installed")
    from noaber.testing import create_test_account

    page = browser_page
    platform = live_server.platform
    url = lambda path: live_server.url(SLUG, path)  # noqa: E731
    ids = seed(platform)
    case_path = f"{CASES}/{ids['case']}"
    coordinator = create_test_account(platform, SLUG, role="coordinator", programmes=["doorbraak"])

    page.goto(url(CASES))
    assert "/inloggen" in page.url  # not logged in: the login page, not the cases
    axe.check(page, "db-00-inloggen")
    import pyotp

    type_into(page, "#email", coordinator.email)
    type_into(page, "#password", coordinator.password)
    assert coordinator.totp_secret
    type_into(page, "#code", pyotp.TOTP(coordinator.totp_secret).now())
    press_enter_on(page, "form[action^='/inloggen'] button[type=submit]")
    page.wait_for_load_state()

    # The main navigation leads to the cases.
    page.goto(url("/werk"))
    press_enter_on(page, f"nav a[href='{CASES}']")
    page.wait_for_url(f"**{CASES}")
    assert page.locator("h1").inner_text() == "Doorbraak: casussen"
    row = page.locator(f"#casus-{ids['case']}").inner_text()
    assert "Gezin Yilmaz" in row
    assert "Sanne de Vries" in row
    axe.check(page, "db-01-casussen")

    press_enter_on(page, f"a[href='{case_path}']")
    page.wait_for_url(f"**{case_path}")
    assert page.locator("h1").inner_text() == "Doorbraak: Gezin Yilmaz"
    assert page.locator("#doel-tekst").inner_text() == "Over een jaar wonen we in een eigen huis."
    blockage = page.locator(f"#knelpunt-{ids['blockage']}").inner_text()
    assert "Kostendelersnorm" in blockage
    assert "teamleider" in blockage
    assert "Wacht op het besluit" in blockage
    tab_to(page, "a[href^='/aanvragen/']")  # the request page is reachable
    axe.check(page, "db-02-casus")

    # The action without saying what is done: refused in Dutch, what was typed is kept.
    keys = date_keys(page, "#noticed_on")  # the blockage form is not sent
    due = dutch_today() + timedelta(days=14)
    tab_to(page, "#party")
    page.keyboard.press("ArrowDown")  # from "Het gezin" to "Het netwerk"
    assert page.locator("#party").input_value() == "netwerk"
    type_into(page, "#owner", "Oom Hasan")
    tab_to(page, "#due_on")
    page.keyboard.type(due.strftime(keys))
    assert page.locator("#due_on").input_value() == due.isoformat()
    press_enter_on(page, "form[action*='/acties#plan'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#action_description-fout").inner_text() == "Vul dit veld in."
    assert page.locator("#action_description").get_attribute("aria-invalid") == "true"
    assert page.locator("#owner").input_value() == "Oom Hasan"
    assert page.locator("#due_on").input_value() == due.isoformat()
    assert actions_of(platform, ids["case"]) == []
    axe.check(page, "db-03-actie-fout")

    type_into(page, "#action_description", "Hasan helpt met de brief aan de woningcorporatie.")
    press_enter_on(page, "form[action*='/acties#plan'] button[type=submit]")
    # Redirected (303) to the case page, at its plan (the form's fragment).
    page.wait_for_url(f"**{case_path}#plan")
    assert actions_of(platform, ids["case"]) == [("netwerk", "Oom Hasan", due)]
    plan = page.locator("#plan").inner_text()
    assert "Hasan helpt met de brief aan de woningcorporatie." in plan
    assert "Het netwerk" in plan
    assert due.strftime("%d-%m-%Y") in plan
    axe.check(page, "db-04-actie-toegevoegd")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
