"""The maatwerk budget of a year (``?jaar=``, this year unless chosen): the budget, what
was granted and booked against it, what remains and what is requested and not yet
decided; how fast requests were decided against the municipality's target; and the
requests awaiting a decision, the longest waiting first, each linking to the request on
its case's page, a page at a time (``?pagina=``).

A year that is none is named next to the year's field in Dutch (422) and the page shows
this year. The access log names the families of the requests the page shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get
from sqlmodel import Session, select

from noaber.clock import dutch_today
from noaber.people.models import utcnow
from noaber.platform import TenantRuntime
from noaber.ui.forms import FormState
from noaber.ui.templating import gettext_for, render
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_doorbraak import budget, privacy, services
from noaber_doorbraak.controllers import settings_of
from noaber_doorbraak.models import Spending
from noaber_doorbraak.pages.common import (
    BUDGET,
    COSTS,
    PAGE_PARAMETER,
    case_url,
    page_number,
    query,
)
from noaber_doorbraak.settings import DoorbraakSettings

YEAR = "jaar"
FIRST_YEAR, LAST_YEAR = 2000, 2100
"""The years a budget can be set for (the settings' range)."""
PAGE_SIZE = 25


def waiting_hours(requested_at: datetime, now: datetime | None = None) -> int:
    """Whole hours since a request was made (SQLite hands back naive UTC)."""
    moment = now or utcnow()
    if requested_at.tzinfo is None:
        moment = moment.replace(tzinfo=None)
    return max(0, int((moment - requested_at).total_seconds() // 3600))


def years_of(session: Session, settings: DoorbraakSettings, *also: int) -> list[int]:
    """The years to choose from: this year, the years the municipality set a budget for
    and those with maatwerk requested, newest first."""
    requested = session.exec(select(Spending.budget_year).distinct()).all()
    return sorted({*also, *settings.budget_by_year, *requested}, reverse=True)


def budget_page(
    request: Request[Any, Any, Any], tenant: TenantRuntime, session: Session
) -> Response[Any]:
    _ = gettext_for(request)
    settings = settings_of(tenant)
    this_year = dutch_today().year
    raw = str(request.query_params.get(YEAR) or "").strip()[:100]
    year = this_year
    form = FormState(values={YEAR: str(this_year)})
    if raw:
        if raw.isdigit() and len(raw) == 4 and FIRST_YEAR <= int(raw) <= LAST_YEAR:
            year = int(raw)
            form.values[YEAR] = raw
        else:
            form.errors[YEAR] = _("Choose one of the years.")
    figures = budget.budget_out(session, settings, year)
    total = services.count_pending_spending(session, year)
    page, pages = page_number(request, total, PAGE_SIZE)
    waiting = services.pending_spending(
        session, settings, year, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    privacy.note_households(session, [row.household_id for row in waiting])
    rows = []
    for row in waiting:
        hours = waiting_hours(row.spending.requested_at)
        rows.append(
            {
                "row": row,
                "s": row.spending,
                "hours": hours,
                "late": hours > settings.decision_target_hours,
                "url": f"{case_url(row.spending.case_id)}#besteding-{row.spending.id}",
            }
        )
    chosen = {YEAR: year if year != this_year else None}
    return render(
        request,
        "doorbraak/budget.html",
        {
            "page_title": _("Doorbraak: maatwerk budget %(year)s") % {"year": year},
            "form": form,
            "years": [(str(y), str(y)) for y in years_of(session, settings, this_year, year)],
            "year": year,
            "b": figures,
            "share": None
            if figures.within_target_share is None
            else figures.within_target_share * 100,
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages,
            "page_link": lambda n: f"{BUDGET}?{query({**chosen, PAGE_PARAMETER: n})}",
            "base": BUDGET,
            "costs_url": COSTS,
        },
        status_code=422 if form.errors else 200,
    )


class BudgetPages(Controller):
    path = BUDGET

    @get("/", sync_to_thread=True, name="doorbraak-budget")
    def budget(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        return budget_page(request, tenant, db_session)
