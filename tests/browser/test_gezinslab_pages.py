"""The Gezinslab's coordinator pages in a real browser, by keyboard, with axe-core on every
page: a Gezinslab coordinator in Leeuwarden logs in, opens the trajectories from the
main navigation, opens a family's trajectory (goals, ZRM progress, team, actions,
avoided costs) and records a goal in the family's own words (first empty, refused in
Dutch next to the field)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

from .helpers import press_enter_on, tab_to, type_into

pytestmark = pytest.mark.slow

SLUG = "leeuwarden"  # the municipality that runs the Gezinslab
TRAJECTORIES = "/gezinslab/trajecten"


def seed(platform: Any) -> dict[str, int]:
    """Gezin Visser's trajectory as the API would store it: a goal, a volunteer in the
    team, a baseline and a follow-up measurement, an open action and an avoided cost."""
    from noaber.accounts.access import acting_as
    from noaber.accounts.roles import system_principal
    from noaber.people.models import MemberRole
    from noaber.people.schemas import HouseholdIn, MemberIn, PersonIn
    from noaber.people.services import create_household
    from noaber_gezinslab import services
    from noaber_gezinslab.models import MeasurementKind, MemberKind
    from noaber_gezinslab.schemas import (
        ActionIn,
        AvoidedCostIn,
        GoalIn,
        MeasurementIn,
        TeamMemberIn,
        TrajectoryIn,
    )
    from noaber_gezinslab.zrm import ZrmDomain

    tenant = platform.tenants[SLUG]
    settings = tenant.municipality.plugin_settings.get("gezinslab")
    with (
        tenant_scope(SLUG),
        acting_as(system_principal(SLUG, "browser test")),
        platform.sessions.begin() as session,
    ):
        household = create_household(
            session,
            tenant.plugins,
            HouseholdIn(
                name="Gezin Visser",
                members=[
                    MemberIn(
                        role=MemberRole.parent,
                        person=PersonIn(given_name="Ineke", family_name="Visser"),
                    ),
                    MemberIn(
                        role=MemberRole.child,
                        person=PersonIn(given_name="Daan", family_name="Visser"),
                    ),
                ],
            ),
        )
        trajectory = services.start_trajectory(
            session,
            TrajectoryIn(
                household_id=household.id or 0,
                started_on=date(2025, 2, 3),
                goals=[
                    GoalIn(
                        text="Ik wil een huis waar mijn kinderen weer kunnen wonen.",
                        domains=[ZrmDomain.huisvesting],
                    )
                ],
            ),
        )
        tid = trajectory.id or 0
        member = services.add_team_member(
            session,
            tid,
            TeamMemberIn(
                kind=MemberKind.vrijwilliger,
                name="Wim Dijkstra",
                contribution="Gaat mee naar de schuldhulp",
                joined_on=date(2025, 2, 3),
            ),
        )
        for kind, on, scores in (
            (MeasurementKind.baseline, date(2025, 2, 10), {"financien": 2, "huisvesting": 1}),
            (MeasurementKind.follow_up, date(2025, 5, 1), {"financien": 4, "huisvesting": 2}),
        ):
            services.add_measurement(
                session,
                tid,
                MeasurementIn(kind=kind, measured_on=on, scores=scores),  # type: ignore[arg-type]
            )
        services.add_action(
            session,
            tid,
            ActionIn(
                description="Afspraak bij de schuldhulp maken",
                owner_id=member.id or 0,
                due_on=date(2025, 6, 1),
            ),
        )
        services.add_avoided_cost(
            session,
            settings,
            tid,
            AvoidedCostIn(
                cost_kind="huisuitzetting",
                description="Huisuitzetting voorkomen door een betalingsregeling",
                avoided_on=date(2025, 5, 15),
                quantity=Decimal(1),
            ),
        )
        session.flush()
        return {"trajectory": tid, "household": household.id or 0}


def goals_of(platform: Any, trajectory_id: int) -> list[tuple[str, list[str]]]:
    from noaber_gezinslab.models import Goal

    with tenant_scope(SLUG), platform.sessions() as session:
        rows = session.exec(
            select(Goal).where(Goal.trajectory_id == trajectory_id).order_by(Goal.id)  # type: ignore[arg-type]
        ).all()
        return [(g.text, list(g.domains)) for g in rows]


def test_a_coordinator_opens_a_trajectory_and_records_a_goal_by_keyboard(
    live_server, browser_page, axe, capsys
):
    if not accounts_available():
        pytest.skip("the accounts layer is not installed")
    from noaber.testing import create_test_account

    page = browser_page
    platform = live_server.platform
    url = lambda path: live_server.url(SLUG, path)  # noqa: E731
    ids = seed(platform)
    path = f"{TRAJECTORIES}/{ids['trajectory']}"
    coordinator = create_test_account(platform, SLUG, role="coordinator", programmes=["gezinslab"])

    page.goto(url(TRAJECTORIES))
    assert "/inloggen" in page.url  # not logged in: the login page, not the trajectories
    axe.check(page, "gl-00-inloggen")
    import pyotp

    type_into(page, "#email", coordinator.email)
    type_into(page, "#password", coordinator.password)
    assert coordinator.totp_secret
    type_into(page, "#code", pyotp.TOTP(coordinator.totp_secret).now())
    press_enter_on(page, "form[action^='/inloggen'] button[type=submit]")
    page.wait_for_load_state()

    # The main navigation leads to the trajectories.
    page.goto(url("/werk"))
    press_enter_on(page, f"nav a[href='{TRAJECTORIES}']")
    page.wait_for_url(f"**{TRAJECTORIES}")
    assert page.locator("h1").inner_text() == "Gezinslab: trajecten"
    row = page.locator(f"#traject-{ids['trajectory']}").inner_text()
    assert "Gezin Visser" in row
    assert "Lopend" in row
    assert "03-02-2025" in row
    axe.check(page, "gl-01-trajecten")

    press_enter_on(page, f"a[href='{path}']")
    page.wait_for_url(f"**{path}")
    assert page.locator("h1").inner_text() == "Gezinslab: Gezin Visser"
    progress = page.locator("#voortgang-financien").inner_text()
    assert "Financiën" in progress
    assert "+2 (beter)" in progress
    assert "Wim Dijkstra (Vrijwilliger)" in page.locator("#team-lijst").inner_text()
    assert "Uitvoerder: Wim Dijkstra, klaar op 01-06-2025" in page.locator("#acties").inner_text()
    assert "Totaal vermeden: €" in page.locator("#kosten-totaal").inner_text()
    tab_to(page, f"a[href='/huishoudens/{ids['household']}']")  # the household is reachable
    axe.check(page, "gl-02-traject")

    # An empty goal: refused in Dutch next to the field.
    page.goto(url(path))
    press_enter_on(page, "form[action*='/doelen#'] button[type=submit]")
    assert page.locator("#text-fout").inner_text() == (
        "Schrijf het doel op in de woorden van het gezin."
    )
    assert page.locator("#text").get_attribute("aria-invalid") == "true"
    assert len(goals_of(platform, ids["trajectory"])) == 1
    axe.check(page, "gl-03-doel-fout")

    # The goal in the family's own words, with the life domain it touches, by keyboard.
    type_into(page, "#text", "Weer rust in huis")
    tab_to(page, "input[name=domains][value=huiselijke_relaties]")
    page.keyboard.press("Space")
    assert page.locator("input[name=domains][value=huiselijke_relaties]").is_checked()
    press_enter_on(page, "form[action*='/doelen#'] button[type=submit]")
    page.wait_for_url(f"**{path}#doelen")
    assert goals_of(platform, ids["trajectory"])[-1] == (
        "Weer rust in huis",
        ["huiselijke_relaties"],
    )
    goals = page.locator("#doelen-lijst").inner_text()
    assert "Weer rust in huis (Huiselijke relaties)" in goals
    assert "Nog niet bereikt" in goals
    axe.check(page, "gl-04-doel-vastgelegd")

    with capsys.disabled():
        print("\n" + axe.summary())
    assert axe.violations == 0, axe.summary()
