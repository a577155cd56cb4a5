"""Sessions: fixation, timeouts, cookie flags, forged cookies, tenants, CSRF."""

from __future__ import annotations

import pyotp

from noaber.accounts import sessions
from noaber.accounts.sessions import COOKIE_NAME
from noaber.testing import create_test_account


def login(client, identity):
    body = {"email": identity.email, "password": identity.password}
    if identity.totp_secret:
        body["totp_code"] = pyotp.TOTP(identity.totp_secret).now()
    response = client.post("/api/auth/login", json=body)
    assert response.status_code == 200, response.text
    return response


def test_cookie_flags(platform, client_for):
    identity = create_test_account(platform, "meppel", role="resident")
    response = login(client_for("meppel", anonymous=True), identity)
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE_NAME}=")
    for flag in ("httponly", "secure", "samesite=lax", "path=/"):
        assert flag in cookie


def test_login_issues_a_new_session_id_and_the_old_one_dies(platform, client_for):
    identity = create_test_account(platform, "meppel", role="coordinator")
    client = client_for("meppel", anonymous=True)
    body = {"email": identity.email, "password": identity.password}
    client.post("/api/auth/login", json=body)  # password step: a pre-MFA session
    before = client.cookies[COOKIE_NAME]
    code = pyotp.TOTP(identity.totp_secret).now()
    assert client.post("/api/auth/totp", json={"code": code}).status_code == 200
    after = client.cookies[COOKIE_NAME]
    assert after != before
    # An attacker who planted or saw the pre-login id gets nothing with it.
    attacker = client_for("meppel", anonymous=True)
    attacker.cookies[COOKIE_NAME] = before
    assert attacker.get("/api/auth/session").json()["authenticated"] is False
    assert attacker.get("/api/people").status_code == 401
    assert client.get("/api/people").status_code == 200


def test_a_planted_session_id_is_not_adopted_at_login(platform, client_for):
    identity = create_test_account(platform, "meppel", role="resident")
    client = client_for("meppel", anonymous=True)
    client.cookies[COOKIE_NAME] = "a" * 64
    login(client, identity)
    assert client.cookies[COOKIE_NAME] != "a" * 64


def test_forged_cookie_is_anonymous(client_for):
    client = client_for("meppel", anonymous=True)
    client.cookies[COOKIE_NAME] = "0" * 64
    assert client.get("/api/people").status_code == 401


def test_idle_timeout(platform, client_for, monkeypatch):
    client = client_for("meppel")
    assert client.get("/api/people").status_code == 200
    now = sessions.clock()
    idle = platform.settings.session_idle_minutes * 60
    monkeypatch.setattr(sessions, "clock", lambda: now + idle - 5)
    assert client.get("/api/people").status_code == 200
    monkeypatch.setattr(sessions, "clock", lambda: now + idle + 5)
    # The request just before refreshed 'seen' only if it was old enough; idle + 5 after
    # the login the session has been idle longer than allowed either way.
    assert client.get("/api/people").status_code in (200, 401)
    monkeypatch.setattr(sessions, "clock", lambda: now + 3 * idle)
    assert client.get("/api/people").status_code == 401


def test_absolute_timeout_even_when_active(platform, client_for, monkeypatch):
    client = client_for("meppel")
    start = sessions.clock()
    step = platform.settings.session_idle_minutes * 60 // 2
    absolute = platform.settings.session_absolute_hours * 3600
    t = start
    while t < start + absolute - step:
        t += step
        monkeypatch.setattr(sessions, "clock", lambda t=t: t)
        assert client.get("/api/people").status_code == 200
    monkeypatch.setattr(sessions, "clock", lambda: start + absolute + 1)
    assert client.get("/api/people").status_code == 401


def test_a_session_of_one_municipality_is_nothing_on_another(client_for):
    meppel = client_for("meppel")
    stranger = client_for("amersfoort", anonymous=True)
    stranger.cookies.update(meppel.cookies)
    assert stranger.get("/api/people").status_code == 401


def test_csrf_token_required_on_unsafe_requests(client_for):
    client = client_for("meppel")
    body = {"name": "Wijkteam Oost", "kind": "welfare"}
    client.auto_csrf = False
    missing = client.post("/api/organisations", json=body)
    assert missing.status_code == 403
    assert missing.json()["csrf"] == "invalid"
    wrong = client.post("/api/organisations", json=body, headers={"x-csrf-token": "nope"})
    assert wrong.status_code == 403
    client.auto_csrf = True
    assert client.post("/api/organisations", json=body).status_code == 201
    client.auto_csrf = False
    listed = client.get("/api/organisations").json()
    assert listed["total"] == 1  # the refused requests stored nothing


def test_the_test_client_keeps_a_session_whose_id_happens_to_contain_1970(
    platform, client_for, monkeypatch
):
    # HostClient once took any Set-Cookie containing "1970" for a deletion, so about one
    # login in a thousand (a random hex id containing those digits) looked like a logout.
    monkeypatch.setattr(sessions.RotatingBackend, "generate_session_id", lambda self: "ab1970" * 8)
    identity = create_test_account(platform, "meppel", role="resident")
    client = client_for("meppel", anonymous=True)
    login(client, identity)
    assert client.cookies[COOKIE_NAME] == "ab1970" * 8
    assert client.get("/api/auth/session").json()["authenticated"] is True
    assert client.post("/api/auth/logout", json={}).status_code == 200
    assert COOKIE_NAME not in client.cookies  # a real deletion still drops it
