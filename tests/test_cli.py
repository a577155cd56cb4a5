"""The `noaber` command as an operator uses it."""

import pytest
from click.testing import CliRunner

from noaber.cli import main


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    # Rich wraps tables to the terminal width; a wide one keeps rows on one line.
    monkeypatch.setenv("COLUMNS", "200")


def test_plugins_list_shows_the_four_programmes_and_who_enables_them():
    result = CliRunner().invoke(main, ["plugins", "list"], terminal_width=200)
    assert result.exit_code == 0, result.output
    rows = {
        line.split("│")[1].strip(): line
        for line in result.output.splitlines()
        if line.count("│") >= 4
    }
    assert {"buurtgezinnen", "wijkbedrijf", "gezinslab", "doorbraak"} <= set(rows)
    assert "leeuwarden, meppel" in rows["buurtgezinnen"]
    assert "amersfoort, leeuwarden" in rows["doorbraak"]
    assert "meppel" not in rows["wijkbedrijf"]


def test_plugins_list_marks_a_blocked_plugin(monkeypatch):
    monkeypatch.setenv("NOABER_BLOCKED_PLUGINS", "gezinslab")
    result = CliRunner().invoke(main, ["plugins", "list"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "blocked by NOABER_BLOCKED_PLUGINS" in result.output


def test_municipalities_list(monkeypatch):
    result = CliRunner().invoke(main, ["municipalities", "list"], terminal_width=200)
    assert result.exit_code == 0, result.output
    for expected in ("GM0080", "GM0119", "GM0307", "meppel.localhost"):
        assert expected in result.output


@pytest.fixture
def database_env(database_url, migration_database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("NOABER_MIGRATION_DATABASE_URL", migration_database_url)


@pytest.mark.usefixtures("database_env")
def test_provision_and_list_tenants():
    runner = CliRunner()
    result = runner.invoke(
        main, ["tenants", "provision", "meppel", "--host", "buurtgezinnen.meppel.nl"]
    )
    assert result.exit_code == 0, result.output
    assert "buurtgezinnen.meppel.nl" in result.output
    listed = runner.invoke(main, ["tenants", "list"], terminal_width=200)
    assert "meppel" in listed.output
    assert "amersfoort" not in listed.output
    # Provisioning again is safe and changes nothing.
    again = runner.invoke(main, ["tenants", "provision", "meppel"])
    assert again.exit_code == 0, again.output


@pytest.mark.usefixtures("database_env")
def test_provisioning_an_unknown_municipality_fails_cleanly():
    result = CliRunner().invoke(main, ["tenants", "provision", "zwolle"])
    assert result.exit_code == 1
    assert "no installed municipality package has slug 'zwolle'" in result.output


@pytest.mark.usefixtures("database_env")
def test_a_host_can_belong_to_one_tenant_only():
    runner = CliRunner()
    assert (
        runner.invoke(
            main, ["tenants", "provision", "meppel", "--host", "hulp.example.nl"]
        ).exit_code
        == 0
    )
    clash = runner.invoke(main, ["tenants", "provision", "amersfoort", "--host", "hulp.example.nl"])
    assert clash.exit_code == 1
    assert "already belongs to tenant 'meppel'" in clash.output
    listed = runner.invoke(main, ["tenants", "list"], terminal_width=200)
    assert "amersfoort" not in listed.output, "a refused provisioning must leave nothing behind"


def test_configuration_error_stops_the_platform(monkeypatch):
    monkeypatch.setenv("NOABER_TENANT", "zwolle")
    result = CliRunner().invoke(main, ["serve", "--port", "8998"])
    assert result.exit_code == 1
    assert "NOABER_TENANT='zwolle' names no installed municipality package" in result.output
