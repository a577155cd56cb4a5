"""Hook implementations of the Buurtgezinnen plugin."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar.types import ControllerRouterHandler
from pydantic import BaseModel

from noaber import hookimpl
from noaber.clock import dutch_today
from noaber.demo.context import DemoContext
from noaber.matching.columns import Array, MatchFilter, ScoreComponent
from noaber.programmes import programme_route
from noaber.requests.types import RequestType
from noaber_buurtgezinnen import models  # noqa: F401  (registers the tables on the metadata)
from noaber_buurtgezinnen.settings import BuurtgezinnenSettings
from noaber_buurtgezinnen.workflow import REQUEST_TYPE

if TYPE_CHECKING:
    from sqlmodel import Session

    from noaber.errors import Refusal
    from noaber.matching.models import Match
    from noaber.municipalities.loader import Municipality
    from noaber.platform import TenantRuntime
    from noaber.requests.models import HelpRequest
    from noaber.ui.contrib import NavItem, ReportTable, WorkItem

NAME = "buurtgezinnen"
MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
LOCALE = Path(__file__).parent / "locale"
TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def settings_model() -> type[BaseModel]:
    return BuurtgezinnenSettings


@hookimpl
def migration_locations() -> Sequence[str]:
    return [str(MIGRATIONS)]


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    from noaber_buurtgezinnen.controllers import CONTROLLERS
    from noaber_buurtgezinnen.pages import router as pages

    return [
        programme_route(
            NAME,
            title="Buurtgezinnen",
            description="Steungezinnen uit de buurt ondersteunen gezinnen die het even zwaar hebben.",
        ),
        *CONTROLLERS,
        pages(),
    ]


@hookimpl
def request_types(register: Callable[[RequestType], None]) -> None:
    from noaber_buurtgezinnen.workflow import BUURTGEZIN

    register(BUURTGEZIN)


@hookimpl
def match_filters(register: Callable[[MatchFilter], None]) -> None:
    from noaber_buurtgezinnen.matching import FILTERS

    for item in FILTERS:
        register(item)


@hookimpl
def match_score_components(register: Callable[[ScoreComponent], None]) -> None:
    from noaber_buurtgezinnen.matching import COMPONENTS

    for item in COMPONENTS:
        register(item)


@hookimpl
def match_helper_columns(
    session: Session, municipality: Municipality, helper_ids: Array
) -> Mapping[str, Array]:
    from noaber_buurtgezinnen.matching import helper_columns

    return helper_columns(session, municipality, helper_ids)


@hookimpl
def match_request_columns(
    session: Session, municipality: Municipality, request_ids: Array
) -> Mapping[str, Array]:
    from noaber_buurtgezinnen.matching import request_columns

    return request_columns(session, municipality, request_ids)


@hookimpl
def check_request_transition(session: Session, request: HelpRequest, target: str) -> Refusal | None:
    from noaber_buurtgezinnen.matching import check_request_transition as check

    return check(session, request, target)


@hookimpl
def ui_locale_dirs() -> Sequence[str]:
    return [str(LOCALE)]


@hookimpl
def ui_template_dirs() -> Sequence[str]:
    return [str(TEMPLATES)]


@hookimpl
def ui_nav_items(register: Callable[[NavItem], None]) -> None:
    from noaber.ui.contrib import NavItem
    from noaber_buurtgezinnen.pages import BASE, NAV_LABEL, ROLES

    register(NavItem(NAV_LABEL, BASE, ROLES, order=25, programme=NAME))


@hookimpl
def ui_reports(
    tenant: TenantRuntime, session: Session, register: Callable[[ReportTable], None]
) -> None:
    from noaber_buurtgezinnen.reports import reports

    for table in reports(session, tenant):
        register(table)


@hookimpl
def ui_work_items(
    tenant: TenantRuntime, session: Session, register: Callable[[WorkItem], None]
) -> None:
    from noaber_buurtgezinnen.worklist import work_items

    for item in work_items(session, tenant, dutch_today()):
        register(item)


@hookimpl
def request_transitioned(session: Session, request: HelpRequest, target: str) -> None:
    if request.type != REQUEST_TYPE or target != "gekoppeld":
        return
    from noaber_buurtgezinnen.privacy import note_couplings
    from noaber_buurtgezinnen.services import couple_proposed_match

    coupling = couple_proposed_match(session, request)
    if coupling is not None and coupling.id is not None:
        # The coupling is the plugin's own write: name both families, whichever core
        # route (API or page) moved the request.
        note_couplings(session, [coupling.id])


@hookimpl
def match_transitioned(
    tenant: TenantRuntime,
    session: Session,
    match: Match,
    previous: str,
    target: str,
    reason: str | None,
    actor: str,
) -> None:
    from noaber_buurtgezinnen.privacy import note_matches
    from noaber_buurtgezinnen.services import follow_match

    # The coupling follows the match: name both families before, so a refused move is
    # logged with them too, whichever core route (API or page) moved the match.
    note_matches(session, [match.id])
    follow_match(session, tenant, match, previous, target, reason, actor)


@hookimpl
def seed_demo_data(demo: DemoContext) -> None:
    from noaber_buurtgezinnen.demo import seed

    seed(demo)


@hookimpl
def data_subject_tables() -> Mapping[str, str]:
    from noaber_buurtgezinnen.privacy import TABLES

    return TABLES


@hookimpl
def data_subject_export(person_id: int, session: Session) -> Mapping[str, Any]:
    from noaber_buurtgezinnen.privacy import export

    return export(session, person_id)


@hookimpl
def data_subject_erase(person_id: int, session: Session) -> Mapping[str, int]:
    from noaber_buurtgezinnen.privacy import erase

    return erase(session, person_id)
