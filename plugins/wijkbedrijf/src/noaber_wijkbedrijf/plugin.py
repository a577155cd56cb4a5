"""Hook implementations of the Wijkbedrijf plugin."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar.types import ControllerRouterHandler
from pydantic import BaseModel
from sqlmodel import Session

from noaber import hookimpl
from noaber.demo.context import DemoContext
from noaber.matching.columns import Array, MatchFilter, ScoreComponent
from noaber.programmes import programme_route
from noaber.requests.models import HelpRequest
from noaber.requests.types import RequestType
from noaber_wijkbedrijf import models  # noqa: F401  (registers the tables on the metadata)
from noaber_wijkbedrijf.settings import WijkbedrijfSettings

if TYPE_CHECKING:
    from noaber.errors import Refusal
    from noaber.platform import TenantRuntime
    from noaber.tasks import PeriodicTask
    from noaber.ui.contrib import NavItem, ReportTable, WorkItem

NAME = "wijkbedrijf"
MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
LOCALE = Path(__file__).parent / "locale"
TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def settings_model() -> type[BaseModel]:
    return WijkbedrijfSettings


@hookimpl
def migration_locations() -> Sequence[str]:
    return [str(MIGRATIONS)]


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    from noaber_wijkbedrijf.controllers import CONTROLLERS
    from noaber_wijkbedrijf.pages import router as pages_router

    return [
        programme_route(
            NAME,
            title="Sociaal wijkbedrijf",
            description="Buurtbewoners doen kleine klussen voor bewoners, tegen een klein uurtarief.",
        ),
        *CONTROLLERS,
        pages_router(),
    ]


@hookimpl
def request_types(register: Callable[[RequestType], None]) -> None:
    from noaber_wijkbedrijf.workflow import KLUS

    register(KLUS)


@hookimpl
def match_filters(register: Callable[[MatchFilter], None]) -> None:
    from noaber_wijkbedrijf.matching import FILTERS

    for f in FILTERS:
        register(f)


@hookimpl
def match_score_components(register: Callable[[ScoreComponent], None]) -> None:
    from noaber_wijkbedrijf.matching import COMPONENTS

    for c in COMPONENTS:
        register(c)


@hookimpl
def match_helper_columns(session: Session, helper_ids: Array) -> Mapping[str, Array]:
    from noaber_wijkbedrijf.matching import helper_columns

    return helper_columns(session, helper_ids)


@hookimpl
def match_request_columns(session: Session, request_ids: Array) -> Mapping[str, Array]:
    from noaber_wijkbedrijf.matching import request_columns

    return request_columns(session, request_ids)


@hookimpl
def check_request_transition(session: Session, request: HelpRequest, target: str) -> Refusal | None:
    from noaber_wijkbedrijf.services import check_transition

    return check_transition(session, request, target)


@hookimpl
def ui_locale_dirs() -> Sequence[str]:
    return [str(LOCALE)]


@hookimpl
def ui_template_dirs() -> Sequence[str]:
    return [str(TEMPLATES)]


@hookimpl
def ui_nav_items(register: Callable[[NavItem], None]) -> None:
    from noaber.ui.contrib import NavItem
    from noaber_wijkbedrijf.pages import HOURS, NAV_LABEL, ROLES

    register(NavItem(NAV_LABEL, HOURS, ROLES, order=26, programme=NAME))


@hookimpl
def seed_demo_data(demo: DemoContext) -> None:
    from noaber_wijkbedrijf.demo import seed

    seed(demo)


@hookimpl
def data_subject_tables() -> Mapping[str, str]:
    from noaber_wijkbedrijf.privacy import TABLES

    return TABLES


@hookimpl
def data_subject_export(person_id: int, session: Session) -> Mapping[str, Any]:
    from noaber_wijkbedrijf.privacy import export

    return export(session, person_id)


@hookimpl
def data_subject_erase(person_id: int, session: Session) -> Mapping[str, int]:
    from noaber_wijkbedrijf.privacy import erase

    return erase(session, person_id)


@hookimpl
def ui_work_items(
    tenant: TenantRuntime, session: Session, register: Callable[[WorkItem], None]
) -> None:
    from noaber_wijkbedrijf.worklist import work_items

    for item in work_items(session, datetime.now(UTC)):
        register(item)


@hookimpl
def ui_reports(
    tenant: TenantRuntime, session: Session, register: Callable[[ReportTable], None]
) -> None:
    from noaber_wijkbedrijf.reports import reports

    for table in reports(session):
        register(table)


@hookimpl
def periodic_tasks(register: Callable[[PeriodicTask], None]) -> None:
    from noaber_wijkbedrijf.retries import TASK

    register(TASK)
