"""The couplings list and one coupling's page with its forms: a review and ending the
coupling with a reason (core's coupling page takes the other steps)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from sqlmodel import Session

from noaber.clock import dutch_today
from noaber.ui.forms import FormState, new_form_token, posted_form, store_form, validate
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, page_number, pages_of
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_buurtgezinnen import services
from noaber_buurtgezinnen.models import EndReason, Phase
from noaber_buurtgezinnen.pages.common import (
    COUPLINGS,
    FIELD_MESSAGES,
    PageForm,
    _input,
    _links,
    actor_of,
    coupling_url,
)
from noaber_buurtgezinnen.privacy import note_couplings
from noaber_buurtgezinnen.schemas import CouplingOut, CouplingStepIn, ReviewIn

END_REASONS = {
    EndReason.doel_bereikt: "The goal was reached",
    EndReason.verhuisd: "A family moved",
    EndReason.geen_klik: "The families did not click",
    EndReason.steungezin_stopt: "The steungezin stops",
    EndReason.vraaggezin_stopt: "The vraaggezin stops",
    EndReason.zwaardere_hulp_nodig: "Heavier support is needed",
    EndReason.anders: "Another reason",
}
"""Why a coupling ended, as a coordinator reads it (English message ids)."""


COUPLING_FORMS = {
    form.name: form
    for form in (
        PageForm(
            "review",
            ReviewIn,
            {"note": "review_note", "search_again": "review_search_again"},
        ),
        PageForm(
            "end",
            CouplingStepIn,
            {"on": "ended_on", "note": "end_note"},
            fixed={"to": Phase.afgesloten.value},
        ),
    )
}
"""The forms of a coupling's page: a review (``services.add_review``) and ending the
coupling with a reason (``services.step``); core's coupling page takes the other steps."""


ENDED_PAGE_SIZE = 25


def couplings_page(request: Request[Any, Any, Any], session: Session) -> Response[Any]:
    """The running couplings (what is due soonest on top; a steungezin supports a few
    families at a time, so they fit one page), then a page of the ended ones (most
    recently ended first, ``?pagina=``: they add up over the years)."""
    _ = gettext_for(request)
    page = page_number(request)
    running = services.couplings_out(session, services.running_couplings(session))
    running.sort(key=lambda c: (_next_date(c) or date.max, c.id))
    ended_rows, ended_total = services.ended_couplings(
        session, page=page, page_size=ENDED_PAGE_SIZE
    )
    ended = services.couplings_out(session, ended_rows)
    note_couplings(session, [c.id for c in running + ended])
    return render(
        request,
        "buurtgezinnen/couplings.html",
        {
            "page_title": _("Buurtgezinnen: couplings"),
            "running": running,
            "ended": ended,
            "ended_total": ended_total,
            "page": page,
            "pages": pages_of(ended_total, ENDED_PAGE_SIZE),
            "end_reasons": _end_reasons(_),
            "today": dutch_today(),
            **_links(request),
        },
    )


def _next_date(coupling: CouplingOut) -> date | None:
    """The date the coordinator plans by next: the end of the trial, else the review."""
    if coupling.phase is Phase.proefperiode:
        return coupling.trial_ends_on
    return coupling.next_review_on


def _end_reasons(_: Callable[[str], str]) -> dict[str, str]:
    return {reason: _(label) for reason, label in END_REASONS.items()}


def coupling_page(
    request: Request[Any, Any, Any],
    session: Session,
    coupling_id: int,
    *,
    failed: tuple[str, FormState] | None = None,
    refused: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    """One coupling: both families, its history (the phase dates), the reviews, and the
    forms for what the plugin does itself (a review, ending the coupling with a reason);
    the steps core's coupling page takes are linked there."""
    _ = gettext_for(request)
    out = services.coupling_out(session, services.get_coupling(session, coupling_id))
    note_couplings(session, [coupling_id])
    today = dutch_today().isoformat()
    offered = {
        "review": out.phase is Phase.actief,
        "end": out.phase is not Phase.afgesloten,
    }
    defaults: dict[str, dict[str, Any]] = {"review": {"held_on": today}, "end": {"ended_on": today}}
    forms = {
        name: FormState(values=defaults[name], token=new_form_token())
        for name, shown in offered.items()
        if shown
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    reasons = list(_end_reasons(_).items())
    return render(
        request,
        "buurtgezinnen/coupling.html",
        {
            "page_title": _("Coupling %(id)s: %(vraaggezin)s and %(steungezin)s")
            % {"id": out.id, "vraaggezin": out.vraaggezin, "steungezin": out.steungezin},
            "c": out,
            "core_steps": [s for s in out.next_steps if s != Phase.afgesloten.value],
            "end_reasons": _end_reasons(_),
            "forms": forms,
            "failed": failed[0] if failed else None,
            "refused": list(refused),
            "continue_options": [
                ("", _("Choose yes or no")),
                ("true", _("Yes, continue")),
                ("false", _("No, stop")),
            ],
            "review_reasons": [("", _("No reason: both families continue")), *reasons],
            "end_reason_options": [("", _("Choose a reason")), *reasons],
            **_links(request),
        },
        status_code=status_code,
    )


class CouplingPages(Controller):
    path = COUPLINGS

    @get("/", sync_to_thread=True, name="buurtgezinnen-couplings")
    def couplings(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return couplings_page(request, db_session)

    @get("/{coupling_id:int}", sync_to_thread=True, name="buurtgezinnen-coupling")
    def coupling(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        coupling_id: FromPath[int],
    ) -> Response[Any]:
        return coupling_page(request, db_session, coupling_id)

    async def _submit(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        coupling_id: int,
        name: str,
        store: Callable[[Any], object],
    ) -> Response[Any]:
        form_def = COUPLING_FORMS[name]
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            form_def.errors_by_input(form)
            return coupling_page(
                request,
                session,
                coupling_id,
                failed=(name, form),
                refused=refused,
                status_code=status,
            )

        if form.expired:
            return await in_thread(lambda: page(400))
        data = validate(
            form_def.model,
            _input(form_def, form.values, actor_of(request)),
            form,
            gettext_for(request),
            field_messages=FIELD_MESSAGES,
            rename=form_def.rename,
        )
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            store(data)
            return coupling_url(coupling_id)

        # Before the write: a refused one, and a repeated submit that is only sent where
        # the first went (``work`` does not run again), are logged with both families too.
        await in_thread(lambda: note_couplings(session, [coupling_id]))
        return await store_form(
            request, session, form, work, page, service_messages=form_def.service_messages()
        )

    @post("/{coupling_id:int}/evaluaties", name="buurtgezinnen-review")
    async def review(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        coupling_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            coupling_id,
            "review",
            lambda data: services.add_review(db_session, tenant, coupling_id, data),
        )

    @post("/{coupling_id:int}/beeindigen", name="buurtgezinnen-end")
    async def end(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        coupling_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            coupling_id,
            "end",
            lambda data: services.step(db_session, tenant, coupling_id, data),
        )
