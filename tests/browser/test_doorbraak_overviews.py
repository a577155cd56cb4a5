"""The doorbraakaanpak's overviews in a real browser, by keyboard, with axe-core on every
page: the municipality's manager in Leeuwarden opens the blockages from the main
navigation (the overdue decision flagged and first), shows only the overdue ones, asks for
the rules over a period that ends before it starts (refused in Dutch next to the field),
follows a blockage to its case; opens the maatwerk budget (the request awaiting a
decision linked to its case), chooses last year, goes on to the costs per case; and on a
case's page adds an agency with one of the municipality's organisations.

``test_doorbraak_pages.py`` covers the cases list and the plan, ``test_doorbraak_case_forms.py``
the case page's other forms. With ``CI=true`` a missing Chromium fails instead of skipping.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from noaber.clock import dutch_today
from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import press_enter_on, tab_to, type_into
from .test_doorbraak_pages import CASES, SLUG, date_keys, seed

pytestmark = pytest.mark.slow

BLOCKAGES = "/doorbraak/knelpunten"
BUDGET = "/doorbraak/budget"
COSTS = "/doorbraak/kosten"
FAR = 250
"""Tabs allowed to reach a field further down the long case page."""


def seed_more(platform: Any) -> dict[str, int]:
    """Beside ``seed``'s Gezin Yilmaz (a blockage escalated, its decision due in four
    days): Gezin Bakker's case, whose escalation's decision was due yesterday, with a
    maatwerk request of last year still undecided; a request of this year for Gezin
    Yilmaz; and one of Leeuwarden's organisations."""
    from noaber.accounts.access import acting_as
    from noaber.accounts.roles import system_principal
    from noaber.people.schemas import HouseholdIn, MemberIn, OrganisationIn, PersonIn
    from noaber.people.services import create_household, create_organisation
    from noaber_doorbraak import budget, services
    from noaber_doorbraak.controllers import settings_of
    from noaber_doorbraak.schemas import AgencyIn, BlockageIn, CaseIn, EscalationIn, SpendingIn

    ids = seed(platform)
    tenant = platform.tenants[SLUG]
    settings = settings_of(tenant)
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
                name="Gezin Bakker",
                members=[
                    MemberIn(
                        role="parent",
                        person=PersonIn(given_name="Kees", family_name="Bakker", postcode="8926AB"),
                    )
                ],
            ),
        )
        case = services.create_case(
            session,
            tenant.plugins,
            CaseIn(
                household_id=household.id or 0,
                specialist="Sanne de Vries",
                description="Een terugvordering van de huurtoeslag.",
                opened_on=today - timedelta(days=400),
            ),
        )
        bakker = case.id or 0
        services.add_agency(
            session,
            bakker,
            AgencyIn(
                name="Belastingdienst",
                involvement="Terugvordering",
                yearly_cost=Decimal(3000),
                yearly_cost_after=Decimal(500),
            ),
        )
        blockage = services.add_blockage(
            session,
            bakker,
            BlockageIn(
                rule="Terugvordering huurtoeslag",
                owner_organisation="Belastingdienst",
                description="De toeslag wordt in één keer teruggevorderd.",
                noticed_on=today - timedelta(days=30),
            ),
        )
        services.escalate(
            session,
            settings,
            blockage.id or 0,
            EscalationIn(
                level="teamleider",
                question="Mag de terugvordering in termijnen?",
                escalated_on=today - timedelta(days=20),
                deadline=today - timedelta(days=1),
            ),
        )
        old = budget.request_spending(
            session,
            settings,
            bakker,
            SpendingIn(amount=Decimal(400), purpose="Fiets voor Kees"),
            now=datetime(today.year - 1, 3, 1, 9, 0, tzinfo=UTC),
        )
        new = budget.request_spending(
            session,
            settings,
            ids["case"],
            SpendingIn(amount=Decimal(750), purpose="Borg voor de huur"),
        )
        organisation = create_organisation(
            session, OrganisationIn(name="Amaryllis", kind="welfare")
        )
        return {
            **ids,
            "bakker": bakker,
            "overdue": blockage.id or 0,
            "old": old.id or 0,
            "new": new.id or 0,
            "organisation": organisation.id or 0,
        }


def agencies_of(platform: Any, case_id: int) -> list[tuple[str, int | None]]:
    from sqlmodel import col, select

    from noaber_doorbraak.models import Agency

    with tenant_scope(SLUG), platform.sessions() as session:
        rows = session.exec(
            select(Agency).where(Agency.case_id == case_id).order_by(col(Agency.id))
        ).all()
        return [(a.name, a.organisation_id) for a in rows]


def test_the_manager_reads_the_blockages_the_budget_and_the_costs_by_keyboard(
    live_server, browser_page, axe, capsys
):
    if not accounts_available():
        pytest.skip("the accounts layer is not installed")
    import pyotp

    from noaber.testing import create_test_account

    page = browser_page
    platform = live_server.platform
    url = lambda path: live_server.url(SLUG, path)  # noqa: E731
    ids = seed_more(platform)
    manager = create_test_account(platform, SLUG, role="municipality_admin")
    year = dutch_today().year

    page.goto(url(BLOCKAGES))
    assert "/inloggen" in page.url
    type_into(page, "#email", manager.email)
    type_into(page, "#password", manager.password)
    assert manager.totp_secret
    type_into(page, "#code", pyotp.TOTP(manager.totp_secret).now())
    press_enter_on(page, "form[action^='/inloggen'] button[type=submit]")
    page.wait_for_load_state()

    # The main navigation leads to the blockages: the overdue decision first and flagged.
    page.goto(url("/werk"))
    press_enter_on(page, f"nav a[href='{BLOCKAGES}']")
    page.wait_for_url(f"**{BLOCKAGES}")
    assert page.locator("h1").inner_text() == "Doorbraak: knelpunten"
    rows = page.locator("#open tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("id") == f"knelpunt-{ids['overdue']}"
    first = rows.nth(0).inner_text()
    assert "Gezin Bakker" in first
    assert "te laat" in first
    second = page.locator(f"#knelpunt-{ids['blockage']}").inner_text()
    assert "Gezin Yilmaz" in second
    assert "te laat" not in second
    assert "Kostendelersnorm" in page.locator("#regels").inner_text()
    axe.check(page, "dbo-01-knelpunten")

    # Only those with an overdue decision.
    tab_to(page, "#toon")
    page.keyboard.press("ArrowDown")
    assert page.locator("#toon").input_value() == "te-laat"
    press_enter_on(page, f"form[action='{BLOCKAGES}'] button[type=submit]")
    assert "toon=te-laat" in page.url
    assert page.locator("#open tbody tr").count() == 1
    assert page.locator(f"#knelpunt-{ids['overdue']}").is_visible()
    axe.check(page, "dbo-02-knelpunten-te-laat")

    # A period that ends before it starts: refused in Dutch next to its end.
    keys = date_keys(page, "#van")  # 01-02-2003 typed into the start
    tab_to(page, "#tot")
    page.keyboard.type(date(2002, 1, 1).strftime(keys))
    press_enter_on(page, f"form[action='{BLOCKAGES}#regels'] button[type=submit]")
    assert page.locator("#tot-fout").inner_text() == "Het einde van de periode ligt vóór het begin."
    assert page.locator("#tot").get_attribute("aria-invalid") == "true"
    assert page.locator("#toon").input_value() == "te-laat"  # the list's filter is kept
    axe.check(page, "dbo-03-periode-fout")

    # The blockage leads to its case, at the blockage.
    case_path = f"{CASES}/{ids['bakker']}"
    press_enter_on(page, f"#knelpunt-{ids['overdue']} a")
    page.wait_for_url(f"**{case_path}#knelpunt-{ids['overdue']}")
    assert page.locator("h1").inner_text() == "Doorbraak: Gezin Bakker"

    # The maatwerk budget: this year's figures and the request awaiting a decision.
    page.goto(url("/werk"))
    press_enter_on(page, f"nav a[href='{BUDGET}']")
    page.wait_for_url(f"**{BUDGET}")
    assert page.locator("h1").inner_text() == f"Doorbraak: maatwerkbudget {year}"
    assert "€\xa050.000,00" in page.locator("#budget-totaal").inner_text()
    assert "€\xa0750,00" in page.locator("#budget-aangevraagd").inner_text()
    pending = page.locator(f"#besteding-{ids['new']}").inner_text()
    assert "Gezin Yilmaz" in pending
    assert "Borg voor de huur" in pending
    tab_to(page, f"#besteding-{ids['new']} a[href='{CASES}/{ids['case']}#besteding-{ids['new']}']")
    axe.check(page, "dbo-04-budget")

    # Last year: the request of Gezin Bakker, waiting far longer than the target.
    tab_to(page, "#jaar")
    page.keyboard.press("ArrowDown")
    assert page.locator("#jaar").input_value() == str(year - 1)
    press_enter_on(page, f"form[action='{BUDGET}'] button[type=submit]")
    assert f"jaar={year - 1}" in page.url
    assert page.locator("h1").inner_text() == f"Doorbraak: maatwerkbudget {year - 1}"
    old = page.locator(f"#besteding-{ids['old']}").inner_text()
    assert "Gezin Bakker" in old
    assert "over de streeftijd" in old
    assert page.locator(f"#besteding-{ids['new']}").count() == 0
    axe.check(page, "dbo-05-budget-vorig-jaar")

    # On to the costs per case.
    press_enter_on(page, f"a[href='{COSTS}']")
    page.wait_for_url(f"**{COSTS}")
    assert page.locator("h1").inner_text() == "Doorbraak: kosten"
    bakker = page.locator(f"#kosten-{ids['bakker']}").inner_text()
    assert "€\xa03.000,00" in bakker
    assert "€\xa0500,00" in bakker
    assert page.locator("#som-zoals-het-was").inner_text() == "€\xa07.200,00"
    axe.check(page, "dbo-06-kosten")

    # The agency form on the case page: one of the municipality's organisations.
    yilmaz = f"{CASES}/{ids['case']}"
    press_enter_on(page, f"#kosten-{ids['case']} a")
    page.wait_for_url(f"**{yilmaz}#kaart")
    tab_to(page, "#agency_name", limit=FAR)
    page.keyboard.type("Amaryllis")
    tab_to(page, "#organisation_id")
    page.keyboard.press("ArrowDown")  # from "Geen organisatie" to "Amaryllis"
    assert page.locator("#organisation_id").input_value() == str(ids["organisation"])
    type_into(page, "#involvement", "Verwezen door de huisarts")
    type_into(page, "#yearly_cost", "1.200")
    press_enter_on(page, "form[action*='/instanties#kaart'] button[type=submit]")
    page.wait_for_url(f"**{yilmaz}#kaart")
    assert agencies_of(platform, ids["case"])[-1] == ("Amaryllis", ids["organisation"])
    assert "Amaryllis" in page.locator("#kaart tbody tr").last.inner_text()
    axe.check(page, "dbo-07-instantie-met-organisatie")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
