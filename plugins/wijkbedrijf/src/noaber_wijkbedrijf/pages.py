"""The coordinator's web pages of the wijkbedrijf: the hours volunteers registered that
wait for approval (approve, or reject with a reason), the jobs (klussen) with their
planning, and one job's page with its assignments, hours, the confirmations sent to the
resident (and a resend of one that failed) and its invoices.

Every action goes through the plugin's services, the same functions the API calls, so
the pages keep the API's rules. They follow core's form conventions
(``noaber.ui.forms``): wrong input shows the page again with status 422 and the Dutch
message next to the field; a refusal of a service (a ``Conflict``, such as hours
another coordinator decided on first) shows its user message with status 409; nothing
is stored then (the transaction is rolled back). Each form carries a one-time token, so
a double submit stores once and is sent where the first went. After success: 303 back
to the page, with a confirmation.

Core mounts these routes like every route of the plugin (``route_handlers``): 404 for a
municipality that does not enable the wijkbedrijf, 403 for an account scoped to other
programmes. The pages name the residents and volunteers they show in the access log
(:func:`~noaber_wijkbedrijf.subjects.noted`), as the API does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Self

from litestar import Controller, Request, Response, Router, get, post
from litestar.params import FromPath
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, col, select

from noaber.errors import NotFound
from noaber.people.models import HelperProfile, Person, Professional
from noaber.people.services import get_person, list_people
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
from noaber.ui.identity import viewer_of
from noaber.ui.pages.common import ASKED_BY_NAMES, options
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, pages_router
from noaber.web.dependencies import CurrentMailer, CurrentTenant, DbSession
from noaber_wijkbedrijf import invoices, services
from noaber_wijkbedrijf.models import (
    ACTIVE_ASSIGNMENT,
    AssignmentStatus,
    Delivery,
    HoursEntry,
    HoursStatus,
    InvoiceKind,
    Job,
    PaymentStatus,
)
from noaber_wijkbedrijf.money import euro
from noaber_wijkbedrijf.schemas import (
    FIRST_DAY,
    LAST_DAY,
    AssignmentIn,
    CreditIn,
    DecisionIn,
    InvoiceIn,
    JobIn,
    NotificationOut,
    PaymentIn,
)
from noaber_wijkbedrijf.services import LOCAL, as_utc
from noaber_wijkbedrijf.subjects import noted

ROLES = ("municipality_admin", "coordinator")
BASE = "/wijkbedrijf"
HOURS = f"{BASE}/uren"
JOBS = f"{BASE}/klussen"
NEW_JOB = f"{JOBS}/nieuw"
NAV_LABEL = "Neighbourhood service desk"
"""The main navigation's link to the hours to approve (an English message id)."""

DECIDED = "besluit"
"""The hours list's query parameter after a decision: ``goedgekeurd`` or ``afgekeurd``."""
RESENT = "bevestiging"
"""The job page's query parameter after a resend: the confirmation's new delivery."""
DONE = "gedaan"
"""The job page's query parameter after a change: what was done (one of ``DONE_WHAT``)."""
DONE_WHAT = (
    "aangemeld",
    "ingepland",
    "ingetrokken",
    "uitgevoerd",
    "geannuleerd",
    "gefactureerd",
    "betaald",
    "gecrediteerd",
)
PLANNABLE = ("aangemeld", "ingepland")
"""Job statuses in which volunteers are planned (the klus type's open statuses)."""
WITHDRAWABLE = (AssignmentStatus.voorgesteld, AssignmentStatus.bevestigd)

# English message ids (the catalogue translates them): a service's 422 that carries no
# message of its own, and the refusal of a service that says nothing itself.
SERVICE_MESSAGES = {"reason": "Give the reason why these hours are rejected."}
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
PAYMENT_MESSAGES = {"paid_on": "Enter a date, for example 03-03-2026."}
CREDIT_MESSAGES = {
    "reason": "Give the reason for the credit note.",
    "amount": "Enter an amount, for example 4,50, or leave it empty for all that is left.",
}
JOB_FIELDS = (
    "person_id",
    "channel",
    "asked_by",
    "professional_id",
    "category",
    "description",
    "estimated_hours",
    "wished_from",
    "wished_until",
    "street",
    "house_number",
    "postcode",
    "city",
    "rate_code",
    "income_pct",
    "rate_reason",
)
JOB_MESSAGES = {
    "person_id": "Choose the resident.",
    "professional_id": "Choose one of the professionals.",
    "estimated_hours": "Enter a number of hours, for example 1,5.",
    "wished_from": "Enter a date, for example 03-03-2026.",
    "wished_until": "Enter a date, for example 03-03-2026.",
    "postcode": "Enter a postcode, for example 8926 AB.",
    "income_pct": "Enter a whole percentage, for example 110.",
}
"""The new job's fields with a message of their own (the others take core's)."""
JOB_SERVICE_MESSAGES = {
    **JOB_MESSAGES,
    "category": "Choose one of the categories.",
    "rate_code": "Choose one of the reduced rates.",
    "rate_reason": "Give the reason for this rate.",
}
"""The service's fields on the form, for a refusal without a message of its own."""
CHANNEL_NAMES = {"balie": "At the desk", "telefoon": "By phone", "online": "Online"}
PAGE = "pagina"
"""The jobs list's query parameter: the page (from 1), as core's requests list."""
JOBS_PAGE_SIZE = 50
SEARCH = "zoek"
"""The new job page's query parameter: part of the resident's name."""
RESIDENT = "bewoner"
"""The new job page's query parameter: the resident chosen."""
RESENDABLE = (Delivery.open, Delivery.mislukt)
"""Confirmations by e-mail that a coordinator may send again (the service decides)."""


def job_url(job_id: int) -> str:
    return f"{JOBS}/{job_id}"


def actor_of(request: Request[Any, Any, Any]) -> str:
    return viewer_of(request).name or "coordinator"


def local(moment: datetime | None) -> str:
    """A moment as the coordinator reads it: ``03-03-2026 09:00``, Dutch local time."""
    if moment is None:
        return "\u2013"
    return as_utc(moment).astimezone(LOCAL).strftime("%d-%m-%Y %H:%M")


def period(starts: datetime, ends: datetime) -> str:
    """``03-03-2026 09:00-12:00`` with an en dash (the end's date too when it is another day)."""
    start, end = local(starts), local(ends)
    same_day = start[:10] == end[:10]
    return f"{start}\u2013{end[11:] if same_day else end}"


def hours_text(value: Decimal) -> str:
    """``3`` or ``1,5``: hours in Dutch notation, without trailing zeros."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def person_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(Person).where(col(Person.id).in_(wanted))).all()
    return {
        p.id or 0: " ".join(part for part in (p.given_name, p.family_name) if part) for p in rows
    }


def helper_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(HelperProfile).where(col(HelperProfile.id).in_(wanted))).all()
    return {h.id or 0: h.display_name for h in rows}


def delivery_text(n: NotificationOut, _: Callable[[str], str]) -> str:
    """Where a confirmation to the resident stands, in the reader's language."""
    if n.delivery is Delivery.verstuurd:
        return _("Sent on %(moment)s.") % {"moment": local(n.sent_at)}
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
            "moment": local(n.next_attempt_at),
        }
    if n.delivery is Delivery.mislukt:
        return _(
            "Failed (%(error)s, attempts: %(attempts)s) and not tried again: send it again "
            "or let the resident know another way."
        ) % {"error": n.delivery_error or "?", "attempts": n.attempts}
    return _("Not sent yet.")


# --- the hours to approve ------------------------------------------------------------------


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
            "hours_url": HOURS,
            "jobs_url": JOBS,
        },
        status_code=status_code,
    )


# --- the jobs ------------------------------------------------------------------------------


def jobs_page(request: Request[Any, Any, Any], session: Session) -> Response[Any]:
    """The jobs, the newest first, ``JOBS_PAGE_SIZE`` a page (``?pagina=``, as core's
    requests list)."""
    _ = gettext_for(request)
    raw = request.query_params.get(PAGE, "1")
    page = int(raw) if raw.isdigit() and int(raw) > 0 else 1
    jobs, total = services.page_of_jobs(session, page=page, page_size=JOBS_PAGE_SIZE)
    pages = max(1, (total + JOBS_PAGE_SIZE - 1) // JOBS_PAGE_SIZE)
    planning = services.assignments_of_jobs(session, [j.id for j in jobs])
    planned = {
        job_id: [a for a in found if a.status in ACTIVE_ASSIGNMENT]
        for job_id, found in planning.items()
    }
    assignments = [a for found in planned.values() for a in found]
    volunteers = helper_names(session, (a.helper_id for a in assignments))
    residents = person_names(session, (j.person_id for j in jobs))
    rows = [
        {
            "job": job,
            "resident": residents.get(job.person_id, ""),
            "planned": [
                {
                    "volunteer": volunteers.get(a.helper_id, ""),
                    "when": period(a.starts_at, a.ends_at),
                    "status": a.status.value,
                }
                for a in planned[job.id]
            ],
        }
        for job in jobs
    ]
    noted(session, [*jobs, *assignments])
    return render(
        request,
        "wijkbedrijf/jobs.html",
        {
            "page_title": _("Wijkbedrijf: jobs"),
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages,
            "hours_url": HOURS,
            "jobs_url": JOBS,
        },
    )


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
        starts_at=datetime.combine(form.datum, form.van, tzinfo=LOCAL),
        ends_at=datetime.combine(form.datum, form.tot, tzinfo=LOCAL),
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
    resent = request.query_params.get(RESENT)
    done = request.query_params.get(DONE)
    context = {
        "page_title": _("Job %(id)s: %(category)s") % {"id": job_id, "category": job.category},
        "job": out,
        "resident": resident,
        "rate": euro(out.hourly_rate),
        "estimated": hours_text(out.estimated_hours),
        "assignments": [
            {
                "a": a,
                "starts": local(a.starts_at),
                "ends": local(a.ends_at),
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
                "created": local(n.created_at),
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
                "total": euro(i.total),
                "outstanding": euro(i.outstanding),
                "pay": form_of(f"betaling-{i.id}")
                if i.kind is InvoiceKind.factuur and i.status is PaymentStatus.open
                else None,
                "credit": form_of(f"crediteren-{i.id}")
                if i.kind is InvoiceKind.factuur
                and i.status in (PaymentStatus.open, PaymentStatus.betaald)
                else None,
            }
            for i in bills
        ],
        "invoice_form": form_of("factureren")
        if invoices.billable_hours(session, job_id=job_id)
        else None,
        "today": invoices.today().isoformat(),
        "resent": resent if resent in Delivery.__members__ else None,
        "done": done if done in DONE_WHAT else None,
        "refused_general": list(refused[1])
        if refused and refused[0] not in {n.id for n in notifications}
        else [],
        "hours_url": HOURS,
        "jobs_url": JOBS,
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


# --- taking in a job ------------------------------------------------------------------------


class JobForm(JobIn):
    """The new job form: :class:`JobIn`, with the wished period's order checked by the
    page (next to the field) instead of by the model."""

    @model_validator(mode="after")
    def _window(self) -> Self:
        return self


def rate_options(tenant: TenantRuntime, _: Callable[[str], str]) -> list[tuple[str, str]]:
    settings = services.settings_of(tenant)
    full = settings.hourly_rate
    found = [("", _("Full rate") + (f" ({euro(full)})" if full is not None else ""))]
    for rate in settings.reduced_rates:
        found.append((rate.code, f"{rate.code}: {rate.condition} ({euro(rate.hourly_rate)})"))
    return found


def new_job_page(
    request: Request[Any, Any, Any],
    session: Session,
    tenant: TenantRuntime,
    *,
    form: FormState | None = None,
    status_code: int = 200,
) -> Response[Any]:
    """Take in a job: find the resident by name, then the job's details with the
    resident's address filled in, the category and the rate."""
    _ = gettext_for(request)
    search = (request.query_params.get(SEARCH) or "").strip()
    raw = str((form.values.get("person_id") if form else request.query_params.get(RESIDENT)) or "")
    chosen = int(raw) if raw.isdigit() else None
    found: list[dict[str, Any]] = []
    if search:
        rows, _total = list_people(session, page=1, page_size=25, name=search, sort="family_name")
        found = [
            {
                "id": r["id"],
                "name": " ".join(p for p in (r["given_name"], r["family_name"]) if p),
                "where": " ".join(p for p in (r["street"], r["house_number"], r["city"]) if p),
            }
            for r in rows
        ]
    person = get_person(session, chosen) if chosen is not None else None
    if person is not None:
        noted(session, person)
    if form is None:
        form = FormState(token=new_form_token())
        if person is not None:
            form.values = {
                "person_id": str(person.id),
                "channel": "balie",
                "asked_by": "self",
                "street": person.street or "",
                "house_number": person.house_number or "",
                "postcode": person.postcode or "",
                "city": person.city or "",
            }
    settings = services.settings_of(tenant)
    professionals = session.exec(
        select(Professional).order_by(col(Professional.name)).limit(500)
    ).all()
    return render(
        request,
        "wijkbedrijf/new_job.html",
        {
            "page_title": _("Wijkbedrijf: new job"),
            "form": form,
            "search": search,
            "found": found,
            "person": person,
            "person_name": person_names(session, [person.id or 0]).get(person.id or 0, "")
            if person is not None
            else "",
            "channels": options(CHANNEL_NAMES, _),
            "asked_by": options(ASKED_BY_NAMES, _),
            "professionals": [("", _("None"))] + [(str(p.id), p.name) for p in professionals],
            "categories": [("", _("Choose a category"))] + [(c, c) for c in settings.categories],
            "rates": rate_options(tenant, _),
            "hours_url": HOURS,
            "jobs_url": JOBS,
            "new_url": NEW_JOB,
        },
        status_code=status_code,
    )


def read_job(request: Request[Any, Any, Any], form: FormState) -> JobIn | None:
    """The new job's input, or None with the errors on ``form``."""
    _ = gettext_for(request)
    form.values = {n: str(form.values.get(n) or "").strip() for n in JOB_FIELDS}
    optional = ("professional_id", "rate_code", "income_pct", "rate_reason")
    data: dict[str, Any] = {**form.values, **blank_to_none(form.values, optional)}
    if data["estimated_hours"]:
        data["estimated_hours"] = data["estimated_hours"].replace(",", ".")
    data["actor"] = actor_of(request)
    found = validate(JobForm, data, form, _, field_messages=JOB_MESSAGES)
    if not isinstance(found, JobForm):
        return None
    if found.wished_until < found.wished_from:
        form.errors["wished_until"] = _("Enter a day on or after the first day.")
        return None
    return JobIn.model_validate(found.model_dump())


# --- the routes ----------------------------------------------------------------------------


class WijkbedrijfPages(Controller):
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

        return await store_form(
            request, session, form, work, page, service_messages=SERVICE_MESSAGES
        )

    @get("/klussen", sync_to_thread=True, name="wijkbedrijf-jobs")
    def jobs(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return jobs_page(request, db_session)

    @get("/klussen/nieuw", sync_to_thread=True, name="wijkbedrijf-new-job")
    def new_job(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        return new_job_page(request, db_session, tenant)

    @post("/klussen/nieuw", name="wijkbedrijf-take-in")
    async def take_in(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        """Take in a job (``services.create_job``, as ``POST /api/wijkbedrijf/jobs/``):
        its rate is the category's, or a reduced rate whose conditions hold. On success
        the new job's page."""
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            form.general.extend(m for m in refused if m not in form.general)
            return new_job_page(request, db_session, tenant, form=form, status_code=status)

        if form.expired:
            return await in_thread(lambda: page(400))
        data = read_job(request, form)
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            assert data is not None
            job = services.create_job(db_session, tenant, data)
            noted(db_session, job)
            return f"{job_url(job.id or 0)}?{DONE}=aangemeld"

        return await store_form(
            request, db_session, form, work, page, service_messages=JOB_SERVICE_MESSAGES
        )

    @get("/klussen/{job_id:int}", sync_to_thread=True, name="wijkbedrijf-job")
    def job(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
    ) -> Response[Any]:
        return job_page(request, db_session, tenant, job_id)

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
    ) -> Response[Any]:
        """A form of the job's page: ``read`` validates the posted values (None: the
        errors are on the form), ``work`` stores through the service and returns where
        to go; refusals show the page again with the form's errors (422) or the
        service's refusal above the form (409), nothing stored."""
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

    def _invoice_of(self, session: Session, job_id: int, invoice_id: int) -> None:
        """An invoice is changed only through the page of a job it bills."""
        if invoice_id not in {i.id for i in invoices.invoices_of_job(session, job_id)}:
            raise NotFound(f"invoice {invoice_id} is not of job {job_id}")

    @post("/klussen/{job_id:int}/factureren", name="wijkbedrijf-invoice")
    async def invoice(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
    ) -> Response[Any]:
        """Invoice the job's approved hours not yet invoiced (``invoices.create_invoice``,
        as ``POST /api/wijkbedrijf/invoices/`` with ``job_id``)."""

        def read(form: FormState) -> InvoiceIn:
            form.values = {}
            return InvoiceIn(job_id=job_id, actor=actor_of(request))

        def work(data: InvoiceIn) -> str:
            bill = invoices.create_invoice(db_session, tenant, data)
            noted(db_session, bill)
            return f"{job_url(job_id)}?{DONE}=gefactureerd#facturen"

        return await self._job_form(request, db_session, tenant, job_id, "factureren", read, work)

    @post("/klussen/{job_id:int}/facturen/{invoice_id:int}/betaling", name="wijkbedrijf-payment")
    async def payment(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
        invoice_id: FromPath[int],
    ) -> Response[Any]:
        """Record an invoice's payment (``invoices.pay``); a paid job invoice of a job
        that is done closes the job (``afgerond``)."""
        _ = gettext_for(request)

        def read(form: FormState) -> PaymentIn | None:
            form.values = {"paid_on": str(form.values.get("paid_on") or "").strip()}
            found = validate(
                PaymentIn,
                {**form.values, "actor": actor_of(request)},
                form,
                _,
                field_messages=PAYMENT_MESSAGES,
            )
            return found if isinstance(found, PaymentIn) else None

        def work(data: PaymentIn) -> str:
            self._invoice_of(db_session, job_id, invoice_id)
            noted(db_session, invoices.pay(db_session, tenant, invoice_id, data))
            return f"{job_url(job_id)}?{DONE}=betaald#facturen"

        return await self._job_form(
            request,
            db_session,
            tenant,
            job_id,
            f"betaling-{invoice_id}",
            read,
            work,
            messages=PAYMENT_MESSAGES,
        )

    @post("/klussen/{job_id:int}/facturen/{invoice_id:int}/crediteren", name="wijkbedrijf-credit")
    async def credit(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
        invoice_id: FromPath[int],
    ) -> Response[Any]:
        """Correct an invoice with a credit note (``invoices.credit``): all that is left
        of it, or a part, with a reason."""
        _ = gettext_for(request)

        def read(form: FormState) -> CreditIn | None:
            form.values = {n: str(form.values.get(n) or "").strip() for n in ("reason", "amount")}
            amount = form.values["amount"].replace("€", "").strip()
            if "," in amount:  # Dutch notation: 1.234,50 (a point alone is a decimal point)
                amount = amount.replace(".", "").replace(",", ".")
            found = validate(
                CreditIn,
                {
                    "reason": form.values["reason"],
                    "amount": amount or None,
                    "actor": actor_of(request),
                },
                form,
                _,
                field_messages=CREDIT_MESSAGES,
            )
            return found if isinstance(found, CreditIn) else None

        def work(data: CreditIn) -> str:
            self._invoice_of(db_session, job_id, invoice_id)
            noted(db_session, invoices.credit(db_session, tenant, invoice_id, data))
            return f"{job_url(job_id)}?{DONE}=gecrediteerd#facturen"

        return await self._job_form(
            request,
            db_session,
            tenant,
            job_id,
            f"crediteren-{invoice_id}",
            read,
            work,
            messages=CREDIT_MESSAGES,
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

        def work() -> str:
            notification = services.resendable(db_session, notification_id)
            if notification.job_id != job_id:
                raise NotFound(f"notification {notification_id} is not of job {job_id}")
            retry = services.settings_of(tenant).mail_retry_minutes
            services.send_confirmation(db_session, mailer, notification, retry)
            noted(db_session, NotificationOut.model_validate(notification))
            return f"{job_url(job_id)}?{RESENT}={notification.delivery.value}#bevestigingen"

        return await store_form(request, db_session, form, work, page)


def router() -> Router:
    """The pages, for the ``route_handlers`` hook: core's router of web pages (the CSRF
    token as a form field, the Dutch error pages, the login page for a visitor who is
    not logged in), for coordinators and municipality admins."""
    return pages_router([WijkbedrijfPages], roles=ROLES)
