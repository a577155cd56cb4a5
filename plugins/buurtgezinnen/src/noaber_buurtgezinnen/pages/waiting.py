"""The waiting list: the vraaggezinnen waiting for a steungezin and the steungezinnen
without a family, the longest waiting first."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from sqlmodel import Session

from noaber.clock import dutch_today
from noaber.platform import TenantRuntime
from noaber.ui.templating import gettext_for, render
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_buurtgezinnen import figures
from noaber_buurtgezinnen.pages.common import WAITING, _links
from noaber_buurtgezinnen.privacy import note_families

STEUNGEZIN_STANDING = {
    "beschikbaar": "available",
    "intake": "competence check not done yet",
}
"""A free steungezin's standing on the waiting list (``figures.waiting_list``'s status)
as a coordinator reads it (English message ids)."""


def waiting_page(
    request: Request[Any, Any, Any], tenant: TenantRuntime, session: Session
) -> Response[Any]:
    """The waiting list the API's ``waiting-list`` route returns: the vraaggezinnen
    waiting for a steungezin and the steungezinnen without a family, the longest waiting
    first, each linked to its family page."""
    _ = gettext_for(request)
    waiting = figures.waiting_list(session, tenant, dutch_today())
    note_families(session, [w.family_id for w in waiting.vraaggezinnen])
    note_families(session, [w.family_id for w in waiting.steungezinnen])
    return render(
        request,
        "buurtgezinnen/waiting.html",
        {
            "page_title": _("Buurtgezinnen: waiting list"),
            "waiting": waiting,
            "steungezin_standing": {k: _(v) for k, v in STEUNGEZIN_STANDING.items()},
            **_links(request),
        },
    )


class WaitingPages(Controller):
    path = WAITING

    @get("/", sync_to_thread=True, name="buurtgezinnen-waiting-list")
    def waiting(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        return waiting_page(request, tenant, db_session)
