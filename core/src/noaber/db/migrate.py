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


def locations_by_branch(catalog: PluginCatalog) -> dict[str, list[str]]:
    """Revision folders per branch: core's first, then each plugin's by name."""
    pm = make_plugin_manager(catalog)
    branches = {"core": [str(MIGRATIONS_DIR / "versions")]}
    for plugin, paths in sorted(results_by_plugin(pm, "migration_locations").items()):
        if paths:
            branches[plugin] = [str(p) for p in paths]
    return branches


def version_locations(catalog: PluginCatalog) -> list[str]:
    return [path for paths in locations_by_branch(catalog).values() for path in paths]


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
    locations = locations_by_branch(catalog)
    if branch not in locations:
        raise NoaberError(
            f"no migration folder for branch {branch!r}; a plugin returns one from migration_locations"
        )
    has_branch = any(branch in (rev.branch_labels or ()) for rev in script.walk_revisions())
    kwargs: dict[str, Any] = {"version_path": locations[branch][0]}
    if has_branch:
        kwargs["head"] = f"{branch}@head"
    else:
        kwargs |= {"head": "base", "branch_label": branch, "depends_on": "core@head"}
    scripts = command.revision(cfg, message=message, autogenerate=autogenerate, **kwargs)
    result = scripts[0] if isinstance(scripts, list) else scripts
    return str(result.path) if result is not None else ""


def upgrade(engine: Engine, catalog: PluginCatalog, target: str = "heads") -> None:
    command.upgrade(alembic_config(engine, catalog), target)


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
