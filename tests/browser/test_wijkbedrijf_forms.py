"""The wijkbedrijf's coordinator forms in a real browser, by keyboard only, with axe-core
on every page: taking in a job from the jobs list (refused first, in Dutch next to the
field), planning a volunteer on it (refused first too), marking a planned job as done,
invoicing its approved hours and registering the payment.

``test_wijkbedrijf_pages.py`` covers the hours and the job pages without their forms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import press_enter_on, tab_to, type_into

pytestmark = pytest.mark.slow

SLUG = "leeuwarden"
JOBS = "/wijkbedrijf/klussen"


def seed(platform: Any) -> dict[str, int]:
    """Grietje's two jobs: one with Sjoerd confirmed on it, one still to plan."""
    from noaber.accounts.access import acting_as
    from noaber.accounts.roles import system_principal
    from noaber.people.models import HelperKind
    from noaber.people.schemas import HelperIn, PersonIn
    from noaber.people.services import create_helper, create_person
    from noaber_wijkbedrijf import services
    from noaber_wijkbedrijf.models import Channel
    from noaber_wijkbedrijf.schemas import AssignmentIn, DecisionIn, HoursIn, JobIn

    tenant = platform.tenants[SLUG]
    with (
        tenant_scope(SLUG),
        acting_as(system_principal(SLUG, "browser test")),
        platform.sessions.begin() as session,
    ):
        resident = create_person(
            session,
            tenant.plugins,
            PersonIn(
                given_name="Grietje",
                family_name="de Vries",
                street="Bilgaardpark",
                house_number="12",
                city="Leeuwarden",
                postcode="8926AB",
            ),
        )
        volunteer = create_person(  # a volunteer is a person: allowances are paid to one
            session, tenant.plugins, PersonIn(given_name="Sjoerd", family_name="Hoekstra")
        )
        helper = create_helper(
            session,
            HelperIn(
                kind=HelperKind.volunteer,
                person_id=volunteer.id,
                display_name="Sjoerd Hoekstra",
                skills=["tuinonderhoud"],
                availability=[
                    f"{d}_{p}"
                    for d in ("mon", "tue", "wed", "thu", "fri")
                    for p in ("morning", "afternoon")
                ],
                max_load=5,
                reach_anywhere=True,
            ),
        )

        def job(description: str) -> int:
            created = services.create_job(
                session,
                tenant,
                JobIn(
                    person_id=resident.id or 0,
                    channel=Channel.balie,
                    category="tuinonderhoud",
                    description=description,
                    estimated_hours=Decimal(3),
                    wished_from=date(2026, 3, 2),
                    wished_until=date(2026, 3, 6),
                    street="Bilgaardpark",
                    house_number="12",
                    postcode="8926AB",
                    city="Leeuwarden",
                ),
            )
            return created.id or 0

        planned, open_job = job("De heg snoeien"), job("Het gras maaien")
        a = services.assign(
            session,
            tenant,
            planned,
            AssignmentIn(
                helper_id=helper.id or 0,
                starts_at=datetime(2026, 3, 2, 8, tzinfo=UTC),
                ends_at=datetime(2026, 3, 2, 11, tzinfo=UTC),
            ),
        )
        services.confirm(session, tenant, a.id or 0, DecisionIn(actor="Sjoerd"))
        worked = services.register_hours(
            session,
            planned,
            HoursIn(assignment_id=a.id or 0, worked_on=date(2026, 3, 2), hours=Decimal("2.5")),
        )
        services.decide_hours(session, worked.id or 0, True, DecisionIn(actor="Anke"))
        session.flush()
        return {"planned": planned, "open": open_job, "helper": helper.id or 0}


def assignments_of(platform: Any, job_id: int) -> list[tuple[str, datetime]]:
    from noaber_wijkbedrijf.models import Assignment

    with tenant_scope(SLUG), platform.sessions() as session:
        rows = session.exec(select(Assignment).where(Assignment.job_id == job_id)).all()
        return [(a.status.value, a.starts_at.replace(tzinfo=None)) for a in rows]


def jobs_of(platform: Any) -> int:
    from noaber_wijkbedrijf.models import Job

    with tenant_scope(SLUG), platform.sessions() as session:
        return len(session.exec(select(Job)).all())


def log_in(page: Any, url: Any, account: Any) -> None:
    import pyotp

    page.goto(url("/inloggen"))
    type_into(page, "#email", account.email)
    type_into(page, "#password", account.password)
    type_into(page, "#code", pyotp.TOTP(account.totp_secret).now())
    press_enter_on(page, "form[action^='/inloggen'] button[type=submit]")
    page.wait_for_load_state()


def type_time(page: Any, selector: str, hhmm: str) -> None:
    """Type a time into a time field as a keyboard user does (with AM/PM where the
    browser's language asks for it)."""
    tab_to(page, selector)
    page.keyboard.type(hhmm.replace(":", ""))
    if page.locator(selector).input_value() != hhmm:  # a 12-hour field: the part of day
        page.keyboard.type("AM" if int(hhmm[:2]) < 12 else "PM")
    assert page.locator(selector).input_value() == hhmm


def test_a_coordinator_plans_a_volunteer_and_finishes_a_job_by_keyboard(
    live_server,
    browser_page,
    axe,
    capsys,
):
    if not accounts_available():
        pytest.skip("the accounts layer is not installed")
    from noaber.testing import create_test_account

    page = browser_page
    platform = live_server.platform
    url = lambda path: live_server.url(SLUG, path)  # noqa: E731
    ids = seed(platform)
    coordinator = create_test_account(
        platform, SLUG, role="coordinator", programmes=["wijkbedrijf"]
    )
    log_in(page, url, coordinator)

    # From the jobs list, take in a new job for Grietje, found by her name.
    page.goto(url(JOBS))
    press_enter_on(page, "#nieuwe-klus")
    page.wait_for_url(f"**{JOBS}/nieuw")
    type_into(page, "#zoek", "vries")
    press_enter_on(page, "form[role=search] button")
    press_enter_on(page, "#gevonden a")
    assert page.locator("#gekozen").inner_text() == "Klus voor: Grietje de Vries"
    assert page.locator("#street").input_value() == "Bilgaardpark"  # her address
    axe.check(page, "wbf-01-nieuwe-klus")
    tab_to(page, "#category")
    page.keyboard.press("ArrowDown")
    assert page.locator("#category").input_value() == "tuinonderhoud"
    type_into(page, "#estimated_hours", "2,5")
    type_into(page, "#wished_from", "03032026")  # the same keys in either date order
    type_into(page, "#wished_until", "04042026")
    press_enter_on(page, f"form[action^='{JOBS}/nieuw'][method=post] button[type=submit]")
    page.wait_for_load_state()
    # Without a description: refused next to the field, what was typed kept.
    assert page.locator("#description-fout").inner_text() == "Vul dit veld in."
    assert page.locator("#estimated_hours").input_value() == "2,5"
    assert jobs_of(platform) == 2
    axe.check(page, "wbf-02-nieuwe-klus-fout")
    type_into(page, "#description", "De schutting verven")
    press_enter_on(page, f"form[action^='{JOBS}/nieuw'][method=post] button[type=submit]")
    page.wait_for_url(f"**{JOBS}/*?gedaan=aangemeld")
    assert jobs_of(platform) == 3
    assert page.locator("#gedaan").inner_text().startswith("De klus is aangemeld.")
    new_job = int(page.url.split("?")[0].rsplit("/", 1)[1])
    ids["open"] = new_job
    axe.check(page, "wbf-03-klus-aangemeld")

    # Choose the suggested volunteer, a day and times the wrong way round: refused.
    tab_to(page, "#helper_id")
    page.keyboard.press("ArrowDown")
    assert page.locator("#helper_id").input_value() == str(ids["helper"])
    # 3 March: the same keys whichever order the browser's date field takes.
    type_into(page, "#datum", "03032026")
    assert page.locator("#datum").input_value() == "2026-03-03"
    type_time(page, "#van", "14:00")
    type_time(page, "#tot", "13:00")
    press_enter_on(page, f"form[action='{JOBS}/{ids['open']}/inplannen'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#tot-fout").inner_text() == "Vul een eindtijd in die na de begintijd ligt."
    assert page.locator("#tot").get_attribute("aria-invalid") == "true"
    assert page.locator("#van").input_value() == "14:00"  # what was typed stays
    assert assignments_of(platform, ids["open"]) == []
    axe.check(page, "wbf-04-inplannen-fout")

    # Correct the end time: planned, 14:00 Dutch time is 13:00 UTC.
    tab_to(page, "#tot")
    page.keyboard.press("Control+a")
    type_time(page, "#tot", "16:00")
    press_enter_on(page, f"form[action='{JOBS}/{ids['open']}/inplannen'] button[type=submit]")
    page.wait_for_url(f"**{JOBS}/{ids['open']}?gedaan=ingepland#planning")
    assert assignments_of(platform, ids["open"]) == [("voorgesteld", datetime(2026, 3, 3, 13))]
    assert "03-03-2026 14:00" in page.locator("#planning").inner_text()
    axe.check(page, "wbf-05-ingepland")

    # The planned job is marked as done.
    page.goto(url(f"{JOBS}/{ids['planned']}"))
    press_enter_on(page, f"form[action='{JOBS}/{ids['planned']}/uitgevoerd'] button")
    page.wait_for_url(f"**{JOBS}/{ids['planned']}?gedaan=uitgevoerd")
    assert page.locator("#gedaan").inner_text() == "De klus staat op uitgevoerd."
    assert page.locator("#status").inner_text() == "uitgevoerd"
    axe.check(page, "wbf-06-uitgevoerd")

    # Invoice its approved hours, then register the payment (dated today): paid and
    # done, the job is closed.
    press_enter_on(page, f"form[action='{JOBS}/{ids['planned']}/factureren'] button")
    page.wait_for_url(f"**{JOBS}/{ids['planned']}?gedaan=gefactureerd#facturen")
    invoice = page.locator("#facturen tbody tr").first
    assert "€\xa022,50" in invoice.inner_text()
    assert "nog te betalen: €\xa022,50" in invoice.inner_text()
    tab_to(page, "#facturen a[href$='/pdf']")  # the PDF is reachable
    axe.check(page, "wbf-07-gefactureerd")
    press_enter_on(page, "form[action$='/betaling'] button")
    page.wait_for_url(f"**{JOBS}/{ids['planned']}?gedaan=betaald#facturen")
    assert page.locator("#gedaan").inner_text() == "De betaling is geregistreerd."
    assert page.locator("#status").inner_text() == "afgerond"
    axe.check(page, "wbf-08-betaald")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
