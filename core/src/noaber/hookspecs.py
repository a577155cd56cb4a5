"""Every hook a Noaber plugin (or a municipality's rules module) can implement.

This module is the whole public extension API of core. Each spec says when it is
called, what it receives and what it returns. ``docs/plugins/hooks.md`` documents
each one; a test fails when a spec is missing there.

Plugins implement hooks with ``@noaber.hookimpl``; the argument names must match
the spec (pluggy passes arguments by name, and an implementation may take fewer).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler
    from pydantic import BaseModel

    from noaber.demo.context import DemoContext

PROJECT_NAME = "noaber"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec(firstresult=True)
def settings_model() -> type[BaseModel] | None:
    """Return the pydantic model that validates this plugin's settings.

    Called once per installed plugin when municipality packages are loaded. A
    municipality's ``[plugins.<name>]`` table is validated against the model; an
    invalid value stops the platform with a message naming the package, file and key.
    The validated instance is what the plugin later receives as its settings.
    Return ``None`` if the plugin takes no settings.
    """


@hookspec
def route_handlers() -> Sequence[ControllerRouterHandler]:  # type: ignore[empty-body]
    """Return the Litestar route handlers (controllers, routers or handlers) this plugin adds.

    Called once per installed plugin when the web application is built. Core mounts
    them behind a guard: for a tenant whose municipality does not enable the plugin,
    every one of these routes answers 404, so handlers never check that themselves.
    """


@hookspec
def migration_locations() -> Sequence[str]:  # type: ignore[empty-body]
    """Return directories holding this plugin's Alembic revisions.

    Called whenever the Alembic configuration is built (``noaber db ...``). Each plugin
    keeps its own version branch: its first revision has ``branch_labels=("<name>",)``
    and ``depends_on`` core's head at the time of writing.
    """


@hookspec
def seed_demo_data(demo: DemoContext) -> None:
    """Add demo data for one tenant.

    Called by ``noaber demo`` once per municipality, through that tenant's plugin
    manager, so only plugins the municipality enables (and its rules module) are
    asked. ``demo`` carries an open session with the tenant set, the tenant's
    settings and a seeded random generator; the caller commits.
    """
