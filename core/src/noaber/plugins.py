"""Finding installed plugins and making plugin managers.

Plugins are distributions that declare an entry point in the group ``noaber.plugins``
(name = plugin name, value = the module holding its hook implementations). Managers
are made by :func:`make_plugin_manager`, never kept in a module global: every tenant
gets one holding exactly the plugins its municipality enables plus its rules module.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import import_module, metadata
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy
from pydantic import BaseModel

from noaber import hookspecs
from noaber.errors import PluginLoadError

if TYPE_CHECKING:
    from noaber.settings import Settings

log = logging.getLogger(__name__)

PLUGIN_GROUP = "noaber.plugins"

# Core behaviour, registered like any plugin (datasette's DEFAULT_PLUGINS).
BUILTIN_PLUGINS: tuple[str, ...] = (
    "noaber.builtins.platform",
    "noaber.builtins.domain",
    "noaber.builtins.accounts",
    "noaber.ui.plugin",
)


@dataclass(frozen=True)
class InstalledPlugin:
    name: str
    module: ModuleType
    version: str
    settings_model: type[BaseModel] | None


@dataclass(frozen=True)
class PluginCatalog:
    """What is installed: loadable plugins, the ones blocked by settings, the broken ones."""

    plugins: Mapping[str, InstalledPlugin]
    blocked: frozenset[str] = frozenset()
    broken: Mapping[str, str] = field(default_factory=dict)

    def unavailable_reason(self, name: str) -> str | None:
        """Why an installed plugin is not loaded, or None if it is loaded or unknown."""
        if name in self.blocked:
            return "blocked by NOABER_BLOCKED_PLUGINS"
        if name in self.broken:
            return f"failed to load: {self.broken[name]}"
        return None


def builtin_modules() -> list[ModuleType]:
    return [import_module(name) for name in BUILTIN_PLUGINS]


def new_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    return pm


def make_plugin_manager(
    catalog: PluginCatalog,
    enabled: Iterable[str] | None = None,
    rules: ModuleType | None = None,
    *,
    rules_name: str = "rules",
) -> pluggy.PluginManager:
    """Build a manager with the built-ins, the ``enabled`` plugins (all loaded ones if
    None) and an optional municipality rules module.

    Every name in ``enabled`` must be in the catalog; callers decide earlier what to do
    with blocked or broken ones.
    """
    pm = new_manager()
    for module in builtin_modules():
        pm.register(module, name=module.__name__)
    names = catalog.plugins.keys() if enabled is None else enabled
    for name in names:
        pm.register(catalog.plugins[name].module, name=name)
    if rules is not None:
        pm.register(rules, name=rules_name)
    pm.check_pending()
    return pm


def results_by_plugin(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> dict[str, Any]:
    """Call one hook on each plugin separately; map plugin name to its result.

    For hooks whose results must stay attributed (routes, migrations, settings).
    """
    caller: pluggy.HookCaller = getattr(pm.hook, hook_name)
    return {impl.plugin_name: impl.function(**kwargs) for impl in caller.get_hookimpls()}


def _load_one(name: str, module: ModuleType, version: str) -> InstalledPlugin:
    pm = new_manager()
    try:
        pm.register(module, name=name)
        pm.check_pending()
    except (ValueError, pluggy.PluginValidationError) as exc:
        raise PluginLoadError(f"plugin {name!r}: {exc}", plugin=name) from exc
    return InstalledPlugin(name, module, version, pm.hook.settings_model())


def discover_plugins(
    settings: Settings,
    entry_points: Iterable[metadata.EntryPoint] | None = None,
) -> PluginCatalog:
    """Load every plugin installed under the ``noaber.plugins`` entry-point group.

    A plugin named in ``settings.blocked_plugins`` is not imported at all. A plugin
    that raises on import stops discovery with a :class:`PluginLoadError` naming it,
    unless ``settings.tolerate_broken_plugins`` is set: then it is left out, logged,
    and listed in ``catalog.broken``.
    """
    if entry_points is None:
        entry_points = metadata.entry_points(group=PLUGIN_GROUP)
    plugins: dict[str, InstalledPlugin] = {}
    blocked: set[str] = set()
    broken: dict[str, str] = {}
    for ep in sorted(entry_points, key=lambda e: e.name):
        if ep.name in settings.blocked_plugins:
            blocked.add(ep.name)
            continue
        if ep.name in plugins:
            raise PluginLoadError(f"two installed plugins are both named {ep.name!r}")
        version = ep.dist.version if ep.dist is not None else "unknown"
        try:
            module = ep.load()
            if not isinstance(module, ModuleType):
                raise TypeError(f"entry point {ep.value!r} must name a module")
            plugins[ep.name] = _load_one(ep.name, module, version)
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            if not settings.tolerate_broken_plugins:
                raise PluginLoadError(
                    f"plugin {ep.name!r} ({ep.value}) failed to load: {message}", plugin=ep.name
                ) from exc
            log.warning("plugin %r left out, it failed to load: %s", ep.name, message)
            broken[ep.name] = message
    return PluginCatalog(plugins=plugins, blocked=frozenset(blocked), broken=broken)
