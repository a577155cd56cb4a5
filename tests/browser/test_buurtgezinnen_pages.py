"""Buurtgezinnen's coordinator pages in a real browser, by keyboard, with axe-core on every
page: the coordinator logs in, opens the families from the main navigation, opens a
steungezin and records its VOG (first with a date in the future, refused in Dutch), and
opens a vraaggezin's page with the intake forms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from noaber.clock import dutch_today
from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import SLUG, press_enter_on, tab_to, type_into

pytestmark = pytest.mark.slow

FAMILIES = "/buurtgezinnen/gezinnen"


def seed_steungezin(platform) -> int:
    """A steungezin as the coordinator enters it through the API: no VOG yet."""
    from noaber.people.schemas import PersonIn
    from noaber_buurtgezinnen import services
    from noaber_buurtgezinnen.models import SignUpVia
    from noaber_buurtgezinnen.schemas import SteungezinEntry

    tenant = platform.tenants[SLUG]
    postcode = tenant.municipality.config.neighbourhoods[0].postcodes[0] + " CD"
    entry = SteungezinEntry(
        name="Gezin Brouwer",
        adults=[
            PersonIn(given_name="Pieter", family_name="Brouwer", postcode=postcode),
            PersonIn(given_name="Anne", family_name="Brouwer"),
        ],
        offered_support=["opvang", "uitjes"],
        signed_up_on=dutch_today() - timedelta(days=90),
    )
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        family = services.sign_up_steungezin(session, tenant, entry, SignUpVia.coordinator)
        assert family.id is not None
        return family.id


def seed_vraaggezin(platform) -> int:
    from noaber.people.schemas import PersonIn
    from noaber_buurtgezinnen import services
    from noaber_buurtgezinnen.models import SignUpVia
    from noaber_buurtgezinnen.schemas import ChildIn, VraaggezinEntry

    tenant = platform.tenants[SLUG]
    postcode = tenant.municipality.config.neighbourhoods[0].postcodes[0] + " AB"
    entry = VraaggezinEntry(
        name="Gezin Mulder",
        parents=[PersonIn(given_name="Sanne", family_name="Mulder", postcode=postcode)],
        children=[ChildIn(given_name="Noor", birth_year=dutch_today().year - 6)],
        question="Af en toe opvang na school.",
        signed_up_on=dutch_today() - timedelta(days=30),
    )
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        family = services.sign_up_vraaggezin(session, tenant, entry, SignUpVia.coordinator)
        assert family.id is not None
        return family.id


def vog_of(platform, family_id: int) -> tuple[date | None, date | None]:
    from noaber.people.services import get_helper
    from noaber_buurtgezinnen import services

    with tenant_scope(SLUG), platform.sessions() as session:
        helper = get_helper(session, services.get_family(session, family_id).helper_id or 0)
        return helper.vog_issued_on, helper.vog_valid_until


def date_keys(page, probe: str) -> str:
    """The order in which this browser's date fields take a typed date (it follows the
    browser's own language, not the page's): typed into the ``probe`` field."""
    tab_to(page, probe)
    page.keyboard.type("01022003")
    orders = {"2003-02-01": "%d%m%Y", "2003-01-02": "%m%d%Y"}
    value = page.locator(probe).input_value()
    assert value in orders, f"unexpected date field order: {value}"
    return orders[value]


def type_date(page, selector: str, day: date, keys: str) -> None:
    """Type a date into a date field as a keyboard user does."""
    tab_to(page, selector)
    page.keyboard.type(day.strftime(keys))


def test_a_coordinator_records_a_vog_by_keyboard(live_server, browser_page, axe, capsys):
    if not accounts_available():
        pytest.skip("the accounts layer is not installed")
    from noaber.testing import create_test_account

    page = browser_page
    platform = live_server.platform
    url = lambda path: live_server.url(SLUG, path)  # noqa: E731
    family_id = seed_steungezin(platform)
    family_path = f"{FAMILIES}/{family_id}"
    coordinator = create_test_account(
        platform, SLUG, role="coordinator", programmes=["buurtgezinnen"]
    )

    # Logging in through the Dutch login page, by keyboard, as test_flows does.
    page.goto(url(FAMILIES))
    assert "/inloggen" in page.url  # not logged in: the login page, not the families
    axe.check(page, "bg-00-inloggen")
    import pyotp

    type_into(page, "#email", coordinator.email)
    type_into(page, "#password", coordinator.password)
    assert coordinator.totp_secret
    type_into(page, "#code", pyotp.TOTP(coordinator.totp_secret).now())
    press_enter_on(page, "form[action^='/inloggen'] button[type=submit]")
    page.wait_for_load_state()

    # The main navigation leads to the families.
    page.goto(url("/werk"))
    press_enter_on(page, f"nav a[href='{FAMILIES}']")
    page.wait_for_url(f"**{FAMILIES}")
    assert page.locator("h1").inner_text() == "Buurtgezinnen: gezinnen"
    row = page.locator(f"#gezin-{family_id}")
    assert "Steungezin" in row.inner_text()
    assert "een VOG" in row.inner_text()
    axe.check(page, "bg-01-gezinnen")

    press_enter_on(page, f"a[href='{family_path}']")
    page.wait_for_url(f"**{family_path}")
    assert page.locator("h1").inner_text() == "Gezin Brouwer \u2013 Steungezin"
    assert page.locator("#vog-geldig").inner_text() == "Geen VOG vastgelegd"
    axe.check(page, "bg-02-steungezin")

    # A date in the future: refused in Dutch next to the field, what was typed is kept.
    keys = date_keys(page, "#visited_on")  # the visit form is not sent
    future = dutch_today() + timedelta(days=3)
    type_date(page, "#issued_on", future, keys)
    assert page.locator("#issued_on").input_value() == future.isoformat()
    press_enter_on(page, "form[action*='/vog'] button[type=submit]")
    page.wait_for_load_state()
    message = page.locator("#issued_on-fout").inner_text()
    assert message == (
        f"{future.strftime('%d-%m-%Y')} ligt in de toekomst. Vul de dag in waarop het gebeurde."
    )
    assert page.locator("#issued_on").get_attribute("aria-invalid") == "true"
    assert page.locator("#issued_on").input_value() == future.isoformat()
    assert vog_of(platform, family_id) == (None, None)
    axe.check(page, "bg-03-vog-fout")

    issued = dutch_today() - timedelta(days=20)
    type_date(page, "#issued_on", issued, keys)
    assert page.locator("#issued_on").input_value() == issued.isoformat()
    press_enter_on(page, "form[action*='/vog'] button[type=submit]")
    # Redirected (303) to the family page, at its VOG section (the form's fragment).
    page.wait_for_url(f"**{family_path}#vog")
    stored_on, valid_until = vog_of(platform, family_id)
    assert stored_on == issued
    assert valid_until is not None
    assert valid_until > dutch_today()
    assert page.locator("#vog-geldig").inner_text() == (
        f"De VOG is geldig tot {valid_until.strftime('%d-%m-%Y')}."
    )
    assert "een VOG" not in page.locator("#nog-nodig").inner_text()
    axe.check(page, "bg-04-vog-vastgelegd")

    # The other side's page, with the intake forms, for axe too.
    vraag_id = seed_vraaggezin(platform)
    page.goto(url(f"{FAMILIES}/{vraag_id}"))
    assert page.locator("h1").inner_text() == "Gezin Mulder \u2013 Vraaggezin"
    assert page.locator("#support_needed").input_value() == "Af en toe opvang na school."
    axe.check(page, "bg-05-vraaggezin")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
