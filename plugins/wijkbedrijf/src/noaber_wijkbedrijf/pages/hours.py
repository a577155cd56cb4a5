"""The hours volunteers registered that wait for approval: approve, or reject with a
reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from sqlmodel import Session

from noaber.ui.forms import FormState, new_form_token, posted_form, store_form, validate
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread
from noaber.web.dependencies import DbSession
from noaber_wijkbedrijf import services
from noaber_wijkbedrijf.models import HoursEntry, HoursStatus, Job
from noaber_wijkbedrijf.pages.common import (
    BASE,
    HOURS,
    SUBNAV,
    actor_of,
    helper_names,
    hours_text,
    person_names,
)
from noaber_wijkbedrijf.schemas import DecisionIn
from noaber_wijkbedrijf.subjects import note_hours, noted

DECIDED = "besluit"
"""The hours list's query parameter after a decision: ``goedgekeurd`` or ``afgekeurd``."""

# English message ids (the catalogue translates them): a service's 422 that carries no
# message of its own, and the refusal of a service that says nothing itself.
SERVICE_MESSAGES = {"reason": "Give the reason why these hours are rejected."}


def hours_page(
    request: Request[Any, Any, Any],
    session: Session,
    *,
    failed: tuple[int, FormState] | None = None,
    refused: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    """The registrations waiting for approval, oldest first. ``failed`` is the row
    whose form was sent and refused (shown with its error and what was typed),
    ``refused`` what a service said about it."""
    _ = gettext_for(request)
    entries = services.list_hours(session, status=HoursStatus.ingediend)
    jobs: dict[int, Job] = {
        job_id: services.get_job(session, job_id) for job_id in {e.job_id for e in entries}
    }
    volunteers = helper_names(session, (e.helper_id for e in entries))
    residents = person_names(session, (j.person_id for j in jobs.values()))
    rows = []
    for entry in entries:
        job = jobs[entry.job_id]
        reject = FormState(token=new_form_token())
        if failed is not None and failed[0] == entry.id:
            reject = failed[1]
        rows.append(
            {
                "entry": entry,
                "job": job,
                "hours": hours_text(entry.hours),
                "volunteer": volunteers.get(entry.helper_id, ""),
                "resident": residents.get(job.person_id, ""),
                "approve_token": new_form_token(),
                "reject": reject,
            }
        )
    noted(session, [*entries, *jobs.values()])
    decided = request.query_params.get(DECIDED)
    return render(
        request,
        "wijkbedrijf/hours.html",
        {
            "page_title": _("Wijkbedrijf: hours to approve"),
            "rows": rows,
            "failed": failed,
            "refused": list(refused),
            "decided": decided if decided in HoursStatus.__members__ else None,
            **SUBNAV,
        },
        status_code=status_code,
    )


class HoursPages(Controller):
    path = BASE

    @get("/uren", sync_to_thread=True, name="wijkbedrijf-hours")
    def hours(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return hours_page(request, db_session)

    @post("/uren/{hours_id:int}/goedkeuren", name="wijkbedrijf-hours-approve")
    async def approve(
        self, request: Request[Any, Any, Any], db_session: DbSession, hours_id: FromPath[int]
    ) -> Response[Any]:
        return await self._decide(request, db_session, hours_id, approve=True)

    @post("/uren/{hours_id:int}/afkeuren", name="wijkbedrijf-hours-reject")
    async def reject(
        self, request: Request[Any, Any, Any], db_session: DbSession, hours_id: FromPath[int]
    ) -> Response[Any]:
        return await self._decide(request, db_session, hours_id, approve=False)

    async def _decide(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        hours_id: int,
        *,
        approve: bool,
    ) -> Response[Any]:
        _ = gettext_for(request)
        form = await posted_form(request)
        reason = "" if approve else str(form.values.get("reason") or "")
        form.values = {"reason": reason}

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            return hours_page(
                request, session, failed=(hours_id, form), refused=refused, status_code=status
            )

        if form.expired:
            return await in_thread(lambda: page(400))
        data = validate(
            DecisionIn, {"reason": reason.strip() or None, "actor": actor_of(request)}, form, _
        )
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            assert isinstance(data, DecisionIn)
            entry: HoursEntry = services.decide_hours(session, hours_id, approve, data)
            noted(session, [entry, services.get_job(session, entry.job_id)])
            return f"{HOURS}?{DECIDED}={entry.status.value}"

        # Before storing: a refused decision, or a repeated submit sent to the first
        # one's result, names the resident and the volunteer too.
        await in_thread(lambda: note_hours(session, hours_id))
        return await store_form(
            request, session, form, work, page, service_messages=SERVICE_MESSAGES
        )
