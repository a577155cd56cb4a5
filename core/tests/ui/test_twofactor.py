"""Two-step verification in the web interface: enrolment at the first login of a staff
account (nothing else until it is done) and re-enrolment from the settings."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlmodel import col, select

from noaber.accounts.models import Account
from noaber.accounts.services import create_account
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import create_test_account
from noaber.ui.accounts import available as accounts_available

pytestmark = pytest.mark.skipif(
    not accounts_available(), reason="the accounts layer (noaber.accounts) is not installed"
)

PASSWORD = "tulpen in de regen van Meppel"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def account_row(platform, email, slug="meppel"):
    with tenant_scope(slug), platform.sessions() as session:
        return session.exec(select(Account).where(Account.email == email)).one()


def new_staff_account(platform, email="nieuw@meppel.test", role="coordinator"):
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        create_account(
            session, email=email, display_name="Nieuwe collega", role=role, password=PASSWORD
        )
    return email


def csrf_of(page):
    found = CSRF.search(page.text)
    assert found, "the page has no CSRF field"
    return found.group(1)


def test_a_staff_account_without_totp_is_sent_to_enrolment_and_nowhere_else(platform, client_for):
    email = new_staff_account(platform)
    client = client_for("meppel", anonymous=True)
    login = client.post(
        "/inloggen",
        data={"email": email, "password": PASSWORD, "next": "/aanvragen"},
        follow_redirects=False,
    )
    assert login.status_code == 303
    assert login.headers["location"] == "/tweestapsverificatie?next=/aanvragen"
    # Other staff pages and the API refuse until the second factor is set up.
    work = client.get("/werk", follow_redirects=False)
    assert work.status_code == 303
    assert work.headers["location"] == "/inloggen?next=/werk"
    back = client.get("/inloggen?next=/werk", follow_redirects=False)
    assert back.headers["location"] == "/tweestapsverificatie?next=/werk"
    assert client.get("/api/people").status_code == 401

    page = client.get("/tweestapsverificatie?next=/aanvragen")
    assert page.status_code == 200
    assert "Tweestapsverificatie instellen" in page.text
    secret = account_row(platform, email).totp_secret
    assert secret
    assert '<svg role="img"' in page.text
    assert "<title>QR-code voor uw authenticator-app</title>" in page.text
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page.text
    assert "Telefoon kwijt?" in page.text
    assert "functioneel beheer" in page.text
    assert 'href="/werk"' not in page.text  # no links to pages that refuse
    # Shown again: the same secret (the app may have scanned it already).
    assert client.get("/tweestapsverificatie").status_code == 200
    assert account_row(platform, email).totp_secret == secret
    assert not account_row(platform, email).totp_enabled

    token = csrf_of(page)
    refused = client.post("/tweestapsverificatie", data={"code": "123456"})
    assert refused.status_code == 403  # no CSRF token
    wrong_code = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    wrong = client.post(
        "/tweestapsverificatie",
        data={"code": wrong_code, "_csrf_token": token, "next": "/aanvragen"},
    )
    assert wrong.status_code == 422
    assert 'id="code-fout"' in wrong.text
    assert "De code klopt niet." in wrong.text
    assert f'value="{wrong_code}"' in wrong.text  # what was typed is kept
    assert 'aria-invalid="true"' in wrong.text
    assert not account_row(platform, email).totp_enabled

    right = client.post(
        "/tweestapsverificatie",
        data={"code": pyotp.TOTP(secret).now(), "_csrf_token": token, "next": "/aanvragen"},
        follow_redirects=False,
    )
    assert right.status_code == 303, right.text
    assert right.headers["location"] == "/aanvragen"
    assert account_row(platform, email).totp_enabled
    assert client.get("/aanvragen").status_code == 200
    assert client.get("/api/people").status_code == 200

    with tenant_scope("meppel"), platform.sessions() as session:
        account_id = account_row(platform, email).id
        entries = session.exec(
            select(AccessLogEntry).where(
                col(AccessLogEntry.route).in_(
                    ["GET /tweestapsverificatie", "POST /tweestapsverificatie"]
                ),
                AccessLogEntry.object_id == str(account_id),
            )
        ).all()
    assert {e.action for e in entries} >= {"read", "update"}
    assert {e.object_type for e in entries} == {"account"}
    assert all(secret not in (e.object_id or "") for e in entries)


def test_an_empty_code_is_a_dutch_error_next_to_the_field(platform, client_for):
    email = new_staff_account(platform, email="leeg@meppel.test", role="professional")
    client = client_for("meppel", anonymous=True)
    client.post("/inloggen", data={"email": email, "password": PASSWORD}, follow_redirects=False)
    token = csrf_of(client.get("/tweestapsverificatie"))
    empty = client.post("/tweestapsverificatie", data={"code": "", "_csrf_token": token})
    assert empty.status_code == 422
    assert "Vul de code van zes cijfers uit de app in." in empty.text


def test_reenrolment_needs_the_password_and_a_code_from_the_new_app(platform, client_for):
    client = client_for("meppel", role="coordinator")
    identity = client.identity
    settings = client.get("/instellingen/tweestapsverificatie")
    assert settings.status_code == 200
    assert "Tweestapsverificatie staat aan" in settings.text
    token = csrf_of(settings)

    wrong = client.post(
        "/instellingen/tweestapsverificatie",
        data={"password": "niet mijn wachtwoord", "_csrf_token": token},
    )
    assert wrong.status_code == 422
    assert 'id="password-fout"' in wrong.text
    assert "Het wachtwoord klopt niet." in wrong.text
    assert account_row(platform, identity.email).totp_secret == identity.totp_secret

    step1 = client.post(
        "/instellingen/tweestapsverificatie",
        data={"password": identity.password, "_csrf_token": token},
    )
    assert step1.status_code == 200
    assert "Nieuwe authenticator-app instellen" in step1.text
    groups = re.search(r'class="noaber-secret">([A-Z2-7 ]+)<', step1.text)
    assert groups
    new_secret = groups.group(1).replace(" ", "")
    assert new_secret != identity.totp_secret
    # Not active yet: the old secret still counts.
    assert account_row(platform, identity.email).totp_secret == identity.totp_secret

    old_code = client.post(
        "/instellingen/tweestapsverificatie/bevestigen",
        data={"code": pyotp.TOTP(identity.totp_secret).now(), "_csrf_token": token},
    )
    if pyotp.TOTP(identity.totp_secret).now() != pyotp.TOTP(new_secret).now():
        assert old_code.status_code == 422
        assert "De code klopt niet." in old_code.text
    epoch = account_row(platform, identity.email).session_epoch
    done = client.post(
        "/instellingen/tweestapsverificatie/bevestigen",
        data={"code": pyotp.TOTP(new_secret).now(), "_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/instellingen/tweestapsverificatie?gewijzigd=1"
    row = account_row(platform, identity.email)
    assert row.totp_secret == new_secret
    assert row.session_epoch == epoch + 1  # other sessions end
    confirmed = client.get(done.headers["location"])
    assert confirmed.status_code == 200  # this session goes on
    assert "Uw nieuwe authenticator-app is ingesteld" in confirmed.text


def test_reenrolment_needs_the_second_factor_done(platform, client_for):
    identity = create_test_account(platform, "meppel", role="coordinator")
    client = client_for("meppel", anonymous=True)
    client.post(
        "/inloggen",
        data={"email": identity.email, "password": identity.password},
        follow_redirects=False,
    )
    response = client.get("/instellingen/tweestapsverificatie", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/inloggen")


def test_the_admin_resets_a_lost_phone_and_the_user_enrols_again(platform, client_for):
    coordinator = client_for("meppel", role="coordinator")
    identity = coordinator.identity
    assert coordinator.get("/werk").status_code == 200
    admin = client_for("meppel")
    users = admin.get("/beheer/gebruikers")
    account_id = account_row(platform, identity.email).id
    assert f'action="/beheer/gebruikers/{account_id}/tweestapsverificatie"' in users.text
    assert (
        client_for("meppel", role="coordinator")
        .post(f"/beheer/gebruikers/{account_id}/tweestapsverificatie")
        .status_code
        == 403
    )
    done = admin.post(
        f"/beheer/gebruikers/{account_id}/tweestapsverificatie", follow_redirects=False
    )
    assert done.status_code == 303
    row = account_row(platform, identity.email)
    assert not row.totp_enabled
    assert row.totp_secret is None
    # Every session of the account ended; the next login leads to enrolment.
    assert coordinator.get("/werk", follow_redirects=False).status_code == 303
    again = client_for("meppel", anonymous=True)
    login = again.post(
        "/inloggen",
        data={"email": identity.email, "password": identity.password},
        follow_redirects=False,
    )
    assert login.headers["location"] == "/tweestapsverificatie"
