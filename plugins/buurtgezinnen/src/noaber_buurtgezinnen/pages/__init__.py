"""The coordinator's web pages of Buurtgezinnen, one module per page group (families,
couplings, waiting list) and what they share (``common``); the router core mounts."""

# Every form goes through the plugin's services, so the pages keep the API's rules. They
# follow core's form conventions (``noaber.ui.forms``): wrong input shows the page again
# with status 422, the Dutch message next to the field and what was typed; a refusal of a
# service (a ``Conflict``) shows its user messages with status 409; nothing is stored
# then (the transaction is rolled back). Each form carries a one-time token, so a double
# submit stores once and is sent where the first went. After success: 303 to the family.
#
# Core mounts these routes like every route of the plugin (``route_handlers``): 404 for a
# municipality that does not enable Buurtgezinnen, 403 for an account scoped to other
# programmes. The pages name the members of the families they show in the access log
# (:func:`~noaber_buurtgezinnen.privacy.note_families`), as the API does.

from __future__ import annotations

from litestar import Router

from noaber.ui.web import pages_router
from noaber_buurtgezinnen.pages.common import (
    BASE,
    COUPLINGS,
    FIELD_MESSAGES,
    NAV_LABEL,
    ROLES,
    SERVICE_MESSAGES,
    WAITING,
)
from noaber_buurtgezinnen.pages.couplings import END_REASONS, CouplingPages
from noaber_buurtgezinnen.pages.families import FamilyPages
from noaber_buurtgezinnen.pages.waiting import WaitingPages

__all__ = [
    "BASE",
    "COUPLINGS",
    "END_REASONS",
    "FIELD_MESSAGES",
    "NAV_LABEL",
    "ROLES",
    "SERVICE_MESSAGES",
    "WAITING",
    "router",
]


def router() -> Router:
    """The pages, for the ``route_handlers`` hook (core's page router: the CSRF token
    as a form field, Dutch error pages, the login page for a visitor not logged in)."""
    return pages_router([FamilyPages, CouplingPages, WaitingPages], roles=ROLES)
