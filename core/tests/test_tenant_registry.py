"""The tenant registry: suspend/resume, export, offboard and import (CLI and API)."""

import json
import time
import zipfile

import pytest
from click.testing import CliRunner
from core_helpers import entry_point, installed_plugin_entry_points
from sqlmodel import select

from noaber.cli import main
from noaber.db import migrate
from noaber.errors import InvalidInput
from noaber.platform import Platform
from noaber.plugins import discover_plugins
from noaber.settings import Settings
from noaber.tenancy import tenant_scope
from noaber.tenancy.archive import export_tenant, import_tenant, offboard_tenant, read_archive
from noaber.tenancy.models import Neighbourhood, Offboarding, TenantStatus
from noaber.tenancy.registry import provision


@pytest.fixture
def cli_env(platform, database_url, migration_database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("NOABER_MIGRATION_DATABASE_URL", migration_database_url)
    return CliRunner()


def invoke(runner, *args):
    result = runner.invoke(main, ["tenants", *args])
    return result


def test_suspend_and_resume_reach_a_running_app(cli_env, platform, client_for):
    meppel = client_for("meppel")
    assert meppel.get("/api/municipality").status_code == 200
    result = invoke(cli_env, "suspend", "meppel")
    assert result.exit_code == 0, result.output
    platform.load_tenants()  # what each worker's refresh loop does
    response = meppel.get("/api/municipality")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client_for("amersfoort").get("/api/municipality").status_code == 200
    listed = invoke(cli_env, "list")
    assert "suspended" in listed.output
    assert invoke(cli_env, "resume", "meppel").exit_code == 0
    platform.load_tenants()
    assert meppel.get("/api/municipality").status_code == 200
    # Data was kept throughout.
    with platform.sessions.begin() as session, tenant_scope("meppel"):
        assert session.exec(select(Neighbourhood)).all()


def test_the_refresh_loop_picks_up_a_suspension(make_platform, migration_database_url):
    from litestar.testing import TestClient

    from noaber.web.app import create_app

    platform = make_platform(registry_refresh_seconds=0.05)
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        headers = {"host": "meppel.localhost"}
        assert client.get("/api/municipality", headers=headers).status_code == 200
        from noaber.tenancy.registry import set_status

        with platform.admin_sessions.begin() as session:
            set_status(session, "meppel", TenantStatus.suspended)
        deadline = time.monotonic() + 5
        status = 200
        while time.monotonic() < deadline and status != 503:
            time.sleep(0.05)
            status = client.get("/api/municipality", headers=headers).status_code
        assert status == 503


def test_unknown_tenant_is_a_clean_error(cli_env):
    result = invoke(cli_env, "suspend", "zwolle")
    assert result.exit_code == 1
    assert "no tenant 'zwolle'" in result.output


def test_export_offboard_import_gives_the_same_rows(cli_env, platform, tmp_path):
    with platform.sessions.begin() as session, tenant_scope("meppel"):
        session.add(Neighbourhood(name="Extra", cbs_wijk_code="WK011999", postcodes=["7941"]))
        session.flush()
    provisioned = invoke(cli_env, "provision", "meppel", "--host", "buurt.meppel.test")
    assert provisioned.exit_code == 0, provisioned.output
    before = tmp_path / "before.zip"
    assert invoke(cli_env, "export", "meppel", str(before)).exit_code == 0
    offboarded = invoke(
        cli_env, "offboard", "meppel", "--archive", str(tmp_path / "o.zip"), "--yes"
    )
    assert offboarded.exit_code == 0, offboarded.output
    assert "neighbourhood: 5 deleted" in offboarded.output
    platform.load_tenants()
    assert "meppel" not in platform.tenants
    with platform.admin_sessions.begin() as session:
        register = session.exec(select(Offboarding)).one()
        assert register.tenant_slug == "meppel"
        deleted = {table: n for table, n in register.deleted_rows.items() if n}
        assert deleted == {"neighbourhood": 5, "tenant_host": 1, "tenant": 1}
        assert register.export_sha256
        # Other tenants are untouched.
        with tenant_scope("amersfoort"):
            assert session.exec(select(Neighbourhood)).all()
    imported = invoke(cli_env, "import", str(before))
    assert imported.exit_code == 0, imported.output
    after = tmp_path / "after.zip"
    assert invoke(cli_env, "export", "meppel", str(after)).exit_code == 0
    assert read_archive(before) == read_archive(after)
    # Importing twice is refused, and nothing is written.
    again = invoke(cli_env, "import", str(before))
    assert again.exit_code == 1
    assert "already exists" in again.output
    # New rows after an import do not clash with imported ids.
    with platform.sessions.begin() as session, tenant_scope("meppel"):
        session.add(Neighbourhood(name="Nieuw", cbs_wijk_code="WK011998", postcodes=["7941"]))
        session.flush()


def test_a_damaged_archive_is_refused(platform, tmp_path):
    path = tmp_path / "x.zip"
    export_tenant(platform.admin_engine, "meppel", path)
    with zipfile.ZipFile(path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    rows = json.loads(files["tables/neighbourhood.json"])
    rows[0]["name"] = "tampered"
    files["tables/neighbourhood.json"] = json.dumps(rows).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    offboard_tenant(platform.admin_engine, "meppel")
    with pytest.raises(InvalidInput, match="checksum"):
        import_tenant(platform.admin_engine, path)


def test_plugin_tables_are_found_without_a_list(empty_database_url, tmp_path):
    """A plugin's table (the sample plugin's) is exported, offboarded and restored too."""
    from noaber_sampleplugin.plugin import SampleNote

    eps = [*installed_plugin_entry_points(), entry_point("sample", "noaber_sampleplugin.plugin")]
    catalog = discover_plugins(Settings(), entry_points=eps)
    platform = Platform.build(Settings(database_url=empty_database_url), catalog=catalog)
    try:
        migrate.upgrade(platform.engine, catalog)
        with platform.sessions.begin() as session:
            for slug in ("meppel", "amersfoort"):
                provision(session, platform.municipalities[slug])
                with tenant_scope(slug):
                    session.add(SampleNote(text=f"note of {slug}"))
                    session.flush()
        archive = tmp_path / "meppel.zip"
        _digest, counts = export_tenant(platform.engine, "meppel", archive)
        assert counts["sample_note"] == 1
        deleted = offboard_tenant(platform.engine, "meppel")
        assert deleted["sample_note"] == 1
        slug, restored = import_tenant(platform.engine, archive)
        assert (slug, restored["sample_note"]) == ("meppel", 1)
        with platform.sessions.begin() as session, tenant_scope("amersfoort"):
            assert [n.text for n in session.exec(select(SampleNote)).all()] == [
                "note of amersfoort"
            ]
    finally:
        platform.dispose()


def test_registry_commands_as_the_app_role_say_what_to_do(platform, database_url, monkeypatch):
    from noaber.testing import backend

    if backend() != "postgres":
        pytest.skip("one role on SQLite")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("NOABER_MIGRATION_DATABASE_URL", raising=False)
    result = invoke(CliRunner(), "suspend", "meppel")
    assert result.exit_code == 1
    assert "NOABER_MIGRATION_DATABASE_URL" in result.output


def test_one_tenant_cannot_hold_every_database_session():
    from noaber.errors import ServiceUnavailable
    from noaber.web.dependencies import TenantLimiters

    limiters = TenantLimiters(per_tenant=1, wait_seconds=0.05)

    async def scenario():
        async with limiters.slot("meppel"):
            with pytest.raises(ServiceUnavailable):
                async with limiters.slot("meppel"):
                    pass
            async with limiters.slot("amersfoort"):  # another tenant still gets one
                return True

    import anyio

    assert anyio.run(scenario)


def test_a_waiting_request_gets_the_slot_before_a_newcomer():
    """A free slot is taken without waiting, but never past a request already waiting:
    the slot that is given back goes to the waiting one, even when a newcomer asks for
    it before the waiting one has run again."""
    import anyio

    from noaber.web.dependencies import TenantLimiters

    limiters = TenantLimiters(per_tenant=1, wait_seconds=5)
    order: list[str] = []
    release = anyio.Event()

    async def use(name: str) -> None:
        async with limiters.slot("meppel"):
            order.append(name)

    async def first() -> None:
        async with limiters.slot("meppel"):
            order.append("first")
            await release.wait()
        await use("newcomer")  # at once, before the waiting request has run

    async def scenario() -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(first)
            await anyio.sleep(0.01)
            tasks.start_soon(use, "waiting")
            await anyio.sleep(0.01)
            assert order == ["first"]
            release.set()

    anyio.run(scenario)
    assert order == ["first", "waiting", "newcomer"]
