"""Accepted writes through the core pages name their data subjects in the access log:
an intake or referral names the household's members, a volunteer's availability and
hours name the volunteer. The test client also checks every accepted write itself."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlmodel import select

from noaber.demo.seed import seed_demo
from noaber.matching.models import Match
from noaber.people.models import HelperProfile, HouseholdMember, Professional
from noaber.requests.models import HelpRequest
from noaber.requests.types import request_types_of
from noaber.tenancy.context import tenant_scope
from noaber.testing import (
    create_test_account,
    form_token,
    logged_subjects,
    routes_naming_no_one,
)
from noaber.ui.accounts import available as accounts_available

SLUG = "meppel"


def _postcode(platform) -> str:
    return platform.tenants[SLUG].municipality.config.neighbourhoods[0].postcodes[0] + " AB"


def _members(platform, household_id: int) -> set[int]:
    with platform.sessions() as session, tenant_scope(SLUG):
        rows = session.exec(
            select(HouseholdMember.person_id).where(HouseholdMember.household_id == household_id)
        ).all()
    return set(rows)


def _newest_request(platform) -> HelpRequest:
    with platform.sessions() as session, tenant_scope(SLUG):
        found = session.exec(select(HelpRequest).order_by(HelpRequest.id.desc())).first()  # type: ignore[union-attr]
        assert found is not None
        session.expunge(found)
        return found


def test_an_intake_for_a_new_person_names_that_person(platform, client_for):
    coordinator = client_for(SLUG, role="coordinator")
    token = form_token(coordinator.get("/aanvragen/nieuw"), "/aanvragen/nieuw")
    response = coordinator.post(
        "/aanvragen/nieuw",
        data={
            "form_token": token,
            "type": "hulpvraag",
            "asked_by": "self",
            "given_name": "Annie",
            "postcode": _postcode(platform),
            "description": "Hulp bij boodschappen",
            "urgency": "normal",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    created = _newest_request(platform)
    assert response.headers["location"] == f"/aanvragen/{created.id}"
    assert created.person_id is not None
    expected = {created.person_id}
    if created.household_id is not None:
        expected |= _members(platform, created.household_id)
    assert logged_subjects(platform, SLUG, response) == expected


def test_an_intake_for_a_known_household_names_its_members(platform, client_for):
    seed_demo(platform)
    with platform.sessions() as session, tenant_scope(SLUG):
        household_id = session.exec(select(HouseholdMember.household_id)).first()
    assert household_id is not None
    members = _members(platform, household_id)
    coordinator = client_for(SLUG, role="coordinator")
    token = form_token(coordinator.get("/aanvragen/nieuw"), "/aanvragen/nieuw")
    response = coordinator.post(
        "/aanvragen/nieuw",
        data={
            "form_token": token,
            "type": "hulpvraag",
            "asked_by": "self",
            "household_id": str(household_id),
            "description": "Hulp in de tuin",
            "urgency": "normal",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert _newest_request(platform).household_id == household_id
    assert members
    assert logged_subjects(platform, SLUG, response) == members


def test_a_referral_names_the_new_household_members(platform, client_for):
    seed_demo(platform)
    professional = client_for(SLUG, role="professional", professional_id=_professional_id(platform))
    token = form_token(professional.get("/verwijzen"), "/verwijzen")
    response = professional.post(
        "/verwijzen",
        data={
            "form_token": token,
            "type": "hulpvraag",
            "household_name": "Gezin De Vries",
            "parent_name": "Ingrid",
            "postcode": _postcode(platform),
            "child_birth_years": "2015, 2018",
            "description": "Ondersteuning bij de opvoeding",
            "urgency": "normal",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/mijn/dossiers?verwezen=1"
    created = _newest_request(platform)
    assert created.household_id is not None
    members = _members(platform, created.household_id)
    assert len(members) == 3  # the parent and two children
    assert logged_subjects(platform, SLUG, response) == members


def _helper_with_match(platform) -> tuple[int, int, int]:
    """A demo helper with a person and a running coupling (one it can enter hours for):
    (helper id, its person, the match)."""
    types = request_types_of(platform.tenants[SLUG].plugins).types
    with platform.sessions() as session, tenant_scope(SLUG):
        rows = session.exec(
            select(
                HelperProfile.id, HelperProfile.person_id, Match.id, Match.status, HelpRequest.type
            )
            .join(Match, Match.helper_id == HelperProfile.id)  # type: ignore[arg-type]
            .join(HelpRequest, HelpRequest.id == Match.request_id)  # type: ignore[arg-type]
            .where(HelperProfile.person_id.is_not(None))  # type: ignore[union-attr]
        ).all()
    running = [
        (helper_id, person_id, match_id)
        for helper_id, person_id, match_id, status, kind in rows
        if kind in types and status in types[kind].load_statuses
    ]
    assert running
    return running[0]


def _professional_id(platform) -> int:
    with platform.sessions() as session, tenant_scope(SLUG):
        found = session.exec(select(Professional.id)).first()
    assert found is not None
    return found


def test_availability_names_the_volunteer(platform, client_for):
    seed_demo(platform)
    helper_id, person_id, _match = _helper_with_match(platform)
    volunteer = client_for(SLUG, role="volunteer", helper_id=helper_id)
    page = volunteer.get("/mijn/beschikbaarheid")
    assert page.status_code == 200
    response = volunteer.post(
        "/mijn/beschikbaarheid",
        data={
            "availability": ["mon_morning", "wed_afternoon"],
            "max_load": "2",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/mijn/beschikbaarheid?opgeslagen=1"
    with platform.sessions() as session, tenant_scope(SLUG):
        helper = session.get(HelperProfile, helper_id)
        assert helper is not None
        assert list(helper.availability) == ["mon_morning", "wed_afternoon"]
    assert logged_subjects(platform, SLUG, response) == {person_id}


def test_hours_name_the_volunteer(platform, client_for):
    seed_demo(platform)
    helper_id, person_id, match_id = _helper_with_match(platform)
    volunteer = client_for(SLUG, role="volunteer", helper_id=helper_id)
    token = form_token(volunteer.get("/mijn/klussen"), "/mijn/uren")
    response = volunteer.post(
        "/mijn/uren",
        data={
            "form_token": token,
            "match_id": str(match_id),
            "on": "2024-01-15",
            "hours": "1,5",
            "note": "Boodschappen gedaan",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/mijn/klussen?opgeslagen=1"
    # The volunteer (and their household, as for every view of a helper), and the
    # household whose timeline the hours extend.
    with platform.sessions() as session, tenant_scope(SLUG):
        own_households = session.exec(
            select(HouseholdMember.household_id).where(HouseholdMember.person_id == person_id)
        ).all()
        match = session.get(Match, match_id)
        assert match is not None
        help_request = session.get(HelpRequest, match.request_id)
        assert help_request is not None
        asker, household_id = help_request.person_id, help_request.household_id
    expected = {person_id} | ({asker} if asker is not None else set())
    for household in [household_id, *own_households]:
        if household is not None:
            expected |= _members(platform, household)
    assert logged_subjects(platform, SLUG, response) == expected


CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _csrf(page) -> str:
    found = CSRF.search(page.text)
    assert found, "the page has no CSRF field"
    return found.group(1)


@pytest.mark.skipif(not accounts_available(), reason="no accounts layer (noaber.accounts)")
def test_the_second_login_step_names_no_one_and_passes_the_write_check(platform, client_for):
    """The code after the password changes only the actor's own session: the route says
    so (names_no_one), and the client's check of the accepted write passes."""
    identity = create_test_account(platform, SLUG, role="coordinator")
    assert identity.totp_secret is not None
    client = client_for(SLUG, anonymous=True)
    password_step = client.post(
        "/inloggen",
        data={"email": identity.email, "password": identity.password, "next": "/aanvragen"},
        follow_redirects=False,
    )
    assert password_step.status_code == 200
    assert 'action="/inloggen/code"' in password_step.text
    response = client.post(
        "/inloggen/code",
        data={
            "code": pyotp.TOTP(identity.totp_secret).now(),
            "next": "/aanvragen",
            "_csrf_token": _csrf(password_step),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/aanvragen"
    assert logged_subjects(platform, SLUG, response) == set()
    assert client.get("/aanvragen", follow_redirects=False).status_code == 200


@pytest.mark.skipif(not accounts_available(), reason="no accounts layer (noaber.accounts)")
def test_renewing_the_second_factor_names_no_one(platform, client_for):
    """Step 1 of a new authenticator app (the current password) touches only the actor's
    own account. It answers the new secret's page (200), not a redirect, so the client's
    check of accepted writes does not apply; its entry names nobody, which the route
    declares."""
    client = client_for(SLUG, role="coordinator")
    assert client.identity is not None
    settings = client.get("/instellingen/tweestapsverificatie")
    response = client.post(
        "/instellingen/tweestapsverificatie",
        data={"password": client.identity.password, "_csrf_token": _csrf(settings)},
    )
    assert response.status_code == 200
    assert 'action="/instellingen/tweestapsverificatie/bevestigen"' in response.text
    assert logged_subjects(platform, SLUG, response) == set()
    assert "POST /instellingen/tweestapsverificatie" in routes_naming_no_one(client.app)
