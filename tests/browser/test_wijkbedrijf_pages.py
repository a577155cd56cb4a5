"""The wijkbedrijf's coordinator pages in a real browser, by keyboard, with axe-core on
every page: a coordinator of the wijkbedrijf in Leeuwarden logs in, opens the hours to
approve from the main navigation, approves one registration, rejects another (first
without a reason, refused in Dutch next to the field), then opens the jobs and one
job's page with its planning in Dutch time."""

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

SLUG = "leeuwarden"  # the municipality that runs the wijkbedrijf
HOURS = "/wijkbedrijf/uren"
JOBS = "/wijkbedrijf/klussen"


def seed(platform: Any) -> dict[str, int]:
    """Grietje's klus, Sjoerd confirmed on it (3 March, 09:00 to 12:00 Dutch time) and two
    registrations of his hours waiting for approval, as the API would store them."""
    from noaber.accounts.access import acting_as
    from noaber.accounts.mail import Mailer
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
                given_name="Grietje", family_name="de Vries", postcode="8926AB", phone="0612345678"
            ),
        )
        person = create_person(
            session,
            tenant.plugins,
            PersonIn(given_name="Sjoerd", family_name="Hoekstra", postcode="8926AC"),
        )
        helper = create_helper(
            session,
            HelperIn(
                kind=HelperKind.volunteer,
                display_name="Sjoerd Hoekstra",
                person_id=person.id,
                skills=["tuinonderhoud"],
                availability=[f"{d}_morning" for d in ("mon", "tue", "wed", "thu", "fri")],
                max_load=5,
                reach_anywhere=True,
            ),
        )
        job = services.create_job(
            session,
            tenant,
            JobIn(
                person_id=resident.id or 0,
                channel=Channel.balie,
                category="tuinonderhoud",
                description="De heg snoeien en het gras maaien",
                estimated_hours=Decimal(3),
                wished_from=date(2026, 3, 2),
                wished_until=date(2026, 3, 6),
                street="Bilgaardpark",
                house_number="12",
                postcode="8926AB",
                city="Leeuwarden",
            ),
        )
        job_id = job.id or 0
        planned = services.assign(
            session,
            tenant,
            job_id,
            AssignmentIn(
                helper_id=helper.id or 0,
                starts_at=datetime(2026, 3, 3, 8, tzinfo=UTC),
                ends_at=datetime(2026, 3, 3, 11, tzinfo=UTC),
            ),
        )
        _confirmed, notification = services.confirm(
            session, tenant, planned.id or 0, DecisionIn(actor="Sjoerd")
        )
        # No e-mail address: recorded as such, as the API's confirm does (no mail).
        services.send_confirmation(session, Mailer(None), notification, [])
        first = services.register_hours(
            session,
            job_id,
            HoursIn(
                assignment_id=planned.id or 0,
                worked_on=date(2026, 3, 3),
                hours=Decimal("2.5"),
                note="Heg gesnoeid",
            ),
        )
        second = services.register_hours(
            session,
            job_id,
            HoursIn(assignment_id=planned.id or 0, worked_on=date(2026, 3, 4), hours=Decimal(1)),
        )
        session.flush()
        return {"job": job_id, "first": first.id or 0, "second": second.id or 0}


def status_of(platform: Any, hours_id: int) -> str:
    from noaber_wijkbedrijf.models import HoursEntry

    with tenant_scope(SLUG), platform.sessions() as session:
        entry = session.exec(select(HoursEntry).where(HoursEntry.id == hours_id)).one()
        return entry.status.value


def test_a_coordinator_approves_hours_and_opens_a_job_by_keyboard(
    live_server, browser_page, axe, capsys
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

    page.goto(url(HOURS))
    assert "/inloggen" in page.url  # not logged in: the login page, not the hours
    axe.check(page, "wb-00-inloggen")
    import pyotp

    type_into(page, "#email", coordinator.email)
    type_into(page, "#password", coordinator.password)
    assert coordinator.totp_secret
    type_into(page, "#code", pyotp.TOTP(coordinator.totp_secret).now())
    press_enter_on(page, "form[action^='/inloggen'] button[type=submit]")
    page.wait_for_load_state()

    # The main navigation leads to the hours to approve, the oldest first.
    page.goto(url("/werk"))
    press_enter_on(page, f"nav a[href='{HOURS}']")
    page.wait_for_url(f"**{HOURS}")
    assert page.locator("h1").inner_text() == "Wijkbedrijf: uren goedkeuren"
    first = page.locator(f"#uren-{ids['first']}")
    assert "Sjoerd Hoekstra" in first.inner_text()
    assert "voor Grietje de Vries" in first.inner_text()
    assert "03-03-2026" in first.inner_text()
    assert "Heg gesnoeid" in first.inner_text()
    axe.check(page, "wb-01-uren")

    # Approve the first registration.
    press_enter_on(page, f"form[action='{HOURS}/{ids['first']}/goedkeuren'] button")
    page.wait_for_url(f"**{HOURS}?besluit=goedgekeurd")
    assert page.locator("#besluit").inner_text() == "De uren zijn goedgekeurd."
    assert page.locator(f"#uren-{ids['first']}").count() == 0
    assert status_of(platform, ids["first"]) == "goedgekeurd"
    axe.check(page, "wb-02-goedgekeurd")

    # Reject the second without a reason: refused in Dutch next to the field.
    field = f"#reden-{ids['second']}"
    press_enter_on(page, f"form[action='{HOURS}/{ids['second']}/afkeuren'] button")
    page.wait_for_load_state()
    assert page.locator(f"{field}-fout").inner_text() == (
        "Vul de reden in waarom deze uren worden afgekeurd."
    )
    assert page.locator(field).get_attribute("aria-invalid") == "true"
    assert status_of(platform, ids["second"]) == "ingediend"
    axe.check(page, "wb-03-reden-ontbreekt")
    type_into(page, field, "Dubbel geschreven")
    press_enter_on(page, f"form[action='{HOURS}/{ids['second']}/afkeuren'] button")
    page.wait_for_url(f"**{HOURS}?besluit=afgekeurd")
    assert status_of(platform, ids["second"]) == "afgekeurd"
    assert page.locator("#niets-te-doen").count() == 1

    # The jobs, and the job's page with its planning in Dutch time.
    press_enter_on(page, f"main nav a[href='{JOBS}']")
    page.wait_for_url(f"**{JOBS}")
    assert page.locator("h1").inner_text() == "Wijkbedrijf: klussen"
    row = page.locator(f"#klus-{ids['job']}").inner_text()
    assert "Sjoerd Hoekstra, 03-03-2026 09:00\u201312:00 (bevestigd)" in row
    axe.check(page, "wb-04-klussen")

    press_enter_on(page, f"a[href='{JOBS}/{ids['job']}']")
    page.wait_for_url(f"**{JOBS}/{ids['job']}")
    assert page.locator("h1").inner_text() == f"Klus {ids['job']}: tuinonderhoud"
    planning = page.locator("#planning").inner_text()
    assert "03-03-2026 09:00" in planning
    assert "03-03-2026 12:00" in planning
    hours = page.locator("#uren").inner_text()
    assert "goedgekeurd" in hours
    assert "afgekeurd" in hours
    assert "Geen e-mailadres" in page.locator("#bevestigingen").inner_text()
    tab_to(page, "a[href^='/aanvragen/']")  # the request page is reachable
    axe.check(page, "wb-05-klus")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
