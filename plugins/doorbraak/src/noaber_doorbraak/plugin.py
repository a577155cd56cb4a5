"""Hook implementations of the Doorbraak plugin."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar.types import ControllerRouterHandler
from pydantic import BaseModel
from sqlmodel import Session

from noaber import hookimpl
from noaber.clock import dutch_today
from noaber.demo.context import DemoContext
from noaber.errors import Refusal, UserMessage
from noaber.programmes import programme_route
from noaber.requests.models import HelpRequest
from noaber.requests.types import RequestType
from noaber_doorbraak import models  # noqa: F401  (registers the tables on the metadata)
from noaber_doorbraak.settings import DoorbraakSettings

if TYPE_CHECKING:
    from noaber.platform import TenantRuntime
    from noaber.ui.contrib import NavItem, ReportTable, WorkItem

NAME = "doorbraak"
MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
LOCALE = Path(__file__).parent / "locale"
TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def settings_model() -> type[BaseModel]:
    return DoorbraakSettings


@hookimpl
def migration_locations() -> Sequence[str]:
    return [str(MIGRATIONS)]


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    from noaber_doorbraak.controllers import CONTROLLERS
    from noaber_doorbraak.pages import router as pages_router

    return [
        programme_route(
            NAME,
            title="Doorbraakaanpak",
            description="Een doorbraakspecialist haalt de blokkade weg die een gezin vastzet.",
        ),
        *CONTROLLERS,
        pages_router(),
    ]


@hookimpl
def request_types(register: Callable[[RequestType], None]) -> None:
    from noaber_doorbraak.workflow import DOORBRAAK

    register(DOORBRAAK)


@hookimpl
def check_request_transition(
    session: Session, request: HelpRequest, target: str, reason: str | None
) -> Refusal | None:
    """A breakthrough case is only closed with its outcome (goal met, partly, not)."""
    from noaber_doorbraak.services import has_outcome
    from noaber_doorbraak.workflow import CLOSED, REQUEST_TYPE

    if request.type != REQUEST_TYPE or target != CLOSED or has_outcome(session, request.id):
        return None
    return Refusal(
        "a breakthrough case is closed with its outcome (behaald, deels_behaald, niet_behaald): "
        "use POST /api/doorbraak/cases/{id}/close",
        UserMessage(
            "A doorbraak case is closed together with its outcome (behaald, deels behaald or "
            "niet behaald). Close it with its outcome in the doorbraak case itself."
        ),
    )


@hookimpl
def ui_locale_dirs() -> Sequence[str]:
    return [str(LOCALE)]


@hookimpl
def ui_template_dirs() -> Sequence[str]:
    return [str(TEMPLATES)]


@hookimpl
def ui_nav_items(register: Callable[[NavItem], None]) -> None:
    from noaber.ui.contrib import NavItem
    from noaber_doorbraak.pages import (
        BASE,
        BLOCKAGES,
        BLOCKAGES_LABEL,
        BUDGET,
        BUDGET_LABEL,
        COSTS,
        COSTS_LABEL,
        NAV_LABEL,
        NAV_ORDER,
        ROLES,
    )

    for label, href in (
        (NAV_LABEL, BASE),
        (BLOCKAGES_LABEL, BLOCKAGES),
        (BUDGET_LABEL, BUDGET),
        (COSTS_LABEL, COSTS),
    ):
        register(NavItem(label, href, ROLES, order=NAV_ORDER, programme=NAME))


@hookimpl
def ui_reports(
    tenant: TenantRuntime, session: Session, register: Callable[[ReportTable], None]
) -> None:
    from noaber_doorbraak.controllers import settings_of
    from noaber_doorbraak.reports import reports

    for table in reports(session, settings_of(tenant)):
        register(table)


@hookimpl
def ui_work_items(
    tenant: TenantRuntime, session: Session, register: Callable[[WorkItem], None]
) -> None:
    from noaber_doorbraak.worklist import work_items

    for item in work_items(session, dutch_today()):
        register(item)


@hookimpl
def seed_demo_data(demo: DemoContext) -> None:
    from noaber_doorbraak.demo import seed

    seed(demo)


@hookimpl
def data_subject_tables() -> Mapping[str, str]:
    from noaber_doorbraak.privacy import TABLES

    return TABLES


@hookimpl
def data_subject_export(person_id: int, session: Session) -> Mapping[str, Any]:
    from noaber_doorbraak.privacy import export

    return export(session, person_id)


@hookimpl
def data_subject_erase(person_id: int, session: Session) -> Mapping[str, int]:
    from noaber_doorbraak.privacy import erase

    return erase(session, person_id)
