"""The Gezinslab's trajectory forms in a real browser, by keyboard only, with axe-core on
every page: a Gezinslab coordinator in Leeuwarden adds a member to the team around a
family and starts a trajectory for another family (first for a household whose
trajectory is still running: refused in Dutch), then closes that new trajectory and records a cost it avoided (which may show after
closing), from the municipality's catalogue.

``test_gezinslab_pages.py`` covers the trajectories list, the navigation and the goals,
measurements and actions. Run with ``CI=true`` to fail instead of skip without Chromium.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import press_enter_on, tab_to, type_into
from .test_gezinslab_pages import seed as seed_visser

pytestmark = pytest.mark.slow

SLUG = "leeuwarden"  # the municipality that runs the Gezinslab
TRAJECTORIES = "/gezinslab/trajecten"


def seed(platform: Any) -> dict[str, int]:
    """Gezin Visser's running trajectory (``test_gezinslab_pages``' seed: a goal, a
    volunteer in the team), a volunteer in the helper pool who is not in the team yet,
    and Gezin Postma without a trajectory."""
    from noaber.accounts.access import acting_as
    from noaber.accounts.roles import system_principal
    from noaber.people.models import HelperKind, MemberRole
    from noaber.people.schemas import HelperIn, HouseholdIn, MemberIn, PersonIn
    from noaber.people.services import create_helper, create_household, create_person

    ids = seed_visser(platform)
    tenant = platform.tenants[SLUG]
    with (
        tenant_scope(SLUG),
        acting_as(system_principal(SLUG, "browser test")),
        platform.sessions.begin() as session,
    ):
        person = create_person(
            session, tenant.plugins, PersonIn(given_name="Sandra", family_name="de Boer")
        )
        helper = create_helper(
            session,
            HelperIn(kind=HelperKind.volunteer, display_name="Sandra de Boer", person_id=person.id),
        )
        postma = create_household(
            session,
            tenant.plugins,
            HouseholdIn(
                name="Gezin Postma",
                members=[
                    MemberIn(
                        role=MemberRole.parent,
                        person=PersonIn(given_name="Jelle", family_name="Postma"),
                    )
                ],
            ),
        )
        session.flush()
        return {**ids, "helper": helper.id or 0, "postma": postma.id or 0}


def team_of(platform: Any, trajectory_id: int) -> list[tuple[str, str, int | None]]:
    from noaber_gezinslab.models import TeamMember

    with tenant_scope(SLUG), platform.sessions() as session:
        rows = session.exec(
            select(TeamMember)
            .where(TeamMember.trajectory_id == trajectory_id)
            .order_by(col(TeamMember.id))
        ).all()
        return [(m.kind.value, m.name, m.helper_id) for m in rows]


def trajectories_of(platform: Any, household_id: int) -> list[tuple[int, str]]:
    from noaber_gezinslab.models import Trajectory

    with tenant_scope(SLUG), platform.sessions() as session:
        rows = session.exec(select(Trajectory).where(Trajectory.household_id == household_id)).all()
        return [(t.id or 0, t.status.value) for t in rows]


def log_in(page: Any, url: Any, platform: Any) -> None:
    import pyotp

    from noaber.testing import create_test_account

    coordinator = create_test_account(platform, SLUG, role="coordinator", programmes=["gezinslab"])
    page.goto(url(TRAJECTORIES))
    assert "/inloggen" in page.url
    type_into(page, "#email", coordinator.email)
    type_into(page, "#password", coordinator.password)
    assert coordinator.totp_secret
    type_into(page, "#code", pyotp.TOTP(coordinator.totp_secret).now())
    press_enter_on(page, "form[action^='/inloggen'] button[type=submit]")
    page.wait_for_load_state()


def choose(page: Any, selector: str, text: str) -> None:
    """Choose an option of a closed select by typing its first letters, as a keyboard
    user does."""
    tab_to(page, selector)
    page.keyboard.type(text)


def test_a_coordinator_works_on_the_team_and_starts_a_trajectory_by_keyboard(
    live_server,
    browser_page,
    axe,
    capsys,
):
    if not accounts_available():
        pytest.skip("the accounts layer is not installed")
    page = browser_page
    platform = live_server.platform
    url = lambda path: live_server.url(SLUG, path)  # noqa: E731
    ids = seed(platform)
    path = f"{TRAJECTORIES}/{ids['trajectory']}"
    log_in(page, url, platform)

    # --- the team: a member without a name is refused, then added, linked to a helper ---
    page.goto(url(f"{path}#team"))
    assert "Wim Dijkstra (Vrijwilliger)" in page.locator("#team-lijst").inner_text()
    choose(page, "#member_kind", "Erv")
    press_enter_on(page, "form[action*='/team#'] button[type=submit]")
    assert page.locator("#member_name-fout").inner_text() == "Vul de naam van het teamlid in."
    assert page.locator("#member_name").get_attribute("aria-invalid") == "true"
    assert page.locator("#member_kind").input_value() == "ervaringsdeskundige"
    axe.check(page, "gl-forms-01-teamlid-fout")

    type_into(page, "#member_name", "Sandra de Boer")
    type_into(page, "#contribution", "Kent de weg naar de schuldhulp uit eigen ervaring")
    tab_to(page, "#joined_on")
    page.keyboard.type("01032025")
    choose(page, "#helper_id", "Sandra")
    press_enter_on(page, "form[action*='/team#'] button[type=submit]")
    page.wait_for_url(f"**{path}#team")
    assert team_of(platform, ids["trajectory"]) == [
        ("vrijwilliger", "Wim Dijkstra", None),
        ("ervaringsdeskundige", "Sandra de Boer", ids["helper"]),
    ]
    assert "Sandra de Boer (Ervaringsdeskundige)" in page.locator("#team-lijst").inner_text()
    assert "Sandra de Boer (Ervaringsdeskundige)" in page.locator("#owner_id").inner_text()
    axe.check(page, "gl-forms-02-teamlid-toegevoegd")

    # --- a new trajectory: from the list, refused for a household with a running one ---
    page.goto(url(TRAJECTORIES))
    press_enter_on(page, "#nieuw-traject")
    page.wait_for_url(f"**{TRAJECTORIES}/nieuw")
    assert page.locator("h1").inner_text() == "Traject starten"
    axe.check(page, "gl-forms-03-nieuw-traject")
    choose(page, "#household_id", "Gezin V")
    type_into(page, "#goal", "Weer samen aan tafel")
    press_enter_on(page, "form[action$='/nieuw'] button[type=submit]")
    assert "al een lopend traject" in page.locator("#start-geweigerd").inner_text()
    assert page.locator("#goal").input_value() == "Weer samen aan tafel"
    assert trajectories_of(platform, ids["household"]) == [(ids["trajectory"], "actief")]
    axe.check(page, "gl-forms-04-nieuw-traject-geweigerd")

    choose(page, "#household_id", "Gezin P")
    tab_to(page, "input[name=domains][value=financien]")
    page.keyboard.press("Space")
    press_enter_on(page, "form[action$='/nieuw'] button[type=submit]")
    [(new, status)] = trajectories_of(platform, ids["postma"])
    assert status == "actief"
    page.wait_for_url(f"**{TRAJECTORIES}/{new}")
    assert page.locator("h1").inner_text() == "Gezinslab: Gezin Postma"
    assert "Weer samen aan tafel" in page.locator("#doelen-lijst").inner_text()
    axe.check(page, "gl-forms-05-traject-gestart")

    # --- closing it: the page shows it closed and no longer offers the forms ---
    new_path = f"{TRAJECTORIES}/{new}"
    page.goto(url(f"{new_path}#afsluiten"))
    type_into(page, "#closing_note", "Het gezin redt het weer zelf.")
    press_enter_on(page, "form[action$='/afsluiten'] button[type=submit]")
    page.wait_for_url(f"**{new_path}")  # the top of the page, with its status
    assert trajectories_of(platform, ids["postma"]) == [(new, "afgesloten")]
    assert page.locator("#stand").inner_text().startswith("Afgesloten (afgesloten op ")
    assert page.locator("#gesloten-uitleg").is_visible()
    # Only the avoided costs can still be recorded.
    assert page.locator("main form[method=post]").count() == 1
    assert page.locator("main form[action$='/vermeden-kosten#kosten']").count() == 1
    axe.check(page, "gl-forms-06-traject-afgesloten")

    # --- an avoided cost, after closing: first without a description, then complete ---
    page.goto(url(f"{new_path}#kosten"))
    choose(page, "#cost_kind", "huisu")
    assert page.locator("#cost_kind").input_value() == "huisuitzetting"
    assert "€\xa08.000,00 per uitzetting" in page.locator("#cost_kind").inner_text()
    press_enter_on(page, "form[action*='/vermeden-kosten#'] button[type=submit]")
    assert page.locator("#cost_description-fout").inner_text() == (
        "Beschrijf wat is voorkomen of verkort, en waarom u dat denkt."
    )
    axe.check(page, "gl-forms-07-kosten-fout")
    type_into(page, "#cost_description", "Huisuitzetting voorkomen door een betalingsregeling")
    press_enter_on(page, "form[action*='/vermeden-kosten#'] button[type=submit]")
    page.wait_for_url(f"**{new_path}#kosten")
    assert page.locator("#kosten-totaal").inner_text() == "Totaal vermeden: €\xa08.000,00"
    assert "1 x €\xa08.000,00 per uitzetting" in page.locator("#kosten").inner_text()
    axe.check(page, "gl-forms-08-kosten-vastgelegd")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
