"""Coordinator pages: work list, requests (intake, status, notes), suggestions, couplings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from sqlmodel import Session, col, select

from noaber.errors import Conflict, InvalidInput, NotFound, UserMessage
from noaber.matching.models import Match
from noaber.matching.schemas import MatchIn, MatchTransitionIn
from noaber.matching.services import (
    criteria_for,
    get_match,
    propose_match,
    suggestions,
    transition_match,
    why,
)
from noaber.people.models import HelperProfile, Household, Professional
from noaber.people.schemas import PersonIn
from noaber.people.services import create_person, get_helper, get_household, get_person
from noaber.platform import TenantRuntime
from noaber.requests.models import AskedBy, HelpRequest, Urgency
from noaber.requests.schemas import RequestIn, TimelineIn, TransitionIn
from noaber.requests.services import (
    NOT_NOW,
    add_request_entry,
    create_request,
    get_request,
    list_requests,
    note_requests,
    transition_request,
)
from noaber.requests.types import REASON_REQUIRED, Workflow, request_types_of
from noaber.ui.accounts import note_subjects
from noaber.ui.forms import (
    FormState,
    as_list,
    new_form_token,
    posted_form,
    read_form,
    refusal_messages,
    split_tags,
    store_form,
    validate,
)
from noaber.ui.i18n import translate
from noaber.ui.identity import viewer_of
from noaber.ui.pages.common import (
    ASKED_BY_NAMES,
    URGENCY_NAMES,
    options,
    request_type_options,
    slot_options,
)
from noaber.ui.pages.public import FIELD_MESSAGES, SERVICE_MESSAGES
from noaber.ui.queries import (
    hours_entries,
    request_timeline,
    timeline_lines,
    who_asks,
    work_list,
)
from noaber.ui.schemas import IntakeForm, NoteForm, TransitionForm
from noaber.ui.templating import gettext_for, nav_items, render
from noaber.ui.web import COORDINATION, in_thread, page_number, pages_of, redirect, roles
from noaber.web.dependencies import CurrentTenant, DbSession

PAGE_SIZE = 25


def actor_of(request: Request[Any, Any, Any]) -> str:
    return viewer_of(request).name or "coordinator"


NOT_PROPOSED = UserMessage("This helper cannot be proposed now.")


def _status_fallback(exc: InvalidInput | Conflict) -> UserMessage:
    """The generic message of a refused status change that carries none of its own (a
    422 from a status change is a missing reason)."""
    return REASON_REQUIRED if isinstance(exc, InvalidInput) else NOT_NOW


NO_STATUS = UserMessage("Choose a new status.")


def check_status_exists(workflow: Workflow, target: str, what: str) -> None:
    """A target that is no status of the workflow at all is bad input (422, "choose a
    status"), not a move someone else made impossible meanwhile (409, "the status is now
    X; reload the page"), which the workflow's own check says."""
    if target not in workflow.statuses:
        raise InvalidInput(
            f"{what}: {target!r} is no status",
            user_message=NO_STATUS,
            errors=[{"field": "to", "source": "body", "message": "no such status"}],
        )


def check_programme(
    request: Request[Any, Any, Any], tenant: TenantRuntime, help_request: HelpRequest
) -> None:
    """A coordinator of programme X does not see requests of programme Y (404)."""
    rtype = request_types_of(tenant.plugins).types.get(help_request.type)
    if rtype is not None and not viewer_of(request).may_use(rtype.programme):
        raise NotFound(f"request {help_request.id} not found")


class CoordinatorPages(Controller):
    path = "/"
    opt = roles(*COORDINATION)

    @get("/werk", sync_to_thread=True, name="ui-work")
    def work(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        sections = work_list(db_session, tenant, viewer_of(request).may_use)
        for items in sections.values():
            items[:] = [
                replace(i, detail=translate(i.detail, _))
                if isinstance(i.detail, UserMessage)
                else i
                for i in items
            ]
        return render(
            request, "staff/work.html", {"page_title": _("Work list"), "sections": sections}
        )

    # --- requests --------------------------------------------------------------------

    @get("/aanvragen", sync_to_thread=True, name="ui-requests")
    def requests(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        status = request.query_params.get("status") or None
        page = page_number(request)
        rows, total = list_requests(
            db_session, page=page, page_size=PAGE_SIZE, status=status, sort="-created_at"
        )
        note_requests(db_session, rows)
        statuses = sorted(
            {s for t in request_types_of(tenant.plugins) for s in t.workflow.statuses}
        )
        return render(
            request,
            "staff/requests.html",
            {
                "page_title": _("Requests"),
                "rows": rows,
                "who": who_asks(db_session, rows),
                "total": total,
                "page": page,
                "pages": pages_of(total, PAGE_SIZE),
                "status": status or "",
                "statuses": statuses,
                "types": request_types_of(tenant.plugins).types,
            },
        )

    def _intake_page(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRuntime,
        session: Session,
        form: FormState,
        status: int = 200,
    ) -> Response[Any]:
        _ = gettext_for(request)
        households = session.exec(select(Household).order_by(col(Household.name)).limit(500)).all()
        professionals = session.exec(
            select(Professional).order_by(col(Professional.name)).limit(500)
        ).all()
        return render(
            request,
            "staff/intake.html",
            {
                "page_title": _("New request"),
                "form": form,
                "types": request_type_options(tenant, viewer_of(request)),
                "asked_by": options(ASKED_BY_NAMES, _),
                "urgencies": options(URGENCY_NAMES, _),
                "households": [("", _("New person (fill in below)"))]
                + [(str(h.id), h.name) for h in households],
                "professionals": [("", _("None"))] + [(str(p.id), p.name) for p in professionals],
                "slots": slot_options(_),
                "intake_links": nav_items(tenant, viewer_of(request), section="intake"),
            },
            status_code=status,
        )

    @get("/aanvragen/nieuw", sync_to_thread=True, name="ui-intake")
    def intake_form(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        return self._intake_page(
            request,
            tenant,
            db_session,
            FormState(values={"type": "hulpvraag", "urgency": "normal"}, token=new_form_token()),
        )

    @post("/aanvragen/nieuw", name="ui-intake-submit")
    async def intake_submit(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        form = await posted_form(request)
        values = form.values
        values["availability"] = as_list(values.get("availability"))

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            form.general.extend(refused)
            return self._intake_page(request, tenant, db_session, form, status)

        if form.expired:
            return await in_thread(lambda: page(400))
        cleaned = {k: (v or None) if isinstance(v, str) else v for k, v in values.items()}
        cleaned["skills"] = split_tags(values.get("skills"))
        data = validate(IntakeForm, cleaned, form, _, field_messages=FIELD_MESSAGES)
        if isinstance(data, IntakeForm):
            if data.household_id is None and not data.given_name:
                form.errors["given_name"] = _("Choose a household or fill in a first name.")
            if data.asked_by != "self" and data.professional_id is None:
                form.errors["professional_id"] = _("Choose the professional who asked.")
            if data.type not in dict(request_type_options(tenant, viewer_of(request))):
                form.errors["type"] = _("Choose one of the options.")
        if not isinstance(data, IntakeForm) or not form.ok:
            return await in_thread(lambda: page(422))
        actor = actor_of(request)

        def store() -> str:
            person_id = None
            if data.household_id is None:
                person = create_person(
                    db_session,
                    tenant.plugins,
                    PersonIn(
                        given_name=data.given_name or "",
                        family_name=data.family_name,
                        postcode=data.postcode,
                    ),
                )
                person_id = person.id
            created = create_request(
                db_session,
                tenant.plugins,
                RequestIn(
                    type=data.type,
                    asked_by=AskedBy(data.asked_by),
                    professional_id=data.professional_id,
                    person_id=person_id,
                    household_id=data.household_id,
                    description=data.description,
                    urgency=Urgency(data.urgency),
                    skills=data.skills,
                    availability=data.availability,
                    actor=actor,
                ),
            )
            note_requests(db_session, [created])
            return f"/aanvragen/{created.id}"

        return await store_form(
            request,
            db_session,
            form,
            store,
            page,
            service_messages=SERVICE_MESSAGES
            | {
                "household_id": "Choose one of the options.",
                "professional_id": "Choose one of the options.",
            },
        )

    @get("/aanvragen/{request_id:int}", sync_to_thread=True, name="ui-request")
    def request_page(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        request_id: FromPath[int],
    ) -> Response[Any]:
        return self._request_response(request, tenant, db_session, request_id)

    def _request_response(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRuntime,
        db_session: Session,
        request_id: FromPath[int],
        *,
        status_errors: Sequence[str] = (),
        note_error: str | None = None,
        note: dict[str, Any] | None = None,
        propose_errors: Sequence[str] = (),
        status_code: int = 200,
    ) -> Response[Any]:
        _ = gettext_for(request)
        help_request = get_request(db_session, request_id)
        check_programme(request, tenant, help_request)
        rtype = request_types_of(tenant.plugins).require(help_request.type)
        person = get_person(db_session, help_request.person_id) if help_request.person_id else None
        household = (
            get_household(db_session, help_request.household_id)
            if help_request.household_id
            else None
        )
        matches = db_session.exec(
            select(Match).where(Match.request_id == request_id).order_by(col(Match.id))
        ).all()
        helpers = (
            db_session.exec(
                select(HelperProfile).where(
                    col(HelperProfile.id).in_([m.helper_id for m in matches])
                )
            ).all()
            if matches
            else []
        )
        note_requests(db_session, [help_request], helpers=helpers)
        helper_names = {h.id: h.display_name for h in helpers}
        professional = (
            db_session.get(Professional, help_request.professional_id)
            if help_request.professional_id
            else None
        )
        return render(
            request,
            "staff/request.html",
            {
                "page_title": _("Request %(id)s") % {"id": request_id},
                "r": help_request,
                "rtype": rtype,
                "person": person,
                "household": household,
                "professional": professional,
                "allowed": rtype.workflow.allowed(help_request.status),
                "reason_required": sorted(rtype.workflow.reason_required),
                "open_for_matching": help_request.status in rtype.open_statuses,
                "matches": matches,
                "helper_names": helper_names,
                "timeline": timeline_lines(request_timeline(db_session, request_id), _),
                "urgency_names": URGENCY_NAMES,
                "asked_by_names": ASKED_BY_NAMES,
                "intake_links": [
                    i
                    for i in nav_items(tenant, viewer_of(request), section="intake")
                    if i.request_type in (None, help_request.type)
                ],
                "status_errors": status_errors,
                "note_error": note_error,
                **(note or {}),
                "propose_errors": propose_errors,
            },
            status_code=status_code,
        )

    @get("/aanvragen/{request_id:int}/suggesties", sync_to_thread=True, name="ui-suggestions")
    def suggestions_part(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        request_id: FromPath[int],
    ) -> Response[Any]:
        help_request = get_request(db_session, request_id)
        check_programme(request, tenant, help_request)
        found = suggestions(db_session, tenant, request_id)
        note_requests(
            db_session, [help_request], helper_ids=[s.helper.id for s in found.suggestions]
        )
        # htmx loads the list into the request page; the page's link to it (for a
        # browser without JavaScript) opens it as a page of its own, in the layout.
        part = bool(request.headers.get("hx-request"))
        return render(
            request,
            "staff/suggestions.html" if part else "staff/suggestions_page.html",
            {
                "r": help_request,
                "found": found,
                # Why helpers were left out, in words (the filters' names are code).
                "requirements": {f.name: f.description for f in criteria_for(tenant).filters},
                "page_title": gettext_for(request)("Suggested helpers"),
            },
            headers={"Vary": "HX-Request"},
        )

    @post("/aanvragen/{request_id:int}/status", name="ui-request-status")
    async def request_status(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        request_id: FromPath[int],
    ) -> Response[Any]:
        _ = gettext_for(request)
        values = await read_form(request)
        form = FormState(values=values)
        data = validate(TransitionForm, {k: v or None for k, v in values.items()}, form, _)
        if not isinstance(data, TransitionForm):
            return await in_thread(
                lambda: self._request_with_error(
                    request, tenant, db_session, request_id, [_("Choose a new status.")]
                )
            )
        actor = actor_of(request)

        def work() -> None:
            help_request = get_request(db_session, request_id)
            check_programme(request, tenant, help_request)
            note_requests(db_session, [help_request])
            workflow = request_types_of(tenant.plugins).require(help_request.type).workflow
            check_status_exists(workflow, data.to, f"request {request_id}")
            transition_request(
                db_session,
                tenant.plugins,
                request_id,
                TransitionIn(to=data.to, reason=data.reason, actor=actor),
            )

        try:
            await in_thread(work)
        except (InvalidInput, Conflict) as exc:
            await in_thread(db_session.rollback)
            messages, status = refusal_messages(exc, _, _status_fallback(exc)), exc.status
            return await in_thread(
                lambda: self._request_with_error(
                    request, tenant, db_session, request_id, messages, status
                )
            )
        return redirect(f"/aanvragen/{request_id}")

    def _request_with_error(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRuntime,
        session: Session,
        request_id: FromPath[int],
        messages: Sequence[str],
        status: int = 422,
    ) -> Response[Any]:
        # The API's status: 409 for a move refused in the current state, 422 for bad input.
        return self._request_response(
            request, tenant, session, request_id, status_errors=messages, status_code=status
        )

    @post("/aanvragen/{request_id:int}/notities", name="ui-request-note")
    async def request_note(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        request_id: FromPath[int],
    ) -> Response[Any]:
        _ = gettext_for(request)
        values = await read_form(request)
        form = FormState(values=values)
        data = validate(NoteForm, values, form, _)
        if not isinstance(data, NoteForm):
            # An empty note, or what validate says is wrong: a text that is too long, a
            # kind that is not offered (it said "write a note" under a note written).
            message = (
                (
                    form.errors.get("text")
                    or (form.errors.get("kind") and _("Choose a note or a contact moment."))
                )
                if str(values.get("text") or "").strip()
                else None
            ) or _("Please write a note.")
            typed = {"note_text": str(values.get("text") or ""), "note_kind": values.get("kind")}
            if request.headers.get("hx-request"):
                # htmx swaps a 422 (base.html's htmx-config) into the form itself.
                return render(
                    request,
                    "staff/note_form.html",
                    {"r": {"id": request_id}, "note_error": message, **typed},
                    status_code=422,
                    headers={"HX-Retarget": "#notitie-formulier", "HX-Reswap": "outerHTML"},
                )
            return await in_thread(
                lambda: self._note_error(request, tenant, db_session, request_id, message, typed)
            )
        actor = actor_of(request)

        def work() -> None:
            help_request = get_request(db_session, request_id)
            check_programme(request, tenant, help_request)
            note_requests(db_session, [help_request])
            add_request_entry(
                db_session, request_id, TimelineIn(kind=data.kind, text=data.text, actor=actor)
            )

        await in_thread(work)
        if request.headers.get("hx-request"):
            entries = await in_thread(
                lambda: timeline_lines(request_timeline(db_session, request_id), _)
            )
            return render(
                request, "staff/note_added.html", {"timeline": entries, "r": {"id": request_id}}
            )
        return redirect(f"/aanvragen/{request_id}#tijdlijn")

    def _note_error(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRuntime,
        session: Session,
        request_id: FromPath[int],
        message: str,
        typed: dict[str, Any],
    ) -> Response[Any]:
        return self._request_response(
            request, tenant, session, request_id, note_error=message, note=typed, status_code=422
        )

    @post("/aanvragen/{request_id:int}/koppelingen", name="ui-propose")
    async def propose(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        request_id: FromPath[int],
    ) -> Response[Any]:
        _ = gettext_for(request)
        values = await read_form(request)
        helper_raw = str(values.get("helper_id", ""))

        def error(messages: Sequence[str], status: int) -> Response[Any]:
            return self._request_response(
                request,
                tenant,
                db_session,
                request_id,
                propose_errors=messages,
                status_code=status,
            )

        if not helper_raw.isdigit():
            return await in_thread(lambda: error([_("Choose a helper to propose.")], 422))
        actor = actor_of(request)

        def work() -> int:
            help_request = get_request(db_session, request_id)
            check_programme(request, tenant, help_request)
            note_requests(db_session, [help_request], helper_ids=[int(helper_raw)])
            match = propose_match(
                db_session,
                tenant,
                MatchIn(request_id=request_id, helper_id=int(helper_raw), actor=actor),
            )
            return match.id or 0

        try:
            match_id = await in_thread(work)
        except (InvalidInput, Conflict) as exc:
            await in_thread(db_session.rollback)
            messages, status = refusal_messages(exc, _, NOT_PROPOSED), exc.status
            return await in_thread(lambda: error(messages, status))
        return redirect(f"/koppelingen/{match_id}")

    # --- couplings ----------------------------------------------------------------------

    @get("/koppelingen", sync_to_thread=True, name="ui-couplings")
    def couplings(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        status = request.query_params.get("status") or None
        stmt = (
            select(Match, HelpRequest, HelperProfile)
            .join(HelpRequest, col(HelpRequest.id) == Match.request_id)
            .join(HelperProfile, col(HelperProfile.id) == Match.helper_id)
        )
        if status:
            stmt = stmt.where(Match.status == status)
        rows = db_session.exec(stmt.order_by(col(Match.updated_at).desc()).limit(200)).all()
        viewer = viewer_of(request)
        types = request_types_of(tenant.plugins).types
        rows = [
            r
            for r in rows
            if viewer.may_use(types[r[1].type].programme if r[1].type in types else None)
        ]
        note_requests(db_session, [r[1] for r in rows])
        note_subjects(r[2].person_id for r in rows)
        statuses = sorted(
            {s for t in request_types_of(tenant.plugins) for s in t.match_lifecycle.statuses}
        )
        return render(
            request,
            "staff/couplings.html",
            {
                "page_title": _("Couplings"),
                "rows": rows,
                "status": status or "",
                "statuses": statuses,
            },
        )

    @get("/koppelingen/{match_id:int}", sync_to_thread=True, name="ui-coupling")
    def coupling(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        match_id: FromPath[int],
    ) -> Response[Any]:
        return self._coupling_response(request, tenant, db_session, match_id)

    def _coupling_response(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRuntime,
        db_session: Session,
        match_id: FromPath[int],
        *,
        status_errors: Sequence[str] = (),
        status_code: int = 200,
    ) -> Response[Any]:
        _ = gettext_for(request)
        match = get_match(db_session, match_id)
        help_request = get_request(db_session, match.request_id)
        note_requests(db_session, [help_request], helper_ids=[match.helper_id])
        check_programme(request, tenant, help_request)
        rtype = request_types_of(tenant.plugins).require(help_request.type)
        helper = get_helper(db_session, match.helper_id)
        entries = [
            e
            for e in request_timeline(db_session, help_request.id or 0)
            if (e.data or {}).get("match_id") == match_id
        ]
        explanation = None
        if match.status == rtype.match_lifecycle.initial:
            explanation = why(db_session, tenant, help_request.id or 0, helper.id or 0).explanation
        return render(
            request,
            "staff/coupling.html",
            {
                "page_title": _("Coupling %(id)s") % {"id": match_id},
                "m": match,
                "r": help_request,
                "rtype": rtype,
                "helper": helper,
                "allowed": rtype.match_lifecycle.allowed(match.status),
                "reason_required": sorted(rtype.match_lifecycle.reason_required),
                "stored_explanation": match.explanation,
                "current_explanation": explanation,
                "timeline": timeline_lines(entries, _),
                "hours": hours_entries(db_session, match_ids=[match_id]),
                "status_errors": status_errors,
            },
            status_code=status_code,
        )

    @post("/koppelingen/{match_id:int}/status", name="ui-coupling-status")
    async def coupling_status(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        match_id: FromPath[int],
    ) -> Response[Any]:
        _ = gettext_for(request)
        values = await read_form(request)
        form = FormState(values=values)
        data = validate(TransitionForm, {k: v or None for k, v in values.items()}, form, _)
        actor = actor_of(request)

        def error(messages: Sequence[str], status: int = 422) -> Response[Any]:
            return self._coupling_response(
                request, tenant, db_session, match_id, status_errors=messages, status_code=status
            )

        if not isinstance(data, TransitionForm):
            return await in_thread(lambda: error([_("Choose a new status.")]))

        def work() -> None:
            match = get_match(db_session, match_id)
            help_request = get_request(db_session, match.request_id)
            check_programme(request, tenant, help_request)
            note_requests(db_session, [help_request], helper_ids=[match.helper_id])
            rtype = request_types_of(tenant.plugins).require(help_request.type)
            check_status_exists(rtype.match_lifecycle, data.to, f"match {match_id}")
            transition_match(
                db_session,
                tenant,
                match_id,
                MatchTransitionIn(to=data.to, reason=data.reason, actor=actor),
            )

        try:
            await in_thread(work)
        except (InvalidInput, Conflict) as exc:
            await in_thread(db_session.rollback)
            messages, status = refusal_messages(exc, _, _status_fallback(exc)), exc.status
            return await in_thread(lambda: error(messages, status))
        return redirect(f"/koppelingen/{match_id}")
