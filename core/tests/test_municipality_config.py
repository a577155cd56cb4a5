"""Municipality packages: the three shipped ones load; every kind of bad input is named."""

import logging
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from core_helpers import entry_point, installed_plugin_entry_points

from noaber.cli import main
from noaber.errors import ConfigurationError
from noaber.municipalities.loader import (
    build_host_map,
    discover_municipalities,
    load_municipality,
    load_municipality_from_path,
)
from noaber.platform import Platform
from noaber.plugins import discover_plugins
from noaber.settings import Settings

MEPPEL_TOML = resources.files("noaber_gemeente_meppel").joinpath("municipality.toml").read_text()


@pytest.fixture(scope="module")
def catalog():
    return discover_plugins(Settings())


def write_package(tmp_path: Path, toml: str, rules: str | None = None) -> Path:
    package = tmp_path / "noaber-gemeente-test" / "src" / "noaber_gemeente_test"
    package.mkdir(parents=True)
    (package / "municipality.toml").write_text(toml)
    if rules is not None:
        (package / "rules.py").write_text(rules)
    return tmp_path / "noaber-gemeente-test"


def test_the_three_municipalities_load(catalog):
    found = discover_municipalities(catalog)
    assert {"leeuwarden", "meppel", "amersfoort"} <= set(found)
    assert found["leeuwarden"].enabled_plugins == {
        "buurtgezinnen",
        "wijkbedrijf",
        "gezinslab",
        "doorbraak",
    }
    assert found["meppel"].enabled_plugins == {"buurtgezinnen"}
    assert found["amersfoort"].enabled_plugins == {"doorbraak"}
    assert found["meppel"].config.cbs_code == "GM0119"
    assert str(found["meppel"].plugin_settings["buurtgezinnen"].yearly_budget) == "58000.00"
    assert str(found["leeuwarden"].plugin_settings["wijkbedrijf"].hourly_rate) == "9.00"
    names = {n.name for n in found["leeuwarden"].config.neighbourhoods}
    assert {"Bilgaard", "Heechterp-Schieringen", "Vrijheidswijk"} <= names
    assert "Liendert" in {n.name for n in found["amersfoort"].config.neighbourhoods}


def test_a_valid_package_passes_check_from_its_folder(tmp_path, catalog):
    municipality = load_municipality_from_path(write_package(tmp_path, MEPPEL_TOML), catalog)
    assert municipality.package == "noaber_gemeente_test"
    assert municipality.config.slug == "meppel"


BAD_INPUTS = {
    "unknown plugin": (
        MEPPEL_TOML + "\n[plugins.zwembad]\n",
        "plugins.zwembad: unknown plugin (installed: buurtgezinnen, doorbraak, gezinslab, wijkbedrijf)",
    ),
    "malformed CBS code": (
        MEPPEL_TOML.replace('cbs_code = "GM0119"', 'cbs_code = "GM119"'),
        "cbs_code: String should match pattern",
    ),
    "missing required key": (
        MEPPEL_TOML.replace('name = "Meppel"\n', "", 1),
        "name: Field required",
    ),
    "plugin setting of the wrong type": (
        MEPPEL_TOML.replace('yearly_budget = "58000.00"', 'yearly_budget = "veel"'),
        "plugins.buurtgezinnen.yearly_budget: Input should be a valid decimal",
    ),
    "unknown plugin setting": (
        MEPPEL_TOML.replace("max_couplings_per_steungezin = 1", "max_koppelingen = 1"),
        "plugins.buurtgezinnen.max_koppelingen: Extra inputs are not permitted",
    ),
    "wijk of another municipality": (
        MEPPEL_TOML.replace('cbs_wijk_code = "WK011902"', 'cbs_wijk_code = "WK008002"').replace(
            '"BU01190201"', '"BU00800201"'
        ),
        "wijk code WK008002 is not in municipality GM0119",
    ),
    "not TOML at all": ("slug = meppel =", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_configuration_names_package_file_and_key(tmp_path, catalog, case):
    toml, expected = BAD_INPUTS[case]
    path = write_package(tmp_path, toml)
    with pytest.raises(ConfigurationError) as info:
        load_municipality_from_path(path, catalog)
    message = info.value.detail
    assert message.startswith("noaber_gemeente_test: ")
    assert "municipality.toml" in message
    assert expected in message


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_check_command_fails_with_a_message(tmp_path, case):
    toml, expected = BAD_INPUTS[case]
    result = CliRunner().invoke(
        main, ["municipalities", "check", str(write_package(tmp_path, toml))]
    )
    assert result.exit_code == 1
    assert expected.split(":")[0] in result.output


def test_check_command_accepts_a_good_package(tmp_path):
    result = CliRunner().invoke(
        main, ["municipalities", "check", str(write_package(tmp_path, MEPPEL_TOML))]
    )
    assert result.exit_code == 0, result.output
    assert "OK: Meppel (GM0119)" in result.output


def test_rules_module_with_an_unknown_hook_is_refused(tmp_path, catalog):
    rules = "from noaber import hookimpl\n\n@hookimpl\ndef not_a_hook():\n    pass\n"
    with pytest.raises(ConfigurationError, match=r"rules module: .*not_a_hook"):
        load_municipality_from_path(write_package(tmp_path, MEPPEL_TOML, rules), catalog)


def test_rules_module_that_fails_to_import_is_named(tmp_path, catalog):
    with pytest.raises(ConfigurationError, match=r"rules\.py failed to import: ZeroDivisionError"):
        load_municipality_from_path(write_package(tmp_path, MEPPEL_TOML, "1 / 0\n"), catalog)


def test_two_municipalities_claiming_one_host_are_refused(catalog):
    meppel = load_municipality("noaber_gemeente_meppel", catalog)
    leeuwarden = load_municipality("noaber_gemeente_leeuwarden", catalog)
    clash = {"meppel": ["noaber.leeuwarden.localhost"]}
    with pytest.raises(
        ConfigurationError, match=r"host 'noaber.leeuwarden.localhost' is claimed by both"
    ):
        build_host_map([leeuwarden, meppel], "localhost", clash)


def test_platform_refuses_to_start_when_installed_packages_claim_one_host(catalog, tmp_path):
    meppel = load_municipality("noaber_gemeente_meppel", catalog)
    fake = load_municipality_from_path(
        write_package(
            tmp_path,
            MEPPEL_TOML.replace('slug = "meppel"', 'slug = "nep"').replace(
                'cbs_code = "GM0119"', 'cbs_code = "GM0119"\nhosts = ["meppel.localhost"]'
            ),
        ),
        catalog,
    )
    with pytest.raises(ConfigurationError, match="claimed by both"):
        Platform.build(
            Settings(database_url="sqlite://"),
            catalog=catalog,
            municipalities={"meppel": meppel, "nep": fake},
        )


def test_enabled_but_broken_plugin_is_skipped_with_a_warning_when_tolerated(caplog):
    eps = [e for e in installed_plugin_entry_points() if e.name != "buurtgezinnen"]
    eps.append(entry_point("buurtgezinnen", "broken_plugin"))
    catalog = discover_plugins(Settings(tolerate_broken_plugins=True), entry_points=eps)
    with caplog.at_level(logging.WARNING):
        meppel = load_municipality("noaber_gemeente_meppel", catalog)
    assert meppel.enabled_plugins == frozenset()
    assert "failed to load" in meppel.skipped_plugins["buurtgezinnen"]
    assert "plugin 'buurtgezinnen' is enabled but failed to load" in caplog.text


def test_enabled_but_blocked_plugin_is_skipped():
    catalog = discover_plugins(Settings(blocked_plugins="doorbraak"))
    amersfoort = load_municipality("noaber_gemeente_amersfoort", catalog)
    assert amersfoort.enabled_plugins == frozenset()
    assert amersfoort.skipped_plugins == {"doorbraak": "blocked by NOABER_BLOCKED_PLUGINS"}
