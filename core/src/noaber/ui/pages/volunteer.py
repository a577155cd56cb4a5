"""Pages for volunteers (my jobs, hours, availability), professionals (refer a family,
shared cases) and residents (my requests, who accessed my data)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from sqlalchemy import or_
from sqlmodel import Session, col, select

from noaber.clock import dutch_today
from noaber.errors import InvalidInput, NotFound
from noaber.matching.models import Match
from noaber.people.models import HelperProfile, HouseholdMember, MemberRole, Professional
from noaber.people.schemas import HelperPatch, HouseholdIn, MemberIn, PersonIn
from noaber.people.services import (
    create_household,
    get_helper,
    note_subjects_of,
    update_helper,
)
from noaber.platform import TenantRuntime
from noaber.requests.models import AskedBy, HelpRequest, TimelineKind, Urgency
from noaber.requests.schemas import RequestIn
from noaber.requests.services import add_timeline, create_request, get_request, note_requests
from noaber.requests.types import request_types_of
from noaber.ui import accounts
from noaber.ui.forms import (
    FormState,
    as_list,
    new_form_token,
    read_form,
    service_errors,
    submit_once,
    valid_token,
    validate,
)
from noaber.ui.identity import Viewer, viewer_of
from noaber.ui.notation import typed_decimal
from noaber.ui.pages.common import URGENCY_NAMES, options, request_type_options, slot_options
from noaber.ui.pages.public import FIELD_MESSAGES, SERVICE_MESSAGES
from noaber.ui.queries import HOURS_KEY, hours_entries
from noaber.ui.schemas import AvailabilityForm, HoursForm, ReferralForm
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, page_number, pages_of, redirect, roles
from noaber.web.dependencies import CurrentTenant, DbSession

HELPER_ROLES = ("volunteer", "municipality_admin", "coordinator")
HOURS_MESSAGES = {
    "hours": "Enter the hours as a number between 0 and 24, for example 1,5.",
    "on": "Enter a date.",
    "match_id": "Choose one of the options.",
    "max_load": "Enter a whole number from 1 to 50.",
}
REFERRAL_MESSAGES = {
    "child_birth_years": "Enter birth years separated by commas, for example 2015, 2018.",
    "professional_id": "Choose one of the options.",
    "household_name": "Please fill in this field.",
    "parent_name": "Please fill in this field.",
    "members": "This postcode does not lie in our municipality.",
}


def helper_for(request: Request[Any, Any, Any], session: Session) -> HelperProfile | None:
    """The viewer's own helper profile; staff may act for a helper (``?helper=ID``),
    for example a desk volunteer entering hours for someone without a computer."""
    viewer = viewer_of(request)
    if viewer.helper_id is not None:
        return get_helper(session, viewer.helper_id)
    if viewer.has("municipality_admin", "coordinator"):
        raw = request.query_params.get("helper") or ""
        return get_helper(session, int(raw)) if raw.isdigit() else None
    return None


def helper_query(request: Request[Any, Any, Any], helper: HelperProfile) -> str:
    return "" if viewer_of(request).helper_id is not None else f"?helper={helper.id}"


def choose_helper(
    request: Request[Any, Any, Any], session: Session, title: str, target: str
) -> Response[Any]:
    """Staff without a helper of their own first choose whom they act for."""
    helpers = session.exec(
        select(HelperProfile).order_by(col(HelperProfile.display_name)).limit(500)
    ).all()
    accounts.note_subjects([h.person_id for h in helpers])
    return render(
        request,
        "volunteer/choose_helper.html",
        {"page_title": title, "helpers": helpers, "target": target},
    )


class VolunteerPages(Controller):
    path = "/mijn"
    opt = roles(*HELPER_ROLES)

    def _jobs(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRuntime,
        session: Session,
        form: FormState | None = None,
        status: int = 200,
    ) -> Response[Any]:
        _ = gettext_for(request)
        helper = helper_for(request, session)
        if helper is None:
            return choose_helper(request, session, _("My jobs"), "/mijn/klussen")
        rows = session.exec(
            select(Match, HelpRequest)
            .join(HelpRequest, col(HelpRequest.id) == Match.request_id)
            .where(Match.helper_id == helper.id)
            .order_by(col(Match.id).desc())
        ).all()
        note_requests(session, [r for _m, r in rows], helpers=[helper])
        types = request_types_of(tenant.plugins).types
        running = [
            m.id for m, r in rows if r.type in types and m.status in types[r.type].load_statuses
        ]
        return render(
            request,
            "volunteer/jobs.html",
            {
                "page_title": _("My jobs"),
                "helper": helper,
                "rows": rows,
                "running": running,
                "hours": hours_entries(session, match_ids=[m.id for m, _r in rows if m.id]),
                "form": form
                or FormState(values={"on": dutch_today().isoformat()}, token=new_form_token()),
                "query": helper_query(request, helper),
            },
            status_code=status,
        )

    @get("/klussen", sync_to_thread=True, name="ui-my-jobs")
    def jobs(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        return self._jobs(request, tenant, db_session)

    @post("/uren", name="ui-hours")
    async def hours(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        values = await read_form(request)
        token = values.get("form_token")
        form = FormState(
            values=values, token=str(token) if valid_token(token) else new_form_token()
        )
        if not valid_token(token):
            form.general.append(_("The form had expired. Please send it again."))
        data = validate(
            HoursForm,
            {
                k: (typed_decimal(v) if k == "hours" and isinstance(v, str) else v) or None
                for k, v in values.items()
            },
            form,
            _,
            field_messages=HOURS_MESSAGES,
        )
        helper = await in_thread(lambda: helper_for(request, db_session))
        if helper is None:
            raise NotFound("no helper profile")
        if isinstance(data, HoursForm) and data.on > dutch_today():
            form.errors["on"] = _("The date cannot lie in the future.")
        if not isinstance(data, HoursForm) or not form.ok:
            return await in_thread(lambda: self._jobs(request, tenant, db_session, form, 422))
        back = f"/mijn/klussen{helper_query(request, helper)}"
        actor = viewer_of(request).name or helper.display_name

        def store() -> str:
            match = db_session.exec(
                select(Match).where(Match.id == data.match_id, Match.helper_id == helper.id)
            ).first()
            if match is None:
                raise InvalidInput("not your coupling", errors=[{"field": "match_id"}])
            help_request = get_request(db_session, match.request_id)
            # Before the write: the volunteer and the household whose timeline it extends.
            note_requests(db_session, [help_request], helpers=[helper])
            add_timeline(
                db_session,
                kind=TimelineKind.contact,
                text=data.note or HOURS_KEY,
                actor=actor,
                request_id=help_request.id,
                household_id=help_request.household_id,
                data={
                    HOURS_KEY: str(data.hours),
                    "on": data.on.isoformat(),
                    "match_id": match.id,
                    "helper_id": helper.id,
                },
            )
            return back + ("&" if "?" in back else "?") + "opgeslagen=1"

        try:
            response = await submit_once(request, form, store)
        except InvalidInput as exc:
            await in_thread(db_session.rollback)
            service_errors(exc, form, _, {"match_id": "Choose one of the options."})
            return await in_thread(lambda: self._jobs(request, tenant, db_session, form, 422))
        assert response is not None
        return response

    def _availability(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        form: FormState | None = None,
        status: int = 200,
    ) -> Response[Any]:
        _ = gettext_for(request)
        helper = helper_for(request, session)
        if helper is None:
            return choose_helper(request, session, _("Availability"), "/mijn/beschikbaarheid")
        accounts.note_subjects([helper.person_id])
        return render(
            request,
            "volunteer/availability.html",
            {
                "page_title": _("Availability"),
                "helper": helper,
                "slots": slot_options(_),
                "form": form
                or FormState(
                    values={"availability": list(helper.availability), "max_load": helper.max_load}
                ),
                "query": helper_query(request, helper),
                "saved": request.query_params.get("opgeslagen") == "1",
            },
            status_code=status,
        )

    @get("/beschikbaarheid", sync_to_thread=True, name="ui-availability")
    def availability(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return self._availability(request, db_session)

    @post("/beschikbaarheid", name="ui-availability-submit")
    async def availability_submit(
        self, request: Request[Any, Any, Any], db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        values = await read_form(request)
        values["availability"] = as_list(values.get("availability"))
        form = FormState(values=values)
        data = validate(
            AvailabilityForm,
            values,
            form,
            _,
            field_messages=HOURS_MESSAGES,
        )
        helper = await in_thread(lambda: helper_for(request, db_session))
        if helper is None:
            raise NotFound("no helper profile")
        if not isinstance(data, AvailabilityForm):
            return await in_thread(lambda: self._availability(request, db_session, form, 422))
        accounts.note_subjects([helper.person_id])  # before the write: logged even if it fails
        await in_thread(
            lambda: update_helper(
                db_session,
                helper.id or 0,
                HelperPatch(availability=data.availability, max_load=data.max_load),
            )
        )
        query = helper_query(request, helper)
        return redirect(f"/mijn/beschikbaarheid{query}{'&' if query else '?'}opgeslagen=1")


class ResidentPages(Controller):
    path = "/mijn"
    opt = roles("resident", "municipality_admin")

    @get("/aanvragen", sync_to_thread=True, name="ui-my-requests")
    def my_requests(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        viewer = viewer_of(request)
        rows: list[HelpRequest] = []
        if viewer.person_id is not None:
            household_ids = db_session.exec(
                select(HouseholdMember.household_id).where(
                    HouseholdMember.person_id == viewer.person_id
                )
            ).all()
            stmt = select(HelpRequest).where(
                or_(
                    col(HelpRequest.person_id) == viewer.person_id,
                    col(HelpRequest.household_id).in_(list(household_ids)),
                )
            )
            rows = list(db_session.exec(stmt.order_by(col(HelpRequest.id).desc())).all())
        types = request_types_of(tenant.plugins).types
        return render(
            request,
            "resident/requests.html",
            {
                "page_title": _("My requests"),
                "rows": rows,
                "types": types,
                "linked": viewer.person_id is not None,
            },
        )

    @get("/inzage", sync_to_thread=True, name="ui-my-access-log")
    def access_log(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        _ = gettext_for(request)
        viewer = viewer_of(request)
        page = page_number(request)
        found = access_entries(db_session, viewer, page)
        entries, total = found if found is not None else (None, 0)
        return render(
            request,
            "resident/access_log.html",
            {
                "page_title": _("Who saw my data"),
                "entries": entries,
                "linked": viewer.person_id is not None,
                "total": total,
                "page": page,
                "pages": pages_of(total, ACCESS_PAGE_SIZE),
            },
        )


ACCESS_PAGE_SIZE = 50


def access_entries(
    session: Session, viewer: Viewer, page: int = 1
) -> tuple[list[dict[str, Any]], int] | None:
    """One page of who accessed the viewer's own person record, and the total (the
    same rows and wording as ``GET /api/me/access-log``); None without an access log."""
    own_log = accounts.module("noaber.privacy.own_log")
    if own_log is None:
        return None
    if viewer.person_id is None:
        return [], 0
    rows, total = own_log.entries_about(
        session, viewer.person_id, page=page, page_size=ACCESS_PAGE_SIZE
    )
    accounts.note_subjects([viewer.person_id])
    entries = [
        {"when": r.at, "who": r.who, "what": f"{r.action}: {r.what}", "why": r.why} for r in rows
    ]
    return entries, total


class ProfessionalPages(Controller):
    path = "/"
    opt = roles("professional", "municipality_admin", "coordinator")

    def _refer_page(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRuntime,
        session: Session,
        form: FormState,
        status: int = 200,
    ) -> Response[Any]:
        _ = gettext_for(request)
        viewer = viewer_of(request)
        professionals = session.exec(
            select(Professional).order_by(col(Professional.name)).limit(500)
        ).all()
        if viewer.professional_id is not None:
            professionals = [p for p in professionals if p.id == viewer.professional_id]
        return render(
            request,
            "professional/refer.html",
            {
                "page_title": _("Refer a family"),
                "form": form,
                "types": request_type_options(tenant, viewer),
                "professionals": [(str(p.id), p.name) for p in professionals],
                "urgencies": options(URGENCY_NAMES, _),
            },
            status_code=status,
        )

    @get("/verwijzen", sync_to_thread=True, name="ui-refer")
    def refer(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        viewer = viewer_of(request)
        values: dict[str, Any] = {"urgency": "normal"}
        if viewer.professional_id is not None:
            values["professional_id"] = str(viewer.professional_id)
        return self._refer_page(
            request, tenant, db_session, FormState(values=values, token=new_form_token())
        )

    @post("/verwijzen", name="ui-refer-submit")
    async def refer_submit(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        viewer = viewer_of(request)
        values = await read_form(request)
        token = values.get("form_token")
        form = FormState(
            values=values, token=str(token) if valid_token(token) else new_form_token()
        )
        if not valid_token(token):
            form.general.append(_("The form had expired. Please send it again."))
        years = [
            y.strip() for y in str(values.get("child_birth_years", "")).split(",") if y.strip()
        ]
        cleaned = {k: v or None for k, v in values.items()} | {"child_birth_years": years}
        if viewer.professional_id is not None:
            cleaned["professional_id"] = viewer.professional_id
        data = validate(
            ReferralForm,
            cleaned,
            form,
            _,
            field_messages=FIELD_MESSAGES | REFERRAL_MESSAGES,
        )
        if isinstance(data, ReferralForm) and data.type not in dict(
            request_type_options(tenant, viewer)
        ):
            form.errors["type"] = _("Choose one of the options.")
        if not isinstance(data, ReferralForm) or not form.ok:
            return await in_thread(lambda: self._refer_page(request, tenant, db_session, form, 422))

        def store() -> str:
            members = [
                MemberIn(
                    person=PersonIn(given_name=data.parent_name, postcode=data.postcode),
                    role=MemberRole.parent,
                )
            ]
            members += [
                MemberIn(
                    person=PersonIn(given_name=_("child"), birth_year=y, postcode=data.postcode),
                    role=MemberRole.child,
                )
                for y in data.child_birth_years
            ]
            household = create_household(
                db_session, tenant.plugins, HouseholdIn(name=data.household_name, members=members)
            )
            # The new members, named before the request is written (and even if that fails).
            note_subjects_of(db_session, household_ids=[household.id])
            create_request(
                db_session,
                tenant.plugins,
                RequestIn(
                    type=data.type,
                    asked_by=AskedBy.professional,
                    professional_id=data.professional_id,
                    household_id=household.id,
                    description=data.description,
                    urgency=Urgency(data.urgency),
                    actor=viewer.name or "professional",
                ),
            )
            return "/mijn/dossiers?verwezen=1"

        try:
            response = await submit_once(request, form, store)
        except InvalidInput as exc:
            await in_thread(db_session.rollback)
            service_errors(
                exc,
                form,
                _,
                SERVICE_MESSAGES
                | {
                    "professional_id": "Choose one of the options.",
                    "members": "This postcode does not lie in our municipality.",
                },
            )
            return await in_thread(lambda: self._refer_page(request, tenant, db_session, form, 422))
        assert response is not None
        return response

    @get("/mijn/dossiers", sync_to_thread=True, name="ui-shared-cases")
    def cases(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        viewer = viewer_of(request)
        stmt = select(HelpRequest).where(col(HelpRequest.professional_id).is_not(None))
        if viewer.professional_id is not None or not viewer.has(
            "municipality_admin", "coordinator"
        ):
            stmt = stmt.where(HelpRequest.professional_id == (viewer.professional_id or -1))
        rows = db_session.exec(stmt.order_by(col(HelpRequest.id).desc()).limit(200)).all()
        types = request_types_of(tenant.plugins).types
        return render(
            request,
            "professional/cases.html",
            {
                "page_title": _("Shared cases"),
                "rows": rows,
                "types": types,
                "referred": request.query_params.get("verwezen") == "1",
            },
        )
