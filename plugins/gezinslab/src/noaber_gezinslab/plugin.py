"""Hook implementations of the Gezinslab plugin."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar.types import ControllerRouterHandler
from pydantic import BaseModel
from sqlmodel import Session

from noaber import hookimpl
from noaber.demo.context import DemoContext
from noaber.programmes import programme_route
from noaber.requests.types import RequestType
from noaber_gezinslab import models  # noqa: F401  (registers the tables on the metadata)
from noaber_gezinslab.settings import GezinslabSettings

if TYPE_CHECKING:
    from noaber.platform import TenantRuntime
    from noaber.ui.contrib import NavItem, ReportTable

NAME = "gezinslab"
MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
LOCALE = Path(__file__).parent / "locale"
TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def settings_model() -> type[BaseModel]:
    return GezinslabSettings


@hookimpl
def migration_locations() -> Sequence[str]:
    return [str(MIGRATIONS)]


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    from noaber_gezinslab.controllers import CONTROLLERS
    from noaber_gezinslab.pages import router as pages_router

    return [
        programme_route(
            NAME,
            title="Gezinslab",
            description="Samen met het gezin werken aan wat achter gezondheidsproblemen zit.",
        ),
        *CONTROLLERS,
        pages_router(),
    ]


@hookimpl
def request_types(register: Callable[[RequestType], None]) -> None:
    from noaber_gezinslab.workflow import GEZINSLAB

    register(GEZINSLAB)


@hookimpl
def seed_demo_data(demo: DemoContext) -> None:
    from noaber_gezinslab.demo import seed

    seed(demo)


@hookimpl
def data_subject_tables() -> Mapping[str, str]:
    from noaber_gezinslab.privacy import TABLES

    return TABLES


@hookimpl
def data_subject_export(person_id: int, session: Session) -> Mapping[str, Any]:
    from noaber_gezinslab.privacy import export

    return export(session, person_id)


@hookimpl
def data_subject_erase(person_id: int, session: Session) -> Mapping[str, int]:
    from noaber_gezinslab.privacy import erase

    return erase(session, person_id)


@hookimpl
def ui_reports(
    tenant: TenantRuntime, session: Session, register: Callable[[ReportTable], None]
) -> None:
    from noaber_gezinslab.reports import reports

    for table in reports(session):
        register(table)


@hookimpl
def ui_locale_dirs() -> Sequence[str]:
    return [str(LOCALE)]


@hookimpl
def ui_template_dirs() -> Sequence[str]:
    return [str(TEMPLATES)]


@hookimpl
def ui_nav_items(register: Callable[[NavItem], None]) -> None:
    from noaber.ui.contrib import NavItem
    from noaber_gezinslab.pages import (
        BASE,
        LEARNING_ROLES,
        LESSONS,
        LESSONS_NAV_LABEL,
        NAV_LABEL,
        OVERVIEW,
        OVERVIEW_NAV_LABEL,
        ROLES,
    )

    register(NavItem(NAV_LABEL, BASE, ROLES, order=27, programme=NAME))
    register(NavItem(LESSONS_NAV_LABEL, LESSONS, LEARNING_ROLES, order=27, programme=NAME))
    register(NavItem(OVERVIEW_NAV_LABEL, OVERVIEW, LEARNING_ROLES, order=27, programme=NAME))
