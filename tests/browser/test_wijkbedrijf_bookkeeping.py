"""The wijkbedrijf's bookkeeping pages in a real browser, by keyboard only, with axe-core
on every page: from the sub-navigation to the invoices overview, invoicing a resident's
month (a wrong month refused first, in Dutch next to the field), the new invoice in the
overview filtered by status, the CSV export of the bookkeeping through the coordinator's
session, the job page the invoice links to, and the volunteer allowances.

Builds on ``test_wijkbedrijf_forms``' seed: Grietje's job with 2,5 approved hours of
Sjoerd on 2 March 2026, not invoiced yet."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import press_enter_on, tab_to, type_into
from .test_wijkbedrijf_forms import log_in
from .test_wijkbedrijf_forms import seed as seed_grietje

pytestmark = pytest.mark.slow

SLUG = "leeuwarden"
INVOICES = "/wijkbedrijf/facturen"
ALLOWANCES = "/wijkbedrijf/vergoedingen"
JOBS = "/wijkbedrijf/klussen"


def invoices_of(platform: Any) -> list[tuple[str | None, str, str]]:
    from noaber_wijkbedrijf.models import Invoice

    with tenant_scope(SLUG), platform.sessions() as session:
        return [
            (i.period, f"{i.total:.2f}", i.status.value)
            for i in session.exec(select(Invoice)).all()
        ]


def test_a_coordinator_invoices_a_residents_month_by_keyboard(
    live_server, browser_page, axe, capsys
):
    if not accounts_available():
        pytest.skip("the accounts layer is not installed")
    from noaber.testing import create_test_account

    page = browser_page
    platform = live_server.platform
    url = lambda path: live_server.url(SLUG, path)  # noqa: E731
    ids = seed_grietje(platform)
    coordinator = create_test_account(
        platform, SLUG, role="coordinator", programmes=["wijkbedrijf"]
    )
    log_in(page, url, coordinator)

    # From the jobs list's sub-navigation to the invoices: none yet; Grietje has
    # approved hours in March to invoice.
    page.goto(url(JOBS))
    press_enter_on(page, f"nav a[href='{INVOICES}']")
    page.wait_for_url(f"**{INVOICES}")
    assert page.locator(f"nav a[href='{INVOICES}']").get_attribute("aria-current") == "page"
    assert page.locator("#person_id option").nth(1).inner_text() == "Grietje de Vries: 03-2026"
    axe.check(page, "wbb-01-facturen")

    # Choose Grietje and type a month that does not exist: refused next to the field.
    tab_to(page, "#person_id")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#period")
    page.keyboard.press("Control+a")
    page.keyboard.type("13-2026")
    press_enter_on(page, f"form[action='{INVOICES}/maand'] button[type=submit]")
    assert page.locator("#period-fout").inner_text() == "Vul een maand in, bijvoorbeeld 03-2026."
    assert page.locator("#period").get_attribute("aria-invalid") == "true"
    assert page.locator("#period").input_value() == "13-2026"  # what was typed stays
    assert page.locator("#person_id").input_value() == str(
        page.locator("#person_id option").nth(1).get_attribute("value")
    )
    assert invoices_of(platform) == []
    axe.check(page, "wbb-02-maand-fout")

    # March it is: the invoice is made and shown at the top of the overview.
    tab_to(page, "#period")
    page.keyboard.press("Control+a")
    page.keyboard.type("03-2026")
    press_enter_on(page, f"form[action='{INVOICES}/maand'] button[type=submit]")
    page.wait_for_url(f"**{INVOICES}?gedaan=gefactureerd#factuur-*")
    assert page.locator("#gedaan").inner_text() == "De factuur is gemaakt."
    assert invoices_of(platform) == [("2026-03", "22.50", "open")]
    row = page.locator("#facturen tbody tr").first
    assert "Grietje de Vries" in row.inner_text()
    assert "Maand 03-2026" in row.inner_text()
    assert "nog te betalen: €\xa022,50" in row.inner_text()
    assert "€\xa022,50" in page.locator("#totalen").inner_text()
    assert page.locator("#niets-te-factureren").count() == 1  # nothing left to invoice
    axe.check(page, "wbb-03-gefactureerd")

    # Only the outstanding invoices issued from 3 March on: the filter is kept.
    tab_to(page, "#status")
    page.keyboard.press("ArrowDown")
    assert page.locator("#status").input_value() == "open"
    type_into(page, "#van", "03032026")  # the same keys in either date order
    assert page.locator("#van").input_value() == "2026-03-03"
    press_enter_on(page, "#filter button[type=submit]")
    assert "status=open" in page.url
    assert page.locator("#facturen tbody tr").count() == 1
    assert page.locator("#status").input_value() == "open"
    axe.check(page, "wbb-04-gefilterd")

    # The CSV of the period, fetched by the browser with the coordinator's session.
    tab_to(page, "#csv-export")
    href = page.locator("#csv-export").get_attribute("href")
    assert href == "/api/wijkbedrijf/invoices/export.csv?from=2026-03-03"
    status, kind, text = page.evaluate(
        "async (u) => { const r = await fetch(u);"
        " return [r.status, r.headers.get('content-type'), await r.text()]; }",
        href,
    )
    assert status == 200
    assert kind.startswith("text/csv")
    assert len(text.splitlines()) == 2  # the header and the invoice

    # The invoice links to the job it bills.
    press_enter_on(page, f"#facturen a[href='{JOBS}/{ids['planned']}']")
    page.wait_for_url(f"**{JOBS}/{ids['planned']}")
    assert "nog te betalen: €\xa022,50" in page.locator("#facturen").inner_text()
    axe.check(page, "wbb-05-klus")

    # The allowances: Sjoerd has approved hours, none paid yet.
    press_enter_on(page, f"nav a[href='{ALLOWANCES}']")
    page.wait_for_url(f"**{ALLOWANCES}")
    assert page.locator("#helper_id option").nth(1).inner_text() == "Sjoerd Hoekstra"
    assert "Nog geen vergoeding uitbetaald." in page.locator("#betaald").inner_text()
    axe.check(page, "wbb-06-vergoedingen")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
