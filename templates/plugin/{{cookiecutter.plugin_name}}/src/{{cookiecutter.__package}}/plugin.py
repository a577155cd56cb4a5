"""Hook implementations of the {{ cookiecutter.title }} plugin.

Core calls these through the plugin manager of each tenant whose municipality enables
``{{ cookiecutter.plugin_name }}``; see the hook reference for when each is called. Argument names
must match the hook specs in ``noaber.hookspecs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from noaber import hookimpl
from {{ cookiecutter.__package }}.routes import {{ cookiecutter.__class }}Controller
from {{ cookiecutter.__package }}.settings import {{ cookiecutter.__class }}Settings

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler
    from pydantic import BaseModel
{%- if cookiecutter.with_model %}

    from noaber.demo.context import DemoContext
{%- endif %}

NAME = "{{ cookiecutter.plugin_name }}"
LOCALE = Path(__file__).parent / "locale"


@hookimpl
def settings_model() -> type[BaseModel]:
    return {{ cookiecutter.__class }}Settings


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    # Mounted behind core's guard: 404 for every tenant that does not enable this plugin.
    return [{{ cookiecutter.__class }}Controller]


@hookimpl
def ui_locale_dirs() -> Sequence[str]:
    # The Dutch of what this plugin shows people (its UserMessage ids): a coordinator
    # reads a refusal in Dutch, an API client the English detail.
    return [str(LOCALE)]
{%- if cookiecutter.with_model %}


@hookimpl
def migration_locations() -> Sequence[str]:
    # This plugin's own Alembic version branch (branch label "{{ cookiecutter.plugin_name }}").
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def seed_demo_data(demo: DemoContext) -> None:
    from {{ cookiecutter.__package }}.models import {{ cookiecutter.__class }}Item

    # The session has the tenant set (new rows get it); the caller commits.
    for hood in demo.municipality.config.neighbourhoods:
        number = demo.random.randint(1, 99)
        title = f"Demo {number} in {hood.name}"
        demo.session.add({{ cookiecutter.__class }}Item(tenant_id=demo.slug, title=title))
    # Flush while the tenant is still in context: the guards stamp and check it here.
    demo.session.flush()
{%- endif %}


# More hooks slot in here, each one more @hookimpl in this module (or a module of its
# own imported here): request types with their workflow, match filters and score
# components, pages and work-list items, report figures, periodic tasks, and the
# personal-data export/erasure contributions. See the hook reference.
