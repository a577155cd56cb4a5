"""What the doorbraak's page modules share: paths, roles, navigation labels, the acting
coordinator, euros as typed on a Dutch form, the list pages' page number and the query
parameters their links keep."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Request

from noaber.ui.identity import viewer_of
from noaber.ui.web import page_number as ui_page_number
from noaber.ui.web import pages_of

ROLES = ("municipality_admin", "coordinator")
ROOT = "/doorbraak"
BASE = f"{ROOT}/casussen"
"""The cases (and, below it, each case's page)."""
BLOCKAGES = f"{ROOT}/knelpunten"
BUDGET = f"{ROOT}/budget"
COSTS = f"{ROOT}/kosten"

# The main navigation's links (English message ids, other than the pages' titles). Core
# orders links of the same order by their id: the cases first ("Doorbraak cases" sorts
# before "Doorbraak overview: ..."), then the overviews, before the next programme's.
NAV_LABEL = "Doorbraak cases"
BLOCKAGES_LABEL = "Doorbraak overview: blockages"
BUDGET_LABEL = "Doorbraak overview: budget"
COSTS_LABEL = "Doorbraak overview: costs"
NAV_ORDER = 27

PAGE_PARAMETER = "pagina"
"""A list's page, as core's list of requests has it (``?pagina=2``)."""


def case_url(case_id: int) -> str:
    return f"{BASE}/{case_id}"


def actor_of(request: Request[Any, Any, Any]) -> str:
    return viewer_of(request).name or "coordinator"


def page_number(request: Request[Any, Any, Any], total: int, size: int) -> tuple[int, int]:
    """The page a list shows (``?pagina=``) and how many it has: a page past the last
    shows the last, what is no page number the first (as core's lists)."""
    pages = pages_of(total, size)
    return min(ui_page_number(request, PAGE_PARAMETER), pages), pages


def query(params: Mapping[str, str | int | None]) -> str:
    """A link's query string with the parameters that have a value (``a=1&b=x``)."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def date_of(text: str) -> date | None:
    """A date typed in a filter: as a date field sends it (``2026-01-31``) or the Dutch
    way (``31-01-2026``); None for anything else."""
    value = text.strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None
