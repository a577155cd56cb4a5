"""Accounts: passwords, login with TOTP, brute-force limits, password reset, disabling."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlmodel import select

from noaber.accounts import passwords
from noaber.accounts.models import Account
from noaber.errors import InvalidInput
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import TEST_PASSWORD, create_test_account


def login(client, identity, *, totp=True, password=None):
    body = {"email": identity.email, "password": password or identity.password}
    if totp and identity.totp_secret:
        body["totp_code"] = pyotp.TOTP(identity.totp_secret).now()
    return client.post("/api/auth/login", json=body)


def log_rows(platform, slug, **where):
    with tenant_scope(slug), platform.sessions.begin() as session:
        rows = session.exec(select(AccessLogEntry)).all()
        return [r for r in rows if all(getattr(r, k) == v for k, v in where.items())]


def test_hashes_are_argon2id_with_at_least_the_owasp_minimum():
    stored = passwords.hash_password("a long enough passphrase 42")
    match = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", stored)
    assert match, stored
    memory, time_cost, lanes = map(int, match.groups())
    assert memory >= 19 * 1024
    assert time_cost >= 2
    assert lanes == 1
    assert passwords.verify_password(stored, "a long enough passphrase 42")
    assert not passwords.verify_password(stored, "a long enough passphrase 43")


@pytest.mark.parametrize(
    "password", ["welkom123", "Wachtwoord2024!", "Password123456", "short", "aaaaaaaaaaaaaaaa"]
)
def test_common_short_and_trivial_passwords_are_refused(password):
    with pytest.raises(InvalidInput) as refused:
        passwords.check_policy(password)
    assert refused.value.extra["field"] == "password"


def test_a_good_passphrase_is_accepted():
    passwords.check_policy("tulpen in de regen van Meppel")


def test_login_needs_the_second_factor_for_staff(platform, client_for):
    identity = create_test_account(platform, "meppel", role="coordinator")
    client = client_for("meppel", anonymous=True)
    assert client.get("/api/people").status_code == 401
    first = login(client, identity, totp=False)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "totp_required"
    # Password alone is not enough for staff: the domain routes still refuse.
    refused = client.get("/api/people")
    assert refused.status_code == 401
    assert refused.json()["mfa"] == "required"
    code = pyotp.TOTP(identity.totp_secret).now()
    second = client.post("/api/auth/totp", json={"code": code})
    assert second.status_code == 200, second.text
    assert second.json()["status"] == "ok"
    assert client.get("/api/people").status_code == 200
    # The same code cannot be replayed.
    again = client_for("meppel", anonymous=True)
    login(again, identity, totp=False)
    assert again.post("/api/auth/totp", json={"code": code}).status_code == 401


def test_staff_without_totp_must_enrol_before_using_anything(platform, client_for):
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        from noaber.accounts.services import create_account

        create_account(
            session,
            email="nieuw@meppel.test",
            display_name="Nieuwe coördinator",
            role="coordinator",
            password="tulpen in de regen van Meppel",
        )
    client = client_for("meppel", anonymous=True)
    response = client.post(
        "/api/auth/login",
        json={"email": "nieuw@meppel.test", "password": "tulpen in de regen van Meppel"},
    )
    assert response.json()["status"] == "totp_enrolment_required"
    assert client.get("/api/people").status_code == 401
    enrol = client.post("/api/auth/totp/enrol")
    assert enrol.status_code == 201, enrol.text
    secret = enrol.json()["secret"]
    assert enrol.json()["otpauth_uri"].startswith("otpauth://totp/")
    assert client.post("/api/auth/totp/confirm", json={"code": "000000"}).status_code == 422
    confirm = client.post("/api/auth/totp/confirm", json={"code": pyotp.TOTP(secret).now()})
    assert confirm.status_code == 200, confirm.text
    assert client.get("/api/people").status_code == 200


def test_a_resident_logs_in_with_a_password_only(platform, client_for):
    identity = create_test_account(platform, "meppel", role="resident")
    client = client_for("meppel", anonymous=True)
    response = login(client, identity)
    assert response.json()["status"] == "ok"
    # ...but a resident is not staff: the domain routes are closed to them.
    assert client.get("/api/people").status_code == 403


def test_wrong_passwords_are_refused_logged_and_lock_the_account(platform, client_for):
    identity = create_test_account(platform, "meppel", role="coordinator")
    client = client_for("meppel", anonymous=True)
    for _ in range(5):
        response = login(client, identity, password="wrong password!!")
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
    locked = login(client, identity)
    assert locked.status_code == 429
    denied = log_rows(platform, "meppel", object_type="account", result="denied")
    assert len(denied) == 5
    assert all(r.object_id == str(identity.account_id) for r in denied)
    # Nothing in the log is the password.
    assert all("wrong" not in (r.route or "") for r in denied)
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        account = session.get(Account, identity.account_id)
        assert account.failed_logins == 5
        assert account.locked_until is not None


def test_unknown_accounts_get_the_same_answer(client_for):
    client = client_for("meppel", anonymous=True)
    response = client.post(
        "/api/auth/login", json={"email": "niemand@meppel.test", "password": "whatever it is"}
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "E-mailadres of wachtwoord onjuist."


def test_many_attempts_from_one_address_are_limited(make_platform, client_for):
    platform = make_platform(login_attempts_per_window=3)
    from litestar.testing import TestClient

    from noaber.testing import HostClient
    from noaber.web.app import create_app

    with TestClient(create_app(platform), raise_server_exceptions=False) as raw:
        client = HostClient(raw, "meppel.localhost")
        statuses = [
            client.post(
                "/api/auth/login", json={"email": f"x{i}@meppel.test", "password": "nope nope"}
            ).status_code
            for i in range(5)
        ]
    assert statuses == [401, 401, 401, 429, 429]


def test_password_reset_link_is_single_use_and_ends_sessions(platform, client_for):
    identity = create_test_account(platform, "meppel", role="resident")
    client = client_for("meppel", anonymous=True)
    assert login(client, identity).status_code == 200
    other = client_for("meppel", anonymous=True)
    accepted = other.post("/api/auth/password-reset", json={"email": identity.email})
    assert accepted.status_code == 202
    unknown = other.post("/api/auth/password-reset", json={"email": "niemand@meppel.test"})
    assert unknown.json() == accepted.json()  # no account enumeration
    mail = other.app.state.mailer.outbox[-1]
    assert mail.to == identity.email
    token = re.search(r"token=([\w-]+)", mail.body).group(1)
    weak = other.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "welkom123"}
    )
    assert weak.status_code == 422
    new_password = "lange zinnen zijn sterke wachtwoorden"
    done = other.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": new_password}
    )
    assert done.status_code == 200, done.text
    again = other.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": new_password + "!"}
    )
    assert again.status_code == 422
    # The old session ended; the old password no longer works, the new one does.
    assert client.get("/api/auth/session").json()["authenticated"] is False
    assert login(client, identity).status_code == 401
    assert login(client, identity, password=new_password).status_code == 200
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        stored = session.get(Account, identity.account_id).password_hash
    assert token not in stored
    assert new_password not in stored
    assert not [r for r in log_rows(platform, "meppel") if token in (r.route or "")]


def test_disabling_an_account_ends_its_sessions(client_for):
    admin = client_for("meppel")
    coordinator = client_for("meppel", role="coordinator")
    assert coordinator.get("/api/people").status_code == 200
    response = admin.post(f"/api/accounts/{coordinator.identity.account_id}/disable")
    assert response.status_code == 200, response.text
    assert coordinator.get("/api/people").status_code == 401


def test_logout_everywhere_ends_every_session(platform, client_for):
    identity = create_test_account(platform, "meppel", role="resident")
    phone, laptop = client_for("meppel", anonymous=True), client_for("meppel", anonymous=True)
    login(phone, identity)
    login(laptop, identity)
    assert phone.post("/api/auth/logout", json={"everywhere": True}).status_code == 200
    assert phone.get("/api/auth/session").json()["authenticated"] is False
    assert laptop.get("/api/auth/session").json()["authenticated"] is False


def test_the_test_password_is_not_common():
    passwords.check_policy(TEST_PASSWORD)


def test_the_privacy_officer_is_made_by_the_command_and_needs_two_factor(
    client_for, database_url, migration_database_url
):
    from click.testing import CliRunner

    from noaber.cli import main

    runner = CliRunner(
        env={
            "DATABASE_URL": database_url,
            "NOABER_MIGRATION_DATABASE_URL": migration_database_url,
            "COLUMNS": "200",  # the table is not cut off
        }
    )
    made = runner.invoke(
        main,
        [
            "accounts",
            "create",
            "-t",
            "meppel",
            "fg@meppel.test",
            "--name",
            "Functionaris",
            "--role",
            "privacy_officer",
            "--password",
            "een lange zin als wachtwoord",
        ],
    )
    assert made.exit_code == 0, made.output
    listed = runner.invoke(main, ["accounts", "list", "-t", "meppel"])
    assert "privacy_officer" in listed.output
    client = client_for("meppel", anonymous=True)
    login = client.post(
        "/api/auth/login",
        json={"email": "fg@meppel.test", "password": "een lange zin als wachtwoord"},
    )
    assert login.json()["status"] == "totp_enrolment_required"
    assert login.json()["programmes"] == ["*"]
    assert client.get("/api/privacy/access-log").status_code == 401  # not before 2FA
    secret = client.post("/api/auth/totp/enrol").json()["secret"]
    confirmed = client.post("/api/auth/totp/confirm", json={"code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 200, confirmed.text
    assert client.get("/api/privacy/access-log").status_code == 200
    assert client.get("/api/people").status_code == 403


def test_an_admin_mails_a_reset_link_and_the_entry_names_the_account_s_person(platform, client_for):
    from noaber.testing import logged_subjects

    admin = client_for("meppel")
    made = admin.post("/api/people", json={"given_name": "Anna", "family_name": "Visser"})
    assert made.status_code == 201, made.text
    person_id = int(made.json()["id"])
    identity = create_test_account(platform, "meppel", role="resident", person_id=person_id)
    response = admin.post(f"/api/accounts/{identity.account_id}/password-reset")
    assert response.status_code == 202, response.text
    assert admin.app.state.mailer.outbox[-1].to == identity.email
    assert logged_subjects(platform, "meppel", response) == {person_id}
    # A staff account has no person: the route says why its entry names no one.
    coordinator = create_test_account(platform, "meppel", role="coordinator")
    staff = admin.post(f"/api/accounts/{coordinator.account_id}/password-reset")
    assert staff.status_code == 202, staff.text
    assert admin.app.state.mailer.outbox[-1].to == coordinator.email
    assert logged_subjects(platform, "meppel", staff) == set()
