"""REST endpoints under ``/api/wijkbedrijf``. Handlers only translate HTTP to service calls."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from noaber.matching.schemas import SuggestionsOut
from noaber.people.services import note_subjects_of
from noaber.privacy.web import NAMES_NO_ONE
from noaber.requests.services import note_request_ids
from noaber.web.dependencies import CurrentMailer, CurrentTenant, DbSession
from noaber.web.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from noaber.web.params import PageNumber, PageSize
from noaber_wijkbedrijf import allowances, dagbesteding, invoices, services
from noaber_wijkbedrijf import figures as figures_module
from noaber_wijkbedrijf.models import HoursStatus, PaymentStatus
from noaber_wijkbedrijf.schemas import (
    ActivityIn,
    ActivityOut,
    AllowanceIn,
    AllowanceOut,
    AssignmentIn,
    AssignmentOut,
    AttendanceIn,
    AttendanceOut,
    ConfirmedOut,
    CreditIn,
    DecisionIn,
    Figures,
    HoursIn,
    HoursOut,
    InvoiceIn,
    InvoiceOut,
    JobIn,
    JobOut,
    NotificationOut,
    OutflowIn,
    OutflowOut,
    ParticipantEndIn,
    ParticipantIn,
    ParticipantOut,
    PaymentIn,
    RateIn,
    RefundIn,
)
from noaber_wijkbedrijf.subjects import (
    note_assignment,
    note_hours,
    note_invoice,
    note_job,
    note_notification,
    note_participant,
    note_persons,
    noted,
)

BASE = "/api/wijkbedrijf"
TAGS = ["wijkbedrijf"]
From = Annotated[date | None, QueryParameter(name="from", description="First day of the period.")]
To = Annotated[date | None, QueryParameter(name="to", description="Last day of the period.")]
COORDINATORS = ("coordinator", "municipality_admin")
"""Decisions on hours, rates, invoices and credit notes."""
WITH_VOLUNTEERS = (*COORDINATORS, "volunteer")
"""Routes a volunteer may use for their own assignments (checked in the service)."""


class JobController(Controller):
    path = f"{BASE}/jobs"
    tags = TAGS

    @get("/", sync_to_thread=True, summary="Jobs (klussen), the oldest first")
    def list_jobs(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        status: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
    ) -> Page[JobOut]:
        """A page of the jobs (whose request has the status, of the category) in the order
        they were taken, the oldest first."""
        jobs, total = services.page_of_jobs(
            db_session, page=page, page_size=page_size, status=status, category=category
        )
        return Page[JobOut](
            items=noted(db_session, jobs), total=total, page=page, page_size=page_size
        )

    @post("/", sync_to_thread=True, summary="Take a job request (desk, phone or online)")
    def create(self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[JobIn]) -> JobOut:
        # Before the write: a refused job names the resident too.
        note_persons(db_session, [data.person_id])
        return noted(
            db_session, services.job_out(db_session, services.create_job(db_session, tenant, data))
        )

    @get("/{job_id:int}", sync_to_thread=True, summary="One job")
    def get_one(self, db_session: DbSession, job_id: FromPath[int]) -> JobOut:
        return noted(db_session, services.job_out(db_session, services.get_job(db_session, job_id)))

    @post(
        "/{job_id:int}/rate",
        sync_to_thread=True,
        opt={"roles": COORDINATORS},
        summary="Set the full or a reduced rate",
    )
    def set_rate(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
        data: JSONBody[RateIn],
    ) -> JobOut:
        note_job(db_session, job_id)
        return noted(
            db_session,
            services.job_out(db_session, services.set_rate(db_session, tenant, job_id, data)),
        )

    @get(
        "/{job_id:int}/suggestions",
        sync_to_thread=True,
        summary="Volunteers suggested for the job, ranked and explained",
    )
    def suggestions(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
        limit: FromQuery[int | None] = None,
    ) -> SuggestionsOut:
        found = services.suggestions(db_session, tenant, job_id, limit)
        helpers = [s.helper.id for s in found.suggestions]
        note_request_ids(db_session, [found.request_id], helper_ids=helpers)
        return found

    @get("/{job_id:int}/assignments", sync_to_thread=True, summary="Volunteers planned on the job")
    def assignments(self, db_session: DbSession, job_id: FromPath[int]) -> list[AssignmentOut]:
        services.get_job(db_session, job_id)
        return noted(
            db_session,
            [
                services.assignment_out(db_session, a)
                for a in services.assignments_of(db_session, job_id)
            ],
        )

    @post("/{job_id:int}/assignments", sync_to_thread=True, summary="Plan a volunteer on the job")
    def assign(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
        data: JSONBody[AssignmentIn],
    ) -> AssignmentOut:
        note_job(db_session, job_id)
        note_subjects_of(db_session, helper_ids=[data.helper_id])
        return noted(
            db_session,
            services.assignment_out(db_session, services.assign(db_session, tenant, job_id, data)),
        )

    @post("/{job_id:int}/done", sync_to_thread=True, summary="The job is done")
    def done(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> JobOut:
        note_job(db_session, job_id)
        return noted(
            db_session,
            services.job_out(db_session, services.mark_done(db_session, tenant, job_id, data)),
        )

    @post("/{job_id:int}/cancel", sync_to_thread=True, summary="Cancel the job (with a reason)")
    def cancel(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> JobOut:
        note_job(db_session, job_id)
        return noted(
            db_session,
            services.job_out(db_session, services.cancel_job(db_session, tenant, job_id, data)),
        )

    @get("/{job_id:int}/hours", sync_to_thread=True, summary="Hours registered on the job")
    def hours(self, db_session: DbSession, job_id: FromPath[int]) -> list[HoursOut]:
        return noted(
            db_session,
            [HoursOut.model_validate(h) for h in services.list_hours(db_session, job_id=job_id)],
        )

    @post(
        "/{job_id:int}/hours",
        sync_to_thread=True,
        opt={"roles": WITH_VOLUNTEERS},
        summary="Register a volunteer's hours",
    )
    def register_hours(
        self, db_session: DbSession, job_id: FromPath[int], data: JSONBody[HoursIn]
    ) -> HoursOut:
        note_job(db_session, job_id)
        return noted(
            db_session, HoursOut.model_validate(services.register_hours(db_session, job_id, data))
        )

    @get(
        "/{job_id:int}/notifications",
        sync_to_thread=True,
        summary="Messages sent to the resident about the job",
    )
    def notifications(self, db_session: DbSession, job_id: FromPath[int]) -> list[NotificationOut]:
        return noted(
            db_session,
            [
                NotificationOut.model_validate(n)
                for n in services.notifications_of(db_session, job_id)
            ],
        )


class AssignmentController(Controller):
    path = f"{BASE}/assignments"
    tags = TAGS

    @post(
        "/{assignment_id:int}/confirm",
        sync_to_thread=True,
        opt={"roles": WITH_VOLUNTEERS},
        summary="The volunteer confirms",
    )
    def confirm(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        mailer: CurrentMailer,
        assignment_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> ConfirmedOut:
        note_assignment(db_session, assignment_id)
        a, notification = services.confirm(db_session, tenant, assignment_id, data)
        # The planning is stored before the resident is mailed; a refusing mail server
        # only marks the notification 'mislukt'.
        db_session.commit()
        retry = services.settings_of(tenant).mail_retry_minutes
        services.send_confirmation(db_session, mailer, notification, retry)
        out = services.assignment_out(db_session, a)
        return noted(
            db_session,
            ConfirmedOut(
                **out.model_dump(), notification=NotificationOut.model_validate(notification)
            ),
        )

    @post(
        "/{assignment_id:int}/decline",
        sync_to_thread=True,
        opt={"roles": WITH_VOLUNTEERS},
        summary="The volunteer declines",
    )
    def decline(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        assignment_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> AssignmentOut:
        note_assignment(db_session, assignment_id)
        a = services.decline(db_session, tenant, assignment_id, data)
        return noted(db_session, services.assignment_out(db_session, a))

    @post("/{assignment_id:int}/withdraw", sync_to_thread=True, summary="Withdraw a planning")
    def withdraw(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        assignment_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> AssignmentOut:
        note_assignment(db_session, assignment_id)
        a = services.withdraw(db_session, tenant, assignment_id, data)
        return noted(db_session, services.assignment_out(db_session, a))


class HoursController(Controller):
    path = f"{BASE}/hours"
    tags = TAGS

    @get(
        "/",
        sync_to_thread=True,
        summary="Hours registrations (e.g. waiting for approval) by the day worked",
    )
    def list_hours(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        status: FromQuery[HoursStatus | None] = None,
        helper_id: FromQuery[int | None] = None,
    ) -> Page[HoursOut]:
        """A page of the registrations (with the status, of the volunteer) by the day
        worked, then in the order they were registered."""
        rows, total = paginate(
            db_session,
            services.hours_statement(status=status, helper_id=helper_id),
            page,
            page_size,
        )
        items = noted(db_session, [HoursOut.model_validate(h) for h in rows])
        return Page[HoursOut](items=items, total=total, page=page, page_size=page_size)

    @post(
        "/{hours_id:int}/approve",
        sync_to_thread=True,
        opt={"roles": COORDINATORS},
        summary="The coordinator approves",
    )
    def approve(
        self, db_session: DbSession, hours_id: FromPath[int], data: JSONBody[DecisionIn]
    ) -> HoursOut:
        note_hours(db_session, hours_id)
        return noted(
            db_session,
            HoursOut.model_validate(services.decide_hours(db_session, hours_id, True, data)),
        )

    @post(
        "/{hours_id:int}/reject",
        sync_to_thread=True,
        opt={"roles": COORDINATORS},
        summary="The coordinator rejects",
    )
    def reject(
        self, db_session: DbSession, hours_id: FromPath[int], data: JSONBody[DecisionIn]
    ) -> HoursOut:
        note_hours(db_session, hours_id)
        return noted(
            db_session,
            HoursOut.model_validate(services.decide_hours(db_session, hours_id, False, data)),
        )


class InvoiceController(Controller):
    path = f"{BASE}/invoices"
    opt = {"roles": COORDINATORS}
    tags = TAGS

    @get("/", sync_to_thread=True, summary="Invoices and credit notes by number")
    def list_invoices(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        person_id: FromQuery[int | None] = None,
        job_id: FromQuery[int | None] = None,
        status: FromQuery[PaymentStatus | None] = None,
        period_from: From = None,
        period_to: To = None,
    ) -> Page[InvoiceOut]:
        """A page of the invoices and credit notes (of the resident, made for the job,
        with the payment status, issued in the period) in the order of the number
        series: by year, the first number first."""
        invoices.check_period(period_from, period_to)
        rows, total = invoices.page_of_invoices(
            db_session,
            page=page,
            page_size=page_size,
            person_id=person_id,
            job_id=job_id,
            status=status,
            period_from=period_from,
            period_to=period_to,
        )
        items = noted(db_session, invoices.invoices_out(db_session, rows))
        return Page[InvoiceOut](items=items, total=total, page=page, page_size=page_size)

    @post("/", sync_to_thread=True, summary="Invoice a job, or a resident's month")
    def create(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[InvoiceIn]
    ) -> InvoiceOut:
        if data.job_id is not None:
            note_job(db_session, data.job_id)
        invoice = invoices.create_invoice(db_session, tenant, data)
        return noted(db_session, invoices.invoice_out(db_session, invoice))

    @get("/{invoice_id:int}", sync_to_thread=True, summary="One invoice")
    def get_one(self, db_session: DbSession, invoice_id: FromPath[int]) -> InvoiceOut:
        return noted(
            db_session,
            invoices.invoice_out(db_session, invoices.get_invoice(db_session, invoice_id)),
        )

    @get("/{invoice_id:int}/pdf", sync_to_thread=True, summary="The invoice as a PDF")
    def pdf(
        self, tenant: CurrentTenant, db_session: DbSession, invoice_id: FromPath[int]
    ) -> Response[bytes]:
        invoice = noted(db_session, invoices.get_invoice(db_session, invoice_id))
        return Response(
            invoices.pdf(db_session, tenant, invoice),
            media_type="application/pdf",
            headers={"content-disposition": f'inline; filename="{invoice.number}.pdf"'},
        )

    @post("/{invoice_id:int}/credit", sync_to_thread=True, summary="Correct with a credit note")
    def credit(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        invoice_id: FromPath[int],
        data: JSONBody[CreditIn],
    ) -> InvoiceOut:
        note_invoice(db_session, invoice_id)
        note = invoices.credit(db_session, tenant, invoice_id, data)
        return noted(db_session, invoices.invoice_out(db_session, note))

    @post("/{invoice_id:int}/payment", sync_to_thread=True, summary="Record the payment")
    def pay(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        invoice_id: FromPath[int],
        data: JSONBody[PaymentIn],
    ) -> InvoiceOut:
        note_invoice(db_session, invoice_id)
        return noted(
            db_session,
            invoices.invoice_out(db_session, invoices.pay(db_session, tenant, invoice_id, data)),
        )

    @post(
        "/{invoice_id:int}/refund",
        sync_to_thread=True,
        summary="Record the refund of a credit note on a paid invoice",
    )
    def refund(
        self, db_session: DbSession, invoice_id: FromPath[int], data: JSONBody[RefundIn]
    ) -> InvoiceOut:
        note_invoice(db_session, invoice_id)
        return noted(
            db_session,
            invoices.invoice_out(db_session, invoices.refund(db_session, invoice_id, data)),
        )

    @get("/export.csv", sync_to_thread=True, summary="CSV export for the bookkeeping")
    def export(
        self, db_session: DbSession, period_from: From = None, period_to: To = None
    ) -> Response[str]:
        invoices.check_period(period_from, period_to)
        return Response(
            invoices.csv_export(db_session, period_from=period_from, period_to=period_to),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="wijkbedrijf-facturen.csv"'},
        )


class AllowanceController(Controller):
    path = f"{BASE}/allowances"
    opt = {"roles": COORDINATORS}
    tags = TAGS

    @get("/", sync_to_thread=True, summary="Volunteer allowances paid, by month")
    def list_allowances(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        helper_id: FromQuery[int | None] = None,
    ) -> Page[AllowanceOut]:
        """A page of the allowances paid (to the volunteer) by month, the earliest first,
        and within a month in the order they were paid."""
        rows, total = allowances.page_of_allowances(
            db_session, page=page, page_size=page_size, helper_id=helper_id
        )
        items = noted(db_session, [AllowanceOut.model_validate(a) for a in rows])
        return Page[AllowanceOut](items=items, total=total, page=page, page_size=page_size)

    @post("/", sync_to_thread=True, summary="Pay a volunteer's allowance for a month")
    def record(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[AllowanceIn]
    ) -> AllowanceOut:
        note_subjects_of(db_session, helper_ids=[data.helper_id])
        return noted(
            db_session,
            AllowanceOut.model_validate(allowances.record_allowance(db_session, tenant, data)),
        )


class DagbestedingController(Controller):
    path = f"{BASE}"
    tags = TAGS

    @get(
        "/participants",
        sync_to_thread=True,
        summary="Dagbesteding participants in the order they were added",
    )
    def participants(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        active: FromQuery[bool | None] = None,
    ) -> Page[ParticipantOut]:
        """A page of the participants (still taking part, or ended) in the order they
        were added."""
        rows, total = paginate(
            db_session, dagbesteding.participants_statement(active=active), page, page_size
        )
        items = noted(db_session, [ParticipantOut.model_validate(p) for p in rows])
        return Page[ParticipantOut](items=items, total=total, page=page, page_size=page_size)

    @post("/participants", sync_to_thread=True, summary="A participant starts")
    def add_participant(
        self, db_session: DbSession, data: JSONBody[ParticipantIn]
    ) -> ParticipantOut:
        # Before the write: a refused start (already taking part) names the person too.
        note_persons(db_session, [data.person_id])
        return noted(
            db_session,
            ParticipantOut.model_validate(dagbesteding.add_participant(db_session, data)),
        )

    @post(
        "/participants/{participant_id:int}/end", sync_to_thread=True, summary="Participation ends"
    )
    def end_participant(
        self, db_session: DbSession, participant_id: FromPath[int], data: JSONBody[ParticipantEndIn]
    ) -> ParticipantOut:
        note_participant(db_session, participant_id)
        p = dagbesteding.end_participant(db_session, participant_id, data)
        return noted(db_session, ParticipantOut.model_validate(p))

    @get("/activities", sync_to_thread=True, summary="Dagbesteding activities by name")
    def activities(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[ActivityOut]:
        """A page of the activities by name."""
        rows, total = paginate(db_session, dagbesteding.activities_statement(), page, page_size)
        items = [ActivityOut.model_validate(a) for a in rows]
        return Page[ActivityOut](items=items, total=total, page=page, page_size=page_size)

    @post(
        "/activities",
        sync_to_thread=True,
        opt={NAMES_NO_ONE: "a dagbesteding activity: a name, no persons"},
        summary="Add an activity",
    )
    def add_activity(self, db_session: DbSession, data: JSONBody[ActivityIn]) -> ActivityOut:
        return ActivityOut.model_validate(dagbesteding.add_activity(db_session, data))

    @get("/attendance", sync_to_thread=True, summary="Attendance by day")
    def attendance(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        day: FromQuery[date | None] = None,
        participant_id: FromQuery[int | None] = None,
        activity_id: FromQuery[int | None] = None,
    ) -> Page[AttendanceOut]:
        """A page of the attendance (on the day, of the participant, at the activity) by
        day, then in the order it was recorded."""
        stmt = dagbesteding.attendance_statement(
            day=day, participant_id=participant_id, activity_id=activity_id
        )
        rows, total = paginate(db_session, stmt, page, page_size)
        items = noted(db_session, [AttendanceOut.model_validate(a) for a in rows])
        return Page[AttendanceOut](items=items, total=total, page=page, page_size=page_size)

    @post("/attendance", sync_to_thread=True, summary="Record attendance for a day")
    def record_attendance(
        self, db_session: DbSession, data: JSONBody[AttendanceIn]
    ) -> AttendanceOut:
        note_participant(db_session, data.participant_id)
        return noted(
            db_session,
            AttendanceOut.model_validate(dagbesteding.record_attendance(db_session, data)),
        )

    @get(
        "/outflow",
        sync_to_thread=True,
        summary="Outflow to training, paid or unpaid work, by date",
    )
    def outflow(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[OutflowOut]:
        """A page of the outflow by the day someone moved on, then in the order it was
        recorded."""
        rows, total = paginate(db_session, dagbesteding.outflow_statement(), page, page_size)
        items = noted(db_session, [OutflowOut.model_validate(o) for o in rows])
        return Page[OutflowOut](items=items, total=total, page=page, page_size=page_size)

    @post("/outflow", sync_to_thread=True, summary="Record someone moving on")
    def record_outflow(self, db_session: DbSession, data: JSONBody[OutflowIn]) -> OutflowOut:
        note_participant(db_session, data.participant_id)
        note_subjects_of(db_session, helper_ids=[data.helper_id])
        return noted(
            db_session, OutflowOut.model_validate(dagbesteding.record_outflow(db_session, data))
        )

    @get("/figures", sync_to_thread=True, summary="Figures per year, or for one month")
    def figures(
        self, db_session: DbSession, year: FromQuery[int], month: FromQuery[int | None] = None
    ) -> Figures:
        return figures_module.figures(db_session, year, month)


class NotificationController(Controller):
    path = f"{BASE}/notifications"
    tags = TAGS
    opt = {"roles": COORDINATORS}

    @post(
        "/{notification_id:int}/resend",
        sync_to_thread=True,
        status_code=200,
        summary="Send a failed confirmation to the resident again",
    )
    def resend(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        mailer: CurrentMailer,
        notification_id: FromPath[int],
    ) -> NotificationOut:
        note_notification(db_session, notification_id)
        notification = services.resendable(db_session, notification_id)
        retry = services.settings_of(tenant).mail_retry_minutes
        services.send_confirmation(db_session, mailer, notification, retry)
        return noted(db_session, NotificationOut.model_validate(notification))


CONTROLLERS = [
    JobController,
    AssignmentController,
    NotificationController,
    HoursController,
    InvoiceController,
    AllowanceController,
    DagbestedingController,
]
