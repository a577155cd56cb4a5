"""The cases, open and closed, a page at a time (``?stand=open|gesloten``, ``?pagina=``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from sqlmodel import Session

from noaber.ui.templating import gettext_for, render
from noaber.web.dependencies import DbSession
from noaber_doorbraak import privacy, services
from noaber_doorbraak.pages.common import BASE, PAGE_PARAMETER, page_number

STATE_FILTER = "stand"
"""The list's query parameter: ``open`` or ``gesloten`` (anything else: all cases)."""
STATES = ("open", "gesloten")
PAGE_SIZE = 25


def cases_page(request: Request[Any, Any, Any], session: Session) -> Response[Any]:
    _ = gettext_for(request)
    raw = request.query_params.get(STATE_FILTER) or ""
    state = raw if raw in STATES else ""
    which = {"open_only": state == "open", "closed_only": state == "gesloten"}
    total = services.count_cases(session, **which)
    page, pages = page_number(request, total, PAGE_SIZE)
    cases = services.list_cases(
        session, **which, newest_first=True, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    overdue = services.overdue_cases(session, [c.id for c in cases])
    privacy.note_households(session, [c.household_id for c in cases])
    return render(
        request,
        "doorbraak/cases.html",
        {
            "page_title": _("Doorbraak: cases"),
            "rows": [{"case": c, "overdue": c.id in overdue} for c in cases],
            "total": total,
            "page": page,
            "pages": pages,
            "page_parameter": PAGE_PARAMETER,
            "state": state,
            "filter_name": STATE_FILTER,
            "base": BASE,
        },
    )


class CasesPages(Controller):
    path = BASE

    @get("/", sync_to_thread=True, name="doorbraak-cases")
    def cases(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return cases_page(request, db_session)
