"""The web pages of the doorbraakaanpak for specialists and coordinators, one module each:
the cases (:mod:`.cases`), one case with its forms (:mod:`.case`), the open blockages of
every case with the rules that block most often (:mod:`.blockages`), the year's maatwerk
budget with the requests awaiting a decision (:mod:`.maatwerk`) and the cost comparison
per case (:mod:`.costs`); :func:`router` mounts them.

Core mounts these routes like every route of the plugin (``route_handlers``): 404 for a
municipality that does not run the doorbraakaanpak, 403 for an account scoped to other
programmes. The pages name the members of the families they show in the access log
(:func:`~noaber_doorbraak.privacy.note_households`, ``note_cases``), as the API does.
"""

from __future__ import annotations

from litestar import Router

from noaber.ui.web import pages_router
from noaber_doorbraak.pages.blockages import BlockagePages
from noaber_doorbraak.pages.case import (
    FIELD_MESSAGES,
    OUTCOME_NAMES,
    PARTY_NAMES,
    SERVICE_MESSAGES,
    CasePages,
)
from noaber_doorbraak.pages.cases import CasesPages
from noaber_doorbraak.pages.common import (
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
    case_url,
)
from noaber_doorbraak.pages.costs import CostPages
from noaber_doorbraak.pages.maatwerk import BudgetPages

__all__ = [
    "BASE",
    "BLOCKAGES",
    "BLOCKAGES_LABEL",
    "BUDGET",
    "BUDGET_LABEL",
    "COSTS",
    "COSTS_LABEL",
    "FIELD_MESSAGES",
    "NAV_LABEL",
    "NAV_ORDER",
    "OUTCOME_NAMES",
    "PARTY_NAMES",
    "ROLES",
    "SERVICE_MESSAGES",
    "case_url",
    "router",
]


def router() -> Router:
    """The pages, for the ``route_handlers`` hook (core's page router: the CSRF token
    as a form field, Dutch error pages, the login page for a visitor not logged in)."""
    return pages_router([CasesPages, CasePages, BlockagePages, BudgetPages, CostPages], roles=ROLES)
