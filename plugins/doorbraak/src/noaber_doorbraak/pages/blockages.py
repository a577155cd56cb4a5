"""The blockages (knelpunten) of every running case, those whose escalation's decision is
overdue first and flagged (``?toon=te-laat``: only those), each linking to the blockage
on its case's page, a page at a time (``?pagina=``); and which rules block most often
(the API's ``/blockages/overview``), over a period (``?van=``, ``?tot=``): the
doorbraakaanpak's lesson for policy.

A filter that is no choice or no date is named next to its field in Dutch (422) and the
page shows what it can without it. The access log names the families the page shows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get
from sqlmodel import Session

from noaber.platform import TenantRuntime
from noaber.ui.forms import FormState
from noaber.ui.templating import gettext_for, render
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_doorbraak import privacy, services
from noaber_doorbraak.controllers import settings_of
from noaber_doorbraak.pages.common import (
    BLOCKAGES,
    PAGE_PARAMETER,
    case_url,
    date_of,
    page_number,
    query,
)

SHOW = "toon"
"""The list's filter: ``te-laat`` (only blockages with an overdue decision) or empty."""
OVERDUE = "te-laat"
PERIOD_FROM = "van"
PERIOD_TO = "tot"
"""The overview's period: the blockages noticed from, until (both optional)."""
PAGE_SIZE = 25


def _period(form: FormState, name: str, _: Any) -> date | None:
    raw = str(form.values.get(name) or "")
    if not raw.strip():
        return None
    found = date_of(raw)
    if found is None:
        form.errors[name] = _("Enter a date, for example 31-01-2026.")
    return found


def blockages_page(
    request: Request[Any, Any, Any], tenant: TenantRuntime, session: Session
) -> Response[Any]:
    _ = gettext_for(request)
    params = request.query_params
    form = FormState(
        values={name: str(params.get(name) or "")[:100] for name in (SHOW, PERIOD_FROM, PERIOD_TO)}
    )
    show = form.values[SHOW]
    if show not in ("", OVERDUE):
        form.errors[SHOW] = _("Choose one of the options.")
        show = ""
    period_from = _period(form, PERIOD_FROM, _)
    period_to = _period(form, PERIOD_TO, _)
    if period_from and period_to and period_to < period_from:
        form.errors[PERIOD_TO] = _("The end of the period lies before its start.")
        period_from = period_to = None

    overdue_only = show == OVERDUE
    open_total = services.count_blockages(session, open_only=True)
    overdue_total = services.count_blockages(session, open_only=True, overdue_only=True)
    total = overdue_total if overdue_only else open_total
    page, pages = page_number(request, total, PAGE_SIZE)
    rows = services.open_blockages(
        session,
        settings_of(tenant),
        overdue_only=overdue_only,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    privacy.note_households(session, [row.household_id for row in rows])
    overview = services.blockage_overview(session, period_from=period_from, period_to=period_to)
    kept = {
        SHOW: show,
        PERIOD_FROM: period_from.isoformat() if period_from else "",
        PERIOD_TO: period_to.isoformat() if period_to else "",
    }
    return render(
        request,
        "doorbraak/blockages.html",
        {
            "page_title": _("Doorbraak: blockages"),
            "form": form,
            "rows": [
                {
                    "row": row,
                    "b": row.blockage,
                    "latest": row.blockage.escalations[-1] if row.blockage.escalations else None,
                    "url": f"{case_url(row.blockage.case_id)}#knelpunt-{row.blockage.id}",
                }
                for row in rows
            ],
            "total": total,
            "open_total": open_total,
            "overdue_total": overdue_total,
            "overdue_only": overdue_only,
            "shows": [("", _("All open blockages")), (OVERDUE, _("Only with an overdue decision"))],
            "page": page,
            "pages": pages,
            "page_link": lambda n: f"{BLOCKAGES}?{query({**kept, PAGE_PARAMETER: n})}",
            "overdue_link": f"{BLOCKAGES}?{query({**kept, SHOW: OVERDUE})}",
            "kept": kept,
            "overview": overview,
            "base": BLOCKAGES,
        },
        status_code=422 if form.errors else 200,
    )


class BlockagePages(Controller):
    path = BLOCKAGES

    @get("/", sync_to_thread=True, name="doorbraak-blockages")
    def blockages(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        return blockages_page(request, tenant, db_session)
