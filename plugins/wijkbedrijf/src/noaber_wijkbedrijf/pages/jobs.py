"""The jobs (klussen) with their planning, a page at a time, and taking in a new job."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from litestar import Controller, Request, Response, get, post
from pydantic import model_validator
from sqlmodel import Session, col, select

from noaber.people.models import Professional
from noaber.people.services import get_person, list_people
from noaber.platform import TenantRuntime
from noaber.privacy.access_log import note_subjects
from noaber.ui.forms import (
    FormState,
    blank_to_none,
    new_form_token,
    posted_form,
    store_form,
    validate,
)
from noaber.ui.pages.common import ASKED_BY_NAMES, options
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, page_number, pages_of
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_wijkbedrijf import services
from noaber_wijkbedrijf.models import ACTIVE_ASSIGNMENT
from noaber_wijkbedrijf.pages.common import (
    BASE,
    DONE,
    NEW_JOB,
    SUBNAV,
    actor_of,
    helper_names,
    job_url,
    period,
    person_names,
)
from noaber_wijkbedrijf.pages.rates import (
    RATE_FIELDS,
    RATE_MESSAGES,
    RATE_SERVICE_MESSAGES,
    rate_options,
)
from noaber_wijkbedrijf.schemas import JobIn
from noaber_wijkbedrijf.subjects import note_persons, noted

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
    *RATE_FIELDS,
)
JOB_MESSAGES = {
    "person_id": "Choose the resident.",
    "professional_id": "Choose one of the professionals.",
    "estimated_hours": "Enter a number of hours, for example 1,5.",
    "wished_from": "Enter a date, for example 03-03-2026.",
    "wished_until": "Enter a date, for example 03-03-2026.",
    "postcode": "Enter a postcode, for example 8926 AB.",
    **RATE_MESSAGES,
}
"""The new job's fields with a message of their own (the others take core's)."""
JOB_SERVICE_MESSAGES = {
    **JOB_MESSAGES,
    "category": "Choose one of the categories.",
    **RATE_SERVICE_MESSAGES,
}
"""The service's fields on the form, for a refusal without a message of its own."""
CHANNEL_NAMES = {"balie": "At the desk", "telefoon": "By phone", "online": "Online"}
JOBS_PAGE_SIZE = 50
SEARCH = "zoek"
"""The new job page's query parameter: part of the resident's name."""
RESIDENT = "bewoner"
"""The new job page's query parameter: the resident chosen."""


def jobs_page(request: Request[Any, Any, Any], session: Session) -> Response[Any]:
    """The jobs, the newest first, ``JOBS_PAGE_SIZE`` a page (``?pagina=``, as core's
    requests list)."""
    _ = gettext_for(request)
    page = page_number(request)
    jobs, total = services.page_of_jobs(
        session, page=page, page_size=JOBS_PAGE_SIZE, newest_first=True
    )
    pages = pages_of(total, JOBS_PAGE_SIZE)
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
            **SUBNAV,
        },
    )


class JobForm(JobIn):
    """The new job form: :class:`JobIn`, with the wished period's order checked by the
    page (next to the field) instead of by the model."""

    @model_validator(mode="after")
    def _window(self) -> Self:
        return self


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
        note_subjects([person.id])  # a Person is the subject itself (noted() reads person_id)
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
            **SUBNAV,
            "new_url": NEW_JOB,
        },
        status_code=status_code,
    )


def read_job(request: Request[Any, Any, Any], form: FormState) -> JobIn | None:
    """The new job's input, or None with the errors on ``form``."""
    _ = gettext_for(request)
    form.values = {n: str(form.values.get(n) or "").strip() for n in JOB_FIELDS}
    optional = ("professional_id", *RATE_FIELDS)
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


class JobsPages(Controller):
    path = BASE

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

        # Before storing: a refused job, or a repeated submit sent to the first one's
        # job, names the resident too.
        resident = data.person_id
        await in_thread(lambda: note_persons(db_session, [resident]))
        return await store_form(
            request, db_session, form, work, page, service_messages=JOB_SERVICE_MESSAGES
        )
