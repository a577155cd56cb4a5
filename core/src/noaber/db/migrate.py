"""Alembic, driven from code: one environment in core, one version branch per plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from noaber.errors import NoaberError
from noaber.plugins import PluginCatalog, make_plugin_manager, results_by_plugin

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def version_locations(catalog: PluginCatalog) -> list[str]:
    """Core's folder first, then each plugin's, in plugin-name order."""
    locations = [str(MIGRATIONS_DIR / "versions")]
    pm = make_plugin_manager(catalog)
    for _plugin, paths in sorted(results_by_plugin(pm, "migration_locations").items()):
        locations.extend(str(p) for p in paths)
    return locations


def alembic_config(
    engine: Engine, catalog: PluginCatalog, *, stdout: TextIO | None = None
) -> Config:
    cfg = Config(stdout=stdout) if stdout is not None else Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", ":".join(version_locations(catalog)))
    cfg.attributes["engine"] = engine
    return cfg


def revision(
    engine: Engine,
    catalog: PluginCatalog,
    message: str,
    *,
    branch: str = "core",
    autogenerate: bool = True,
) -> str:
    """Write a revision on ``branch``; the first one of a plugin starts its branch."""
    cfg = alembic_config(engine, catalog)
    script = ScriptDirectory.from_config(cfg)
    locations = dict(
        zip(["core", *sorted(_plugin_locations(catalog))], version_locations(catalog), strict=False)
    )
    if branch not in locations:
        raise NoaberError(
            f"no migration folder for branch {branch!r}; a plugin returns one from migration_locations"
        )
    has_branch = any(branch in (rev.branch_labels or ()) for rev in script.walk_revisions())
    kwargs: dict[str, Any] = {"version_path": locations[branch]}
    if has_branch:
        kwargs["head"] = f"{branch}@head"
    else:
        kwargs |= {"head": "base", "branch_label": branch, "depends_on": "core@head"}
    scripts = command.revision(cfg, message=message, autogenerate=autogenerate, **kwargs)
    result = scripts[0] if isinstance(scripts, list) else scripts
    return str(result.path) if result is not None else ""


def _plugin_locations(catalog: PluginCatalog) -> list[str]:
    pm = make_plugin_manager(catalog)
    return [name for name, paths in results_by_plugin(pm, "migration_locations").items() if paths]


def upgrade(engine: Engine, catalog: PluginCatalog, target: str = "heads") -> None:
    command.upgrade(alembic_config(engine, catalog), target)


def heads(engine: Engine, catalog: PluginCatalog) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(engine, catalog)).get_heads())


def current(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def pending(engine: Engine, catalog: PluginCatalog) -> list[str]:
    """Revisions not yet applied. The version table keeps only the newest revision of
    each line, so what it implies (ancestors and dependencies) counts as applied."""
    script = ScriptDirectory.from_config(alembic_config(engine, catalog))
    applied: set[str] = set()
    stack = list(script.get_revisions(tuple(current(engine))))
    while stack:
        rev = stack.pop()
        if rev is None or rev.revision in applied:
            continue
        applied.add(rev.revision)
        for refs in (rev.down_revision, rev.dependencies):
            for ref in (refs,) if isinstance(refs, str) else (refs or ()):
                stack.extend(script.get_revisions(ref))
    return sorted(r.revision for r in script.walk_revisions() if r.revision not in applied)


def is_up_to_date(engine: Engine, catalog: PluginCatalog) -> bool:
    return not pending(engine, catalog)
