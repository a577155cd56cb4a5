"""The municipality template: every option combination bakes cleanly, bad answers are
refused, and every bake is served by the platform (hosted and single-municipality)."""

from __future__ import annotations

import sys
from importlib import metadata

import pytest
from click.testing import CliRunner
from cookiecutter.exceptions import FailedHookException
from litestar.testing import TestClient
from template_helpers import (
    PROGRAMMES,
    RUN_CACHES,
    MunicipalityCombo,
    bake,
    plugin_subsets,
)

from noaber.cli import main
from noaber.municipalities.loader import (
    MUNICIPALITY_GROUP,
    discover_municipalities,
    load_municipality_from_path,
)
from noaber.platform import Platform
from noaber.settings import Settings
from noaber.tenancy.registry import provision
from noaber.testing import StaffClient
from noaber.web.app import create_app


def test_every_option_combination_and_plugin_subset_is_baked(baked_municipalities):
    combos = list(baked_municipalities)
    assert {c.plugins for c in combos} == set(plugin_subsets())
    assert {(c.database, c.include_rules) for c in combos} == {
        (d, r) for d in ("both", "sqlite", "postgresql") for r in (True, False)
    }


def test_no_template_syntax_is_left(baked_municipalities):
    for project in baked_municipalities.values():
        for path in project.rglob("*"):
            if RUN_CACHES & set(path.relative_to(project).parts):
                continue
            assert "cookiecutter" not in str(path.relative_to(project))
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                for marker in ("{{ cookiecutter.", "{{cookiecutter.", "{%", "{#"):
                    assert marker not in text, f"{path}: {marker!r} left"


def test_options_decide_which_files_exist(baked_municipalities):
    for combo, project in baked_municipalities.items():
        package = project / "src" / combo.package
        assert project.name == combo.slug
        assert (package / "municipality.toml").is_file()
        assert (package / "rules.py").exists() == combo.include_rules
        assert (package / "demo_data.toml").exists() == combo.include_rules
        assert (project / "tests" / "test_rules.py").exists() == combo.include_rules
        assert (project / "tests" / "test_municipality.py").is_file()
        sqlite = (project / "deployment" / "sqlite.env").exists()
        postgres = (project / "deployment" / "postgresql.env").exists()
        assert (sqlite, postgres) == {
            "both": (True, True),
            "sqlite": (True, False),
            "postgresql": (False, True),
        }[combo.database]
        pyproject = (project / "pyproject.toml").read_text()
        assert f'{combo.slug} = "{combo.package}"' in pyproject


def test_every_bake_validates_against_the_schema_and_installed_plugins(
    baked_municipalities, noaber_catalog
):
    for combo, project in baked_municipalities.items():
        municipality = load_municipality_from_path(project, noaber_catalog)
        config = municipality.config
        assert (config.slug, config.cbs_code) == (combo.slug, combo.cbs_code)
        assert municipality.enabled_plugins == set(combo.plugins)
        assert config.hosts == [combo.host]
        assert [h.cbs_wijk_code for h in config.neighbourhoods] == [
            f"WK98{combo.index:02d}00",
            f"WK98{combo.index:02d}07",
        ]
        assert (municipality.rules is not None) == combo.include_rules


def test_key_settings_reach_the_plugins(baked_municipalities, noaber_catalog):
    everything = next(c for c in baked_municipalities if set(c.plugins) == set(PROGRAMMES))
    municipality = load_municipality_from_path(baked_municipalities[everything], noaber_catalog)
    settings = municipality.plugin_settings
    assert str(settings["buurtgezinnen"].yearly_budget) == "50000.00"
    assert str(settings["wijkbedrijf"].hourly_rate) == "9.00"
    assert settings["gezinslab"].follow_up_interval_months == 3
    assert str(settings["doorbraak"].yearly_maatwerk_budget) == "25000.00"


@pytest.fixture
def baked_entry_points(baked_municipalities, monkeypatch):
    """The bakes importable as if installed: their src on sys.path, one entry point each."""
    for project in baked_municipalities.values():
        monkeypatch.syspath_prepend(str(project / "src"))
    yield [
        metadata.EntryPoint(name=c.slug, value=c.package, group=MUNICIPALITY_GROUP)
        for c in baked_municipalities
    ]
    for combo in baked_municipalities:
        for name in [m for m in sys.modules if m.startswith(combo.package)]:
            del sys.modules[name]


def test_hosted_install_serves_every_bake_under_its_hosts(
    baked_entry_points, baked_municipalities, database_url, migration_database_url, noaber_catalog
):
    installed = discover_municipalities(noaber_catalog)
    baked = discover_municipalities(noaber_catalog, entry_points=baked_entry_points)
    platform = Platform.build(
        Settings(
            database_url=database_url, migration_database_url=migration_database_url, tenant=None
        ),
        catalog=noaber_catalog,
        municipalities={**installed, **baked},
    )
    try:
        with platform.admin_sessions.begin() as session:
            for municipality in platform.municipalities.values():
                provision(session, municipality)
        platform.load_tenants()
        with TestClient(create_app(platform)) as raw:
            client = StaffClient(raw, platform)  # programme routes need a login
            for combo in baked_municipalities:
                for host in (f"{combo.slug.replace('_', '-')}.localhost", combo.host):
                    response = client.get("/health", headers={"host": host})
                    assert response.status_code == 200, (host, response.text)
                    assert response.json()["tenant"] == combo.slug
                info = client.get("/api/municipality", headers={"host": combo.host}).json()
                assert info["programmes"] == sorted(combo.plugins)
                for programme in PROGRAMMES:
                    status = client.get(f"/api/{programme}", headers={"host": combo.host})
                    assert status.status_code == (200 if programme in combo.plugins else 404)
            # The packages already installed are still served next to the bakes.
            meppel = client.get("/health", headers={"host": "meppel.localhost"})
            assert meppel.json()["tenant"] == "meppel"
    finally:
        platform.dispose()


def test_single_municipality_deployment_serves_each_bake_on_any_host(
    baked_entry_points, baked_municipalities, database_url, migration_database_url, noaber_catalog
):
    baked = discover_municipalities(noaber_catalog, entry_points=baked_entry_points)
    served: set[tuple[tuple[str, ...], bool]] = set()
    for combo in baked_municipalities:
        # The database option only writes deployment files; what is served depends on
        # the plugins and the rules, so one bake of each such shape is served.
        if (combo.plugins, combo.include_rules) in served:
            continue
        served.add((combo.plugins, combo.include_rules))
        platform = Platform.build(
            Settings(
                database_url=database_url,
                migration_database_url=migration_database_url,
                tenant=combo.slug,
            ),
            catalog=noaber_catalog,
            municipalities=baked,
        )
        try:
            with platform.admin_sessions.begin() as session:
                provision(session, platform.municipality(combo.slug))
            platform.load_tenants()
            assert set(platform.tenants) == {combo.slug}
            with TestClient(create_app(platform)) as client:
                response = client.get("/health", headers={"host": "zorg.example.org"})
                assert response.json() == {"status": "ok", "database": "ok", "tenant": combo.slug}
        finally:
            platform.dispose()


GOOD = MunicipalityCombo(0, ("buurtgezinnen",), "both", True).answers()

BAD_ANSWERS = [
    ({"slug": "1zwolle"}, "slug: '1zwolle' is not a Python identifier"),
    ({"slug": "de-wolden"}, "slug: 'de-wolden' is not a Python identifier"),
    ({"slug": "Zwolle"}, "slug: 'Zwolle' is not a Python identifier"),
    ({"slug": "class"}, "slug: 'class' is not a Python identifier"),
    ({"cbs_code": "GM193"}, "cbs_code: 'GM193' is not a CBS municipality code"),
    ({"cbs_code": "0193"}, "cbs_code: '0193' is not a CBS municipality code"),
    ({"cbs_code": "gm0193"}, "cbs_code: 'gm0193' is not a CBS municipality code"),
    ({"plugins": "buurtgezinnen, kaasmakerij"}, "plugins: 'kaasmakerij' is not a known plugin"),
    ({"neighbourhoods": "Centrum"}, "has no ':' before its postcodes"),
    ({"neighbourhoods": "Centrum: 0123"}, "'0123' is not a postcode"),
    ({"neighbourhoods": "WK019301 Centrum: 9001"}, "wijk code WK019301 is not in municipality"),
    ({"hosts": "noaber_zwolle.nl"}, "hosts: 'noaber_zwolle.nl' is not a host name"),
    ({"wijkbedrijf_hourly_rate": "negen", "plugins": "wijkbedrijf"}, "is not an amount in euros"),
    ({"contact_email": "geen-adres"}, "contact_email: 'geen-adres' is not an e-mail address"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_ANSWERS, ids=[m for _, m in BAD_ANSWERS])
def test_pre_generation_hook_refuses_bad_answers(bad, message, tmp_path, capfd):
    with pytest.raises(FailedHookException):
        bake("municipality", tmp_path, **{**GOOD, **bad})
    assert message in capfd.readouterr().err
    assert list(tmp_path.iterdir()) == [], "nothing may be left behind"


def test_noaber_new_municipality_scripted(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "new", "municipality", "--no-input", "-o", str(tmp_path),
            "--name", "De Wolden", "--cbs-code", "GM1690", "--host", "noaber.dewolden.nl",
            "--neighbourhoods", "Zuidwolde: 7921; Ruinen: 7963",
            "--plugin", "buurtgezinnen", "--plugin", "doorbraak",
            "--set", "doorbraak_yearly_maatwerk_budget=44000", "--database", "sqlite", "--no-rules",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    project = tmp_path / "de_wolden"
    toml = (project / "src" / "noaber_gemeente_de_wolden" / "municipality.toml").read_text()
    assert 'yearly_maatwerk_budget = "44000.00"' in toml
    assert not (project / "src" / "noaber_gemeente_de_wolden" / "rules.py").exists()
    assert not (project / "deployment" / "postgresql.env").exists()
    checked = runner.invoke(main, ["municipalities", "check", str(project)])
    assert checked.exit_code == 0, checked.output
    assert "plugins: buurtgezinnen, doorbraak" in checked.output


def test_noaber_new_municipality_refuses_with_a_message_and_status_1(tmp_path):
    result = CliRunner().invoke(
        main, ["new", "municipality", "--no-input", "-o", str(tmp_path), "--cbs-code", "GM12"]
    )
    assert result.exit_code == 1
    assert "the municipality was not generated" in result.output
    assert list(tmp_path.iterdir()) == []


def test_noaber_new_municipality_interactive(tmp_path):
    # name, CBS code, slug (default), hosts (none), neighbourhoods, plugins; then defaults.
    answers = "Kampen\nGM0166\n\n\nCentrum: 8261; Brunnepe: 8262\nbuurtgezinnen\n" + "\n" * 20
    result = CliRunner().invoke(main, ["new", "municipality", "-o", str(tmp_path)], input=answers)
    assert result.exit_code == 0, result.output
    assert "CBS municipality code" in result.output
    toml = (
        tmp_path / "kampen" / "src" / "noaber_gemeente_kampen" / "municipality.toml"
    ).read_text()
    assert 'cbs_code = "GM0166"' in toml
    assert 'cbs_wijk_code = "WK016601"' in toml
    assert "[plugins.buurtgezinnen]" in toml
