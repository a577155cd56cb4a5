import ast
import logging
from pathlib import Path

import pytest
from core_helpers import entry_point, installed_plugin_entry_points

import noaber
from noaber.errors import PluginLoadError
from noaber.plugins import discover_plugins, make_plugin_manager, results_by_plugin
from noaber.settings import Settings

PROGRAMMES = {"buurtgezinnen", "wijkbedrijf", "gezinslab", "doorbraak"}


def test_installed_programme_plugins_are_discovered_through_entry_points():
    catalog = discover_plugins(Settings())
    assert set(catalog.plugins) >= PROGRAMMES
    for name in PROGRAMMES:
        plugin = catalog.plugins[name]
        assert plugin.module.__name__ == f"noaber_{name}.plugin"
        assert plugin.settings_model is not None, f"{name} declares no settings schema"
        assert plugin.version == "0.1.0"


def test_block_list_keeps_a_plugin_from_being_imported():
    catalog = discover_plugins(Settings(blocked_plugins="wijkbedrijf, gezinslab"))
    assert "wijkbedrijf" not in catalog.plugins
    assert catalog.blocked == {"wijkbedrijf", "gezinslab"}
    assert catalog.unavailable_reason("wijkbedrijf") == "blocked by NOABER_BLOCKED_PLUGINS"
    assert {"buurtgezinnen", "doorbraak"} <= set(catalog.plugins)


def test_block_list_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("NOABER_BLOCKED_PLUGINS", "doorbraak")
    assert "doorbraak" not in discover_plugins(Settings()).plugins


def test_broken_plugin_stops_discovery_and_is_named():
    eps = [*installed_plugin_entry_points(), entry_point("kapot", "broken_plugin")]
    with pytest.raises(
        PluginLoadError, match=r"plugin 'kapot' \(broken_plugin\) failed to load: RuntimeError"
    ):
        discover_plugins(Settings(), entry_points=eps)


def test_broken_plugin_is_left_out_when_tolerated(caplog):
    eps = [*installed_plugin_entry_points(), entry_point("kapot", "broken_plugin")]
    with caplog.at_level(logging.WARNING):
        catalog = discover_plugins(Settings(tolerate_broken_plugins=True), entry_points=eps)
    assert "kapot" not in catalog.plugins
    assert "broken on purpose" in catalog.broken["kapot"]
    assert set(catalog.plugins) >= PROGRAMMES
    assert "plugin 'kapot' left out" in caplog.text


def test_plugin_implementing_an_unknown_hook_is_refused():
    with pytest.raises(PluginLoadError, match="no_such_hook"):
        discover_plugins(Settings(), entry_points=[entry_point("odd", "plugin_with_unknown_hook")])


def test_each_manager_holds_exactly_the_enabled_plugins(platform):
    meppel = platform.tenants["meppel"]
    leeuwarden = platform.tenants["leeuwarden"]
    names = {name for name, _ in meppel.plugins.list_name_plugin()}
    assert "buurtgezinnen" in names
    assert "wijkbedrijf" not in names
    routes = results_by_plugin(meppel.plugins, "route_handlers")
    assert "wijkbedrijf" not in routes
    assert "buurtgezinnen" in routes
    assert "wijkbedrijf" in results_by_plugin(leeuwarden.plugins, "route_handlers")
    # Managers are separate objects, not one global.
    assert meppel.plugins is not leeuwarden.plugins


def test_manager_factory_makes_a_new_manager_each_time():
    catalog = discover_plugins(Settings())
    assert make_plugin_manager(catalog) is not make_plugin_manager(catalog)


def test_core_never_imports_a_plugin():
    core_src = Path(noaber.__file__).parent
    offenders = []
    for path in core_src.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("noaber_")]
    assert offenders == []
