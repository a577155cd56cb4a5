"""Single sign-on for staff against an identity provider the test starts itself."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from oidc_idp import IdentityProvider

from noaber.accounts.sessions import COOKIE_NAME
from noaber.testing import create_test_account

SLUG = "leeuwarden"


@pytest.fixture
def idp():
    with IdentityProvider() as provider:
        yield provider


@pytest.fixture
def platform(make_platform, idp):
    return make_platform(oidc_providers={SLUG: idp.provider_settings()})


def sso(client, idp, user):
    idp.next_user = user
    start = client.get("/api/auth/oidc/login", follow_redirects=False)
    assert start.status_code == 302, start.text
    location = start.headers["location"]
    assert location.startswith(f"{idp.issuer}/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [f"http://{client.host}/api/auth/oidc/callback"]
    back = httpx.get(location, follow_redirects=False)
    assert back.status_code == 302
    callback = urlsplit(back.headers["location"])
    return client.get(f"{callback.path}?{callback.query}", follow_redirects=False)


def test_staff_log_in_with_the_municipality_identity_provider(platform, client_for, idp):
    identity = create_test_account(platform, SLUG, role="coordinator", email="coord@leeuwarden.nl")
    client = client_for(SLUG, anonymous=True)
    done = sso(
        client, idp, {"sub": "idp-123", "email": "coord@leeuwarden.nl", "email_verified": True}
    )
    assert done.status_code == 302, done.text
    assert done.headers["location"] == "/"
    session = client.get("/api/auth/session").json()
    assert session["authenticated"]
    assert session["role"] == "coordinator"
    assert client.get("/api/people").status_code == 200
    # The subject is now linked: a later login finds the account by it, not by e-mail.
    again = client_for(SLUG, anonymous=True)
    assert sso(again, idp, {"sub": "idp-123"}).status_code == 302
    assert again.get("/api/people").status_code == 200
    assert identity.account_id


def test_sso_refuses_residents_unknown_people_and_unverified_email(platform, client_for, idp):
    create_test_account(platform, SLUG, role="resident", email="bewoner@leeuwarden.nl")
    cases = [
        {"sub": "r1", "email": "bewoner@leeuwarden.nl", "email_verified": True},
        {"sub": "u1", "email": "niemand@leeuwarden.nl", "email_verified": True},
        {"sub": "u2", "email": "bewoner@leeuwarden.nl", "email_verified": False},
    ]
    for user in cases:
        client = client_for(SLUG, anonymous=True)
        assert sso(client, idp, user).status_code == 403, user
        assert client.get("/api/people").status_code == 401


def test_a_forged_state_or_wrong_audience_is_refused(platform, client_for, idp):
    create_test_account(platform, SLUG, role="coordinator", email="coord@leeuwarden.nl")
    user = {"sub": "idp-9", "email": "coord@leeuwarden.nl", "email_verified": True}
    client = client_for(SLUG, anonymous=True)
    idp.next_user = user
    location = client.get("/api/auth/oidc/login", follow_redirects=False).headers["location"]
    back = urlsplit(httpx.get(location, follow_redirects=False).headers["location"])
    code = parse_qs(back.query)["code"][0]
    forged = client.get(
        "/api/auth/oidc/callback", params={"code": code, "state": "forged"}, follow_redirects=False
    )
    assert forged.status_code == 401
    idp.audience_override = "another-client"
    other = client_for(SLUG, anonymous=True)
    assert sso(other, idp, user).status_code == 401
    assert COOKIE_NAME not in other.cookies or other.get("/api/people").status_code == 401


def test_a_municipality_without_sso_answers_404(client_for):
    assert client_for("meppel", anonymous=True).get("/api/auth/oidc/login").status_code == 404
