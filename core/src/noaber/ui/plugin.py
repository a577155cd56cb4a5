"""The web interface, registered as a built-in plugin: its routes and core's links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from noaber.hookspecs import hookimpl
from noaber.ui.contrib import NavItem
from noaber.ui.pages.admin import AdminPages
from noaber.ui.pages.coordinator import CoordinatorPages
from noaber.ui.pages.language import LanguagePages
from noaber.ui.pages.login import LoginPages
from noaber.ui.pages.people import PeoplePages
from noaber.ui.pages.privacy import PrivacyPages
from noaber.ui.pages.public import PublicPages
from noaber.ui.pages.twofactor import SETTINGS_PATH, TwoFactorPages
from noaber.ui.pages.volunteer import ProfessionalPages, ResidentPages, VolunteerPages
from noaber.ui.web import PUBLIC, pages_router

STATIC_DIR = Path(__file__).parent / "static"


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    pages = pages_router(
        [
            PublicPages,
            LanguagePages,
            LoginPages,
            TwoFactorPages,
            CoordinatorPages,
            PeoplePages,
            VolunteerPages,
            ProfessionalPages,
            ResidentPages,
            AdminPages,
            PrivacyPages,
        ]
    )
    static = create_static_files_router(
        path="/static/ui", directories=[STATIC_DIR], name="ui-static", opt=dict(PUBLIC)
    )
    return [pages, static]


COORDINATION = ("municipality_admin", "coordinator")
PRIVACY = ("municipality_admin", "privacy_officer")
TWO_STEP = ("municipality_admin", "privacy_officer", "coordinator", "professional")


@hookimpl
def ui_nav_items(register: Callable[[NavItem], None]) -> None:
    register(NavItem("Work list", "/werk", COORDINATION, order=10))
    register(NavItem("Requests", "/aanvragen", COORDINATION, order=20))
    register(NavItem("Households", "/huishoudens", COORDINATION, order=30))
    register(NavItem("Couplings", "/koppelingen", COORDINATION, order=40))
    register(NavItem("My jobs", "/mijn/klussen", ("volunteer",), order=50))
    register(NavItem("Availability", "/mijn/beschikbaarheid", ("volunteer",), order=55))
    register(NavItem("Refer a family", "/verwijzen", ("professional",), order=60))
    register(NavItem("Shared cases", "/mijn/dossiers", ("professional",), order=65))
    register(NavItem("My requests", "/mijn/aanvragen", ("resident",), order=70))
    register(NavItem("Who saw my data", "/mijn/inzage", ("resident",), order=75))
    register(NavItem("Reports", "/beheer/rapportages", COORDINATION, order=80))
    register(NavItem("Programmes", "/beheer/programmas", ("municipality_admin",), order=85))
    register(NavItem("Users", "/beheer/gebruikers", ("municipality_admin",), order=90))
    register(NavItem("Access log", "/privacy/logboek", PRIVACY, order=92))
    register(NavItem("Data-subject rights", "/privacy/betrokkenen", PRIVACY, order=93))
    register(NavItem("Retention register", "/privacy/bewaarregister", PRIVACY, order=94))
    register(NavItem("Two-step verification", SETTINGS_PATH, TWO_STEP, order=99))
