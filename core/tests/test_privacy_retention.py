"""`noaber retention run` and `noaber accounts` on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
from click.testing import CliRunner
from sqlmodel import select

from noaber.cli import main
from noaber.matching.models import Match
from noaber.privacy.models import AccessLogEntry, RemovalRegister
from noaber.privacy.subject import ERASED
from noaber.requests.models import HelpRequest
from noaber.tenancy.context import tenant_scope

SLUG = "meppel"


def cli_env(database_url, migration_database_url):
    return {"DATABASE_URL": database_url, "NOABER_MIGRATION_DATABASE_URL": migration_database_url}


def test_retention_dry_run_then_run(platform, client_for, database_url, migration_database_url):
    admin = client_for(SLUG)
    person = admin.post("/api/people", json={"given_name": "Oud"}).json()
    done = admin.post(
        "/api/requests",
        json={
            "type": "hulpvraag",
            "person_id": person["id"],
            "description": "Oude vraag",
            "asked_by": "self",
        },
    ).json()
    recent = admin.post(
        "/api/requests",
        json={
            "type": "hulpvraag",
            "person_id": person["id"],
            "description": "Nieuwe vraag",
            "asked_by": "self",
        },
    ).json()
    for request_id in (done["id"], recent["id"]):
        admin.post(
            f"/api/requests/{request_id}/transitions", json={"to": "geannuleerd", "reason": "klaar"}
        )
    long_ago = datetime.now(UTC) - timedelta(days=365 * 8)
    with tenant_scope(SLUG), platform.admin_sessions.begin() as session:
        session.get(HelpRequest, done["id"]).updated_at = long_ago
    runner = CliRunner(env=cli_env(database_url, migration_database_url))
    dry = runner.invoke(main, ["retention", "run", "--dry-run", "--tenant", SLUG])
    assert dry.exit_code == 0, dry.output
    assert f"would remove 1 request ({done['id']})" in dry.output
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        assert session.get(HelpRequest, done["id"]).description == "Oude vraag"
        assert session.exec(select(RemovalRegister)).all() == []
    real = runner.invoke(main, ["retention", "run", "--tenant", SLUG])
    assert real.exit_code == 0, real.output
    assert "removed 1 request" in real.output
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        assert session.get(HelpRequest, done["id"]).description == ERASED
        assert session.get(HelpRequest, recent["id"]).description == "Nieuwe vraag"
        register = session.exec(select(RemovalRegister)).all()
        assert [(r.object_type, r.object_id, r.action) for r in register] == [
            ("request", str(done["id"]), "anonymised")
        ]
        assert session.exec(select(Match)).all() == []
        assert session.exec(select(AccessLogEntry)).all()  # recent entries are kept


def test_accounts_command_creates_disables_and_resets(
    client_for, database_url, migration_database_url
):
    runner = CliRunner(env=cli_env(database_url, migration_database_url))
    weak = runner.invoke(
        main,
        [
            "accounts",
            "create",
            "-t",
            SLUG,
            "c@meppel.test",
            "--name",
            "C",
            "--role",
            "coordinator",
            "--password",
            "welkom123",
        ],
    )
    assert weak.exit_code == 1
    made = runner.invoke(
        main,
        [
            "accounts",
            "create",
            "-t",
            SLUG,
            "c@meppel.test",
            "--name",
            "C",
            "--role",
            "coordinator",
            "--password",
            "een lange zin als wachtwoord",
        ],
    )
    assert made.exit_code == 0, made.output
    client = client_for(SLUG, anonymous=True)
    login = client.post(
        "/api/auth/login",
        json={"email": "c@meppel.test", "password": "een lange zin als wachtwoord"},
    )
    assert login.json()["status"] == "totp_enrolment_required"
    secret = client.post("/api/auth/totp/enrol").json()["secret"]
    client.post("/api/auth/totp/confirm", json={"code": pyotp.TOTP(secret).now()})
    assert client.get("/api/people").status_code == 200
    listed = runner.invoke(main, ["accounts", "list", "-t", SLUG])
    assert "c@meppel.test" in listed.output
    assert runner.invoke(main, ["accounts", "disable", "-t", SLUG, "c@meppel.test"]).exit_code == 0
    assert client.get("/api/people").status_code == 401
    reset = runner.invoke(main, ["accounts", "reset", "-t", SLUG, "c@meppel.test"])
    assert reset.exit_code == 0, reset.output
    token = reset.output.strip().split("token=")[1]
    confirm = client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "password": "nog een lange zin hier"},
    )
    assert confirm.status_code == 200, confirm.text
    missing = runner.invoke(main, ["accounts", "disable", "-t", SLUG, "niemand@meppel.test"])
    assert missing.exit_code == 1
