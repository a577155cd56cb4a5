"""The privacy officer's pages: the access log, data-subject rights and the retention
register, in Dutch, with form errors next to the field."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from noaber.people.models import Person
from noaber.people.schemas import PersonIn
from noaber.people.services import create_person
from noaber.privacy.models import AccessLogEntry, RemovalRegister
from noaber.tenancy.context import tenant_scope
from noaber.ui.accounts import available as accounts_available

pytestmark = pytest.mark.skipif(
    not accounts_available(), reason="the accounts layer (noaber.accounts) is not installed"
)

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def a_person(platform, name="Wietske"):
    with platform.sessions.begin() as session, tenant_scope("meppel"):
        person = create_person(
            session, platform.tenants["meppel"].plugins, PersonIn(given_name=name)
        )
        return person.id


def test_the_privacy_officer_has_its_own_navigation_and_no_case_pages(client_for):
    officer = client_for("meppel", role="privacy_officer")
    page = officer.get("/privacy/logboek")
    assert page.status_code == 200
    for label in ("Toegangslogboek", "Rechten van betrokkenen", "Bewaarregister"):
        assert label in page.text
    assert 'href="/werk"' not in page.text
    assert 'href="/aanvragen"' not in page.text
    assert officer.get("/werk").status_code == 403
    users = client_for("meppel").get("/beheer/gebruikers")
    assert users.status_code == 200
    admin_page = client_for("meppel").get("/privacy/bewaarregister")
    assert admin_page.status_code == 200  # functioneel beheer keeps these pages
    assert client_for("meppel", role="coordinator").get("/privacy/logboek").status_code == 403


def test_the_role_has_a_dutch_name(client_for):
    client_for("meppel", role="privacy_officer")
    users = client_for("meppel").get("/beheer/gebruikers")
    assert "Functionaris gegevensbescherming" in users.text


def test_access_log_search_filters_and_keeps_what_was_typed(platform, client_for):
    person_id = a_person(platform)
    admin = client_for("meppel")
    assert admin.get(f"/api/people/{person_id}").status_code == 200
    officer = client_for("meppel", role="privacy_officer")
    found = officer.get("/privacy/logboek", params={"subject_person_id": str(person_id)})
    assert found.status_code == 200
    assert "municipality_admin" in found.text
    bad = officer.get("/privacy/logboek", params={"subject_person_id": "twaalf"})
    assert bad.status_code == 422
    assert 'id="subject_person_id-fout"' in bad.text
    assert 'value="twaalf"' in bad.text
    with tenant_scope("meppel"), platform.sessions() as session:
        purposes = {
            e.purpose
            for e in session.exec(
                select(AccessLogEntry).where(AccessLogEntry.route == "GET /privacy/logboek")
            ).all()
        }
    assert purposes == {"privacy supervision"}


def test_erasure_from_the_page_needs_a_reason_and_lands_in_the_register(platform, client_for):
    person_id = a_person(platform, name="Tjitske")
    officer = client_for("meppel", role="privacy_officer")
    unknown = officer.get("/privacy/betrokkenen", params={"persoon": "99999999"})
    assert unknown.status_code == 422
    assert "Er is geen persoon met dit nummer." in unknown.text
    page = officer.get("/privacy/betrokkenen", params={"persoon": str(person_id)})
    assert page.status_code == 200
    assert "Tjitske" in page.text
    assert f"/api/people/{person_id}/export?format=html" in page.text
    token = CSRF.search(page.text).group(1)
    officer.auto_csrf = False
    no_token = officer.post(f"/privacy/betrokkenen/{person_id}/wissen", data={"reason": "x"})
    assert no_token.status_code == 403
    empty = officer.post(
        f"/privacy/betrokkenen/{person_id}/wissen", data={"reason": "", "_csrf_token": token}
    )
    assert empty.status_code == 422
    assert 'id="reason-fout"' in empty.text
    with platform.sessions() as session, tenant_scope("meppel"):
        assert session.get(Person, person_id).given_name == "Tjitske"
    done = officer.post(
        f"/privacy/betrokkenen/{person_id}/wissen",
        data={"reason": "verzoek van 12 november", "_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/privacy/bewaarregister"
    with platform.sessions() as session, tenant_scope("meppel"):
        assert session.get(Person, person_id).given_name != "Tjitske"
        register = session.exec(
            select(RemovalRegister).where(RemovalRegister.object_id == str(person_id))
        ).all()
    assert register
    listing = officer.get("/privacy/bewaarregister")
    assert listing.status_code == 200
    assert "verzoek van 12 november" in listing.text
    assert "Tjitske" not in listing.text


def test_a_privacy_officer_lands_on_the_access_log_after_login(platform, client_for):
    import pyotp

    from noaber.testing import create_test_account

    identity = create_test_account(platform, "meppel", role="privacy_officer")
    client = client_for("meppel", anonymous=True)
    response = client.post(
        "/inloggen",
        data={
            "email": identity.email,
            "password": identity.password,
            "code": pyotp.TOTP(identity.totp_secret).now(),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/privacy/logboek"
