"""Loading municipality packages and validating them against the installed plugins.

A municipality package is found through the entry-point group ``noaber.municipalities``
(name = slug, value = the package). It holds ``municipality.toml`` and, optionally, a
``rules`` module of hook implementations. Every error names package, file and key.
"""

from __future__ import annotations

import importlib.util
import logging
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import import_module, metadata, resources
from pathlib import Path
from types import ModuleType

import pluggy
from pydantic import BaseModel, ValidationError

from noaber.errors import ConfigurationError
from noaber.municipalities.config import MunicipalityConfig
from noaber.plugins import PluginCatalog, make_plugin_manager

log = logging.getLogger(__name__)

MUNICIPALITY_GROUP = "noaber.municipalities"
CONFIG_FILE = "municipality.toml"


@dataclass(frozen=True)
class Municipality:
    """A validated municipality package."""

    config: MunicipalityConfig
    package: str
    config_path: str
    plugin_settings: Mapping[str, BaseModel | None]
    rules: ModuleType | None = None
    skipped_plugins: Mapping[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.config.slug

    @property
    def enabled_plugins(self) -> frozenset[str]:
        return frozenset(self.plugin_settings)

    def plugin_manager(self, catalog: PluginCatalog) -> pluggy.PluginManager:
        return make_plugin_manager(
            catalog, sorted(self.plugin_settings), self.rules, rules_name=f"{self.package}.rules"
        )


def _location(loc: Iterable[int | str]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _validation_lines(exc: ValidationError, prefix: str = "") -> list[str]:
    lines = []
    for err in exc.errors():
        key = _location([*([prefix] if prefix else []), *err["loc"]])
        lines.append(f"{key}: {err['msg']}")
    return lines


def parse_config(package: str, config_path: str, text: str) -> MunicipalityConfig:
    where = f"{package}: {config_path}"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{where}: not valid TOML: {exc}", package=package) from exc
    try:
        return MunicipalityConfig.model_validate(data)
    except ValidationError as exc:
        lines = "\n  ".join(_validation_lines(exc))
        raise ConfigurationError(
            f"{where}: invalid configuration:\n  {lines}", package=package
        ) from exc


def validate_plugins(
    package: str, config_path: str, config: MunicipalityConfig, catalog: PluginCatalog
) -> tuple[dict[str, BaseModel | None], dict[str, str]]:
    """Validate each enabled plugin's settings; return them and the plugins left out."""
    where = f"{package}: {config_path}"
    settings: dict[str, BaseModel | None] = {}
    skipped: dict[str, str] = {}
    problems: list[str] = []
    for name, raw in sorted(config.plugins.items()):
        if (reason := catalog.unavailable_reason(name)) is not None:
            log.warning("%s: plugin %r is enabled but %s; starting without it", where, name, reason)
            skipped[name] = reason
            continue
        plugin = catalog.plugins.get(name)
        if plugin is None:
            installed = ", ".join(sorted(catalog.plugins)) or "none"
            problems.append(f"plugins.{name}: unknown plugin (installed: {installed})")
            continue
        if plugin.settings_model is None:
            if raw:
                problems.append(f"plugins.{name}: this plugin takes no settings")
            settings[name] = None
            continue
        try:
            settings[name] = plugin.settings_model.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_validation_lines(exc, prefix=f"plugins.{name}"))
    if problems:
        lines = "\n  ".join(problems)
        raise ConfigurationError(f"{where}: invalid configuration:\n  {lines}", package=package)
    return settings, skipped


def _check_rules(package: str, rules: ModuleType, catalog: PluginCatalog) -> None:
    try:
        make_plugin_manager(catalog, enabled=(), rules=rules, rules_name=f"{package}.rules")
    except (ValueError, pluggy.PluginValidationError) as exc:
        raise ConfigurationError(f"{package}: rules module: {exc}", package=package) from exc


def _build(
    package: str, config_path: str, text: str, rules: ModuleType | None, catalog: PluginCatalog
) -> Municipality:
    config = parse_config(package, config_path, text)
    plugin_settings, skipped = validate_plugins(package, config_path, config, catalog)
    if rules is not None:
        _check_rules(package, rules, catalog)
    return Municipality(config, package, config_path, plugin_settings, rules, skipped)


def load_municipality(package: str, catalog: PluginCatalog) -> Municipality:
    """Load an installed municipality package by its import name."""
    try:
        text = resources.files(package).joinpath(CONFIG_FILE).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ConfigurationError(
            f"{package}: {CONFIG_FILE} not found ({exc})", package=package
        ) from exc
    rules = None
    if importlib.util.find_spec(f"{package}.rules") is not None:
        try:
            rules = import_module(f"{package}.rules")
        except Exception as exc:
            raise ConfigurationError(
                f"{package}: rules module failed to import: {type(exc).__name__}: {exc}",
                package=package,
            ) from exc
    return _build(package, CONFIG_FILE, text, rules, catalog)


def load_municipality_from_path(path: Path, catalog: PluginCatalog) -> Municipality:
    """Validate a municipality package from its source folder (``noaber municipalities check``).

    ``path`` may be the distribution folder, its import package, or the toml file itself.
    """
    if path.is_file():
        config_file = path
    else:
        found = sorted(
            p for p in path.rglob(CONFIG_FILE) if not {"tests", ".venv", ".tox"} & set(p.parts)
        )
        if not found:
            raise ConfigurationError(f"{path}: no {CONFIG_FILE} found")
        if len(found) > 1:
            raise ConfigurationError(f"{path}: more than one {CONFIG_FILE}: {found}")
        config_file = found[0]
    package = config_file.parent.name
    text = config_file.read_text(encoding="utf-8")
    rules = None
    rules_file = config_file.parent / "rules.py"
    if rules_file.exists():
        rules = _import_file(f"_noaber_check_{package}_rules", rules_file, package)
    return _build(package, str(config_file), text, rules, catalog)


def _import_file(module_name: str, file: Path, package: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise ConfigurationError(f"{package}: cannot import {file}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise ConfigurationError(
            f"{package}: {file.name} failed to import: {type(exc).__name__}: {exc}", package=package
        ) from exc
    return module


def discover_municipalities(
    catalog: PluginCatalog,
    entry_points: Iterable[metadata.EntryPoint] | None = None,
) -> dict[str, Municipality]:
    """Load every installed municipality package; refuse on any configuration error."""
    if entry_points is None:
        entry_points = metadata.entry_points(group=MUNICIPALITY_GROUP)
    found: dict[str, Municipality] = {}
    for ep in sorted(entry_points, key=lambda e: e.name):
        municipality = load_municipality(ep.value, catalog)
        if municipality.slug != ep.name:
            raise ConfigurationError(
                f"{ep.value}: {CONFIG_FILE}: slug: {municipality.slug!r} differs from the "
                f"entry-point name {ep.name!r}",
                package=ep.value,
            )
        found[ep.name] = municipality
    return found


def hosts_of(municipality: Municipality, base_domain: str, extra: Iterable[str] = ()) -> set[str]:
    return {f"{municipality.config.host_label()}.{base_domain}", *municipality.config.hosts, *extra}


def build_host_map(
    municipalities: Iterable[Municipality],
    base_domain: str,
    extra_hosts: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, str]:
    """Map host name to slug; refuse when two municipalities claim one host."""
    host_map: dict[str, str] = {}
    for municipality in municipalities:
        extra = (extra_hosts or {}).get(municipality.slug, ())
        for host in sorted(hosts_of(municipality, base_domain, extra)):
            other = host_map.get(host)
            if other is not None and other != municipality.slug:
                raise ConfigurationError(
                    f"host {host!r} is claimed by both {other!r} and {municipality.slug!r}",
                    host=host,
                )
            host_map[host] = municipality.slug
    return host_map
