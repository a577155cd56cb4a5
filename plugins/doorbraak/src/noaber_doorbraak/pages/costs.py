"""What the cases cost a year: carrying on as before (every agency on the map) against
the breakthrough (the agencies' expected cost after it plus the maatwerk granted), summed
over every case and per case, the newest first, each linking to its case's map, a page
at a time (``?pagina=``). The access log names the families the page shows.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from sqlmodel import Session

from noaber.ui.templating import gettext_for, render
from noaber.web.dependencies import DbSession
from noaber_doorbraak import privacy, services
from noaber_doorbraak.pages.common import BUDGET, COSTS, PAGE_PARAMETER, case_url, page_number

PAGE_SIZE = 25


def costs_page(request: Request[Any, Any, Any], session: Session) -> Response[Any]:
    _ = gettext_for(request)
    total = services.count_cases(session)
    page, pages = page_number(request, total, PAGE_SIZE)
    rows = services.cost_comparison(
        session, newest_first=True, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    ).cases
    privacy.note_cases(session, [row.case_id for row in rows])
    return render(
        request,
        "doorbraak/costs.html",
        {
            "page_title": _("Doorbraak: costs"),
            "sums": services.cost_totals(session),
            "rows": [{"c": row, "url": f"{case_url(row.case_id)}#kaart"} for row in rows],
            "total": total,
            "page": page,
            "pages": pages,
            "page_link": lambda n: f"{COSTS}?{PAGE_PARAMETER}={n}",
            "budget_url": BUDGET,
        },
    )


class CostPages(Controller):
    path = COSTS

    @get("/", sync_to_thread=True, name="doorbraak-costs")
    def costs(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return costs_page(request, db_session)
