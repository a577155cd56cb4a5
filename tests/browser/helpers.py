"""Data and keyboard helpers for the browser tests."""

from __future__ import annotations

from typing import Any

from sqlmodel import func, select

from noaber.people.models import HelperKind, HelperProfile
from noaber.people.schemas import HelperIn, PersonIn
from noaber.people.services import create_helper, create_person
from noaber.requests.models import HelpRequest
from noaber.tenancy.context import tenant_scope

SLUG = "meppel"
WEEKDAYS = ["mon_morning", "tue_afternoon", "wed_evening", "sat_morning"]


def seed_helpers(platform: Any, slug: str = SLUG) -> dict[str, int]:
    """Three active volunteers in the municipality's first neighbourhoods."""
    tenant = platform.tenants[slug]
    postcodes = [h.postcodes[0] for h in tenant.municipality.config.neighbourhoods]
    ids: dict[str, int] = {}
    with platform.sessions.begin() as session, tenant_scope(slug):
        for i, (name, skills) in enumerate(
            [
                ("Jan Bakker", ["tuin", "klussen"]),
                ("Fatima El Amrani", ["boodschappen"]),
                ("Kees de Vries", ["koken"]),
            ]
        ):
            person = create_person(
                session,
                tenant.plugins,
                PersonIn(
                    given_name=name.split()[0],
                    family_name=name.split()[-1],
                    postcode=postcodes[i % len(postcodes)],
                ),
            )
            helper = create_helper(
                session,
                HelperIn(
                    kind=HelperKind.volunteer,
                    display_name=name,
                    person_id=person.id,
                    skills=skills,
                    availability=WEEKDAYS,
                    max_load=3,
                    reach_anywhere=True,
                ),
            )
            ids[name] = helper.id
    return ids


def count_requests(platform: Any, slug: str = SLUG) -> int:
    with platform.sessions() as session, tenant_scope(slug):
        return int(session.exec(select(func.count()).select_from(HelpRequest)).one())


def count_helpers(platform: Any, slug: str = SLUG) -> int:
    with platform.sessions() as session, tenant_scope(slug):
        return int(session.exec(select(func.count()).select_from(HelperProfile)).one())


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus: proves it is reachable by keyboard."""
    for _ in range(limit):
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def press_enter_on(page: Any, selector: str) -> None:
    """Reach ``selector`` with Tab and press Enter, waiting for the page it loads."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")
