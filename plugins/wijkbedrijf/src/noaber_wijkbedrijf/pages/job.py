"""One job's page: its assignments, hours, confirmations and invoices, and its forms
to plan or withdraw a volunteer, mark it done or cancel it, change its rate, and resend
a confirmation."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from noaber.clock import DUTCH_TIME, dutch_today
from noaber.errors import NotFound
from noaber.people.services import note_subjects_of
from noaber.platform import TenantRuntime
from noaber.requests.services import note_request_ids
from noaber.ui.forms import (
    FormState,
    blank_to_none,
    new_form_token,
    posted_form,
    store_form,
    validate,
)
from noaber.ui.i18n import nl_date
from noaber.ui.notation import nl_money
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread
from noaber.web.dependencies import CurrentMailer, CurrentTenant, DbSession
from noaber_wijkbedrijf import invoices, services
from noaber_wijkbedrijf.models import (
    AssignmentStatus,
    Delivery,
    InvoiceKind,
    Job,
    PaymentStatus,
)
from noaber_wijkbedrijf.pages.common import (
    BASE,
    DONE,
    DONE_WHAT,
    SUBNAV,
    actor_of,
    helper_names,
    hours_text,
    job_url,
    person_names,
)
from noaber_wijkbedrijf.pages.rates import (
    RATE_SERVICE_MESSAGES,
    rate_options,
    rate_values,
    read_rate,
)
from noaber_wijkbedrijf.schemas import (
    FIRST_DAY,
    LAST_DAY,
    AssignmentIn,
    DecisionIn,
    NotificationOut,
    RateIn,
)
from noaber_wijkbedrijf.subjects import note_assignment, note_job, noted

RESENT = "bevestiging"
"""The job page's query parameter after a resend: the confirmation's new delivery."""
PLANNABLE = ("aangemeld", "ingepland")
"""Job statuses in which volunteers are planned (the klus type's open statuses)."""
WITHDRAWABLE = (AssignmentStatus.voorgesteld, AssignmentStatus.bevestigd)

# English message ids (the catalogue translates them): next to the form's fields, and for
# a service's refusal that says nothing itself.
PLANNING_MESSAGES = {
    "helper_id": "Choose a volunteer.",
    "datum": "Enter a date, for example 03-03-2026.",
    "van": "Enter a time, for example 09:00.",
    "tot": "Enter a time, for example 12:00.",
    # the service's fields, shown next to the form's
    "starts_at": "Choose a day in the period the resident wished.",
    "ends_at": "An assignment lasts at most 24 hours.",
}
PLANNING_FIELDS = {"starts_at": "datum", "ends_at": "tot"}
"""The service's field names and the planning form's inputs that hold them."""
REASON_MESSAGES = {"reason": "Give the reason."}
RESENDABLE = (Delivery.open, Delivery.mislukt)
"""Confirmations by e-mail that a coordinator may send again (the service decides)."""


def delivery_text(n: NotificationOut, _: Callable[[str], str]) -> str:
    """Where a confirmation to the resident stands, in the reader's language."""
    if n.delivery is Delivery.verstuurd:
        return _("Sent on %(moment)s.") % {"moment": nl_date(n.sent_at)}
    if n.delivery is Delivery.geen_emailadres:
        return _("No e-mail address: let the resident know another way, by phone or letter.")
    if n.delivery is Delivery.bezig:
        return _("Being sent right now.")
    if n.delivery is Delivery.mislukt and n.next_attempt_at is not None:
        return _(
            "Failed (%(error)s, attempts: %(attempts)s); tried again automatically on %(moment)s."
        ) % {
            "error": n.delivery_error or "?",
            "attempts": n.attempts,
            "moment": nl_date(n.next_attempt_at),
        }
    if n.delivery is Delivery.mislukt:
        return _(
            "Failed (%(error)s, attempts: %(attempts)s) and not tried again: send it again "
            "or let the resident know another way."
        ) % {"error": n.delivery_error or "?", "attempts": n.attempts}
    return _("Not sent yet.")


class PlanningForm(BaseModel):
    """The planning form: a volunteer, a day and the times in Dutch local time."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    helper_id: int
    datum: date = Field(ge=FIRST_DAY, le=LAST_DAY)
    van: time
    tot: time


def planning_in(form: PlanningForm, actor: str) -> AssignmentIn | None:
    """The service's input: the times as moments in Europe/Amsterdam (daylight saving
    included); None when the end does not lie after the start."""
    if form.tot <= form.van:
        return None
    return AssignmentIn(
        helper_id=form.helper_id,
        starts_at=datetime.combine(form.datum, form.van, tzinfo=DUTCH_TIME),
        ends_at=datetime.combine(form.datum, form.tot, tzinfo=DUTCH_TIME),
        actor=actor,
    )


def suggested(session: Session, tenant: TenantRuntime, job: Job) -> list[tuple[int, str]]:
    """The volunteers core's matching suggests for the job, best first, as choices
    (the API's suggestions, named in the access log as the API does)."""
    found = services.suggestions(session, tenant, job.id or 0)
    note_request_ids(
        session, [found.request_id], helper_ids=[s.helper.id for s in found.suggestions]
    )
    return [(s.helper.id, s.helper.display_name) for s in found.suggestions]


def job_page(
    request: Request[Any, Any, Any],
    session: Session,
    tenant: TenantRuntime,
    job_id: int,
    *,
    refused: tuple[int, Sequence[str]] | None = None,
    failed: tuple[str, FormState] | None = None,
    status_code: int = 200,
) -> Response[Any]:
    """One job. ``refused``: the confirmation whose resend was refused, and why;
    ``failed``: the form (by its key) that was sent and refused, with its errors and
    what was typed."""
    _ = gettext_for(request)
    job = services.get_job(session, job_id)
    out = services.job_out(session, job)
    assignments = [
        services.assignment_out(session, a) for a in services.assignments_of(session, job_id)
    ]
    entries = services.list_hours(session, job_id=job_id)
    notifications = [
        NotificationOut.model_validate(n) for n in services.notifications_of(session, job_id)
    ]
    bills = [invoices.invoice_out(session, i) for i in invoices.invoices_of_job(session, job_id)]
    volunteers = helper_names(session, (e.helper_id for e in entries))
    resident = person_names(session, [job.person_id]).get(job.person_id, "")
    noted(session, [out, *assignments, *entries, *notifications, *bills])
    plannable = out.status in PLANNABLE
    choices = suggested(session, tenant, job) if plannable else []

    shown: set[str] = set()

    def form_of(key: str) -> FormState:
        shown.add(key)
        if failed is not None and failed[0] == key:
            return failed[1]
        return FormState(token=new_form_token())

    plan = form_of("inplannen")
    if plan.values.get("helper_id") and plan.values["helper_id"] not in {
        str(helper_id) for helper_id, _name in choices
    }:
        # A volunteer chosen before is kept, also when no longer suggested.
        chosen = int(plan.values["helper_id"]) if str(plan.values["helper_id"]).isdigit() else 0
        choices += list(helper_names(session, [chosen]).items())
    rate_form = None
    if services.rate_fixed(session, job, out.status) is None:
        rate_form = form_of("tarief")
        if failed is None or failed[0] != "tarief":
            rate_form.values = rate_values(out)
    resent = request.query_params.get(RESENT)
    done = request.query_params.get(DONE)
    context = {
        "page_title": _("Job %(id)s: %(category)s") % {"id": job_id, "category": job.category},
        "job": out,
        "resident": resident,
        "rate": nl_money(out.hourly_rate),
        "estimated": hours_text(out.estimated_hours),
        "assignments": [
            {
                "a": a,
                "starts": nl_date(a.starts_at),
                "ends": nl_date(a.ends_at),
                "withdraw": form_of(f"intrekken-{a.id}")
                if plannable and a.status in WITHDRAWABLE
                else None,
            }
            for a in assignments
        ],
        "plannable": plannable,
        "plan": plan,
        "choices": [("", _("Choose a volunteer"))] + [(str(i), n) for i, n in choices],
        "suggested_any": bool(choices),
        "done_form": form_of("uitgevoerd") if out.status == "ingepland" else None,
        "cancel_form": form_of("annuleren") if plannable else None,
        "rate_form": rate_form,
        "rates": rate_options(tenant, _) if rate_form is not None else [],
        "hours": [
            {
                "entry": e,
                "hours": hours_text(e.hours),
                "volunteer": volunteers.get(e.helper_id, ""),
            }
            for e in entries
        ],
        "notifications": [
            {
                "n": n,
                "created": nl_date(n.created_at),
                "status": delivery_text(n, _),
                "resendable": n.channel == "e-mail" and n.delivery in RESENDABLE,
                "token": new_form_token(),
                "refused": list(refused[1]) if refused and refused[0] == n.id else [],
            }
            for n in notifications
        ],
        "invoices": [
            {
                "invoice": i,
                "total": nl_money(i.total),
                "outstanding": nl_money(i.outstanding),
                "pay": form_of(f"betaling-{i.id}")
                if i.kind is InvoiceKind.factuur and i.status is PaymentStatus.open
                else None,
                "credit": form_of(f"crediteren-{i.id}")
                if i.kind is InvoiceKind.factuur
                and i.status in (PaymentStatus.open, PaymentStatus.betaald)
                else None,
                "refund_amount": nl_money(-i.total),
                "refund": form_of(f"terugbetaling-{i.id}")
                if i.kind is InvoiceKind.creditnota and i.status is PaymentStatus.terug_te_betalen
                else None,
            }
            for i in bills
        ],
        "invoice_form": form_of("factureren")
        if invoices.billable_hours(session, job_id=job_id)
        else None,
        "today": dutch_today().isoformat(),
        "resent": resent if resent in Delivery.__members__ else None,
        "done": done if done in DONE_WHAT else None,
        "refused_general": list(refused[1])
        if refused and refused[0] not in {n.id for n in notifications}
        else [],
        **SUBNAV,
        "url": job_url(job_id),
    }
    # A form refused because the job moved on meanwhile may no longer be on the page:
    # its refusal is shown at the top.
    context["refused_form"] = (
        failed[1].general if failed is not None and failed[0] not in shown else []
    )
    return render(request, "wijkbedrijf/job.html", context, status_code=status_code)


def moved(form: FormState, renamed: Mapping[str, str]) -> None:
    """Put a service's errors on the form's inputs that hold its fields."""
    for field, name in renamed.items():
        if field in form.errors:
            form.errors.setdefault(name, form.errors.pop(field))


class JobForms:
    """The job page's forms, shared by the controllers whose forms are on it."""

    async def _job_form(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        tenant: TenantRuntime,
        job_id: int,
        key: str,
        read: Callable[[FormState], BaseModel | None],
        work: Callable[[Any], str],
        *,
        messages: Mapping[str, str] | None = None,
        renamed: Mapping[str, str] | None = None,
        concerns: Callable[[Any], None] | None = None,
    ) -> Response[Any]:
        """A form of the job's page: ``read`` validates the posted values (None: the
        errors are on the form), ``work`` stores through the service and returns where
        to go; refusals show the page again with the form's errors (422) or the
        service's refusal above the form (409), nothing stored. Before storing, the
        job's resident is noted in the access log, and whoever else ``concerns`` notes
        for the input (a volunteer): also when the store is refused, or a repeated
        submit is sent to the first one's result without storing again."""
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            form.general.extend(m for m in refused if m not in form.general)
            moved(form, renamed or {})
            return job_page(
                request, session, tenant, job_id, failed=(key, form), status_code=status
            )

        if form.expired:
            return await in_thread(lambda: page(400))
        data = read(form)
        if data is None:
            return await in_thread(lambda: page(422))

        def concerned() -> None:
            note_job(session, job_id)
            if concerns is not None:
                concerns(data)

        await in_thread(concerned)
        return await store_form(
            request, session, form, lambda: work(data), page, service_messages=messages
        )

    def _decision(self, request: Request[Any, Any, Any], form: FormState) -> DecisionIn | None:
        _ = gettext_for(request)
        reason = str(form.values.get("reason") or "")
        form.values = {"reason": reason}
        found = validate(
            DecisionIn, {"reason": reason.strip() or None, "actor": actor_of(request)}, form, _
        )
        return found if isinstance(found, DecisionIn) else None


class JobPages(JobForms, Controller):
    path = BASE

    @get("/klussen/{job_id:int}", sync_to_thread=True, name="wijkbedrijf-job")
    def job(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
    ) -> Response[Any]:
        return job_page(request, db_session, tenant, job_id)

    @post("/klussen/{job_id:int}/inplannen", name="wijkbedrijf-assign")
    async def assign(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
    ) -> Response[Any]:
        """Plan a volunteer on the job (``services.assign``, as the API): refused with
        409 when the volunteer is planned elsewhere at that time or has no room left."""
        _ = gettext_for(request)

        def read(form: FormState) -> AssignmentIn | None:
            names = ("helper_id", "datum", "van", "tot")
            form.values = {n: str(form.values.get(n) or "").strip() for n in names}
            found = validate(
                PlanningForm,
                blank_to_none(form.values, names),
                form,
                _,
                field_messages={n: PLANNING_MESSAGES[n] for n in names},
            )
            if not isinstance(found, PlanningForm):
                return None
            data = planning_in(found, actor_of(request))
            if data is None:
                form.errors["tot"] = _("Enter an end time after the start time.")
            return data

        def work(data: AssignmentIn) -> str:
            a = services.assign(db_session, tenant, job_id, data)
            noted(db_session, [a, services.get_job(db_session, job_id)])
            return f"{job_url(job_id)}?{DONE}=ingepland#planning"

        return await self._job_form(
            request,
            db_session,
            tenant,
            job_id,
            "inplannen",
            read,
            work,
            messages=PLANNING_MESSAGES,
            renamed=PLANNING_FIELDS,
            concerns=lambda data: note_subjects_of(db_session, helper_ids=[data.helper_id]),
        )

    @post(
        "/klussen/{job_id:int}/inzet/{assignment_id:int}/intrekken",
        name="wijkbedrijf-withdraw",
    )
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
        assignment_id: FromPath[int],
    ) -> Response[Any]:
        """Withdraw a volunteer's planning, with a reason (``services.withdraw``)."""

        def work(data: DecisionIn) -> str:
            if services.get_assignment(db_session, assignment_id).job_id != job_id:
                raise NotFound(f"assignment {assignment_id} is not of job {job_id}")
            a = services.withdraw(db_session, tenant, assignment_id, data)
            noted(db_session, [a, services.get_job(db_session, job_id)])
            return f"{job_url(job_id)}?{DONE}=ingetrokken#planning"

        return await self._job_form(
            request,
            db_session,
            tenant,
            job_id,
            f"intrekken-{assignment_id}",
            lambda form: self._decision(request, form),
            work,
            messages=REASON_MESSAGES,
            concerns=lambda _data: note_assignment(db_session, assignment_id),
        )

    @post("/klussen/{job_id:int}/uitgevoerd", name="wijkbedrijf-done")
    async def done(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
    ) -> Response[Any]:
        """The job is done (``services.mark_done``): its confirmed volunteers too."""

        def work(data: DecisionIn) -> str:
            job = services.mark_done(db_session, tenant, job_id, data)
            noted(db_session, [job, *services.assignments_of(db_session, job_id)])
            return f"{job_url(job_id)}?{DONE}=uitgevoerd"

        return await self._job_form(
            request,
            db_session,
            tenant,
            job_id,
            "uitgevoerd",
            lambda form: self._decision(request, form),
            work,
        )

    @post("/klussen/{job_id:int}/annuleren", name="wijkbedrijf-cancel")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
    ) -> Response[Any]:
        """Cancel the job with a reason (``services.cancel_job``): open plannings are
        withdrawn."""

        def work(data: DecisionIn) -> str:
            job = services.cancel_job(db_session, tenant, job_id, data)
            noted(db_session, [job, *services.assignments_of(db_session, job_id)])
            return f"{job_url(job_id)}?{DONE}=geannuleerd"

        return await self._job_form(
            request,
            db_session,
            tenant,
            job_id,
            "annuleren",
            lambda form: self._decision(request, form),
            work,
            messages=REASON_MESSAGES,
        )

    @post("/klussen/{job_id:int}/tarief", name="wijkbedrijf-rate")
    async def rate(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
    ) -> Response[Any]:
        """Change the job's rate (``services.set_rate``, as ``POST
        /api/wijkbedrijf/jobs/{id}/rate``): the full rate or a reduced rate whose conditions
        hold; invoices already made keep theirs. Refused (409) on a job cancelled, or
        closed with all its hours invoiced."""

        def work(data: RateIn) -> str:
            job = services.set_rate(db_session, tenant, job_id, data)
            noted(db_session, services.job_out(db_session, job))
            return f"{job_url(job_id)}?{DONE}=tarief-gewijzigd"

        return await self._job_form(
            request,
            db_session,
            tenant,
            job_id,
            "tarief",
            lambda form: read_rate(request, form),
            work,
            messages=RATE_SERVICE_MESSAGES,
        )

    @post(
        "/klussen/{job_id:int}/bevestigingen/{notification_id:int}/opnieuw",
        name="wijkbedrijf-resend",
    )
    async def resend(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        mailer: CurrentMailer,
        job_id: FromPath[int],
        notification_id: FromPath[int],
    ) -> Response[Any]:
        """Send a confirmation again as the API's resend does: claimed and committed
        first, then mailed (in a worker thread), the outcome recorded on it."""
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str]) -> Response[Any]:
            return job_page(
                request,
                db_session,
                tenant,
                job_id,
                refused=(notification_id, refused),
                status_code=status,
            )

        if form.expired:
            return await in_thread(lambda: page(400, form.general))
        await in_thread(lambda: note_job(db_session, job_id))

        def work() -> str:
            notification = services.resendable(db_session, notification_id)
            if notification.job_id != job_id:
                raise NotFound(f"notification {notification_id} is not of job {job_id}")
            retry = services.settings_of(tenant).mail_retry_minutes
            services.send_confirmation(db_session, mailer, notification, retry)
            noted(db_session, NotificationOut.model_validate(notification))
            return f"{job_url(job_id)}?{RESENT}={notification.delivery.value}#bevestigingen"

        return await store_form(request, db_session, form, work, page)
