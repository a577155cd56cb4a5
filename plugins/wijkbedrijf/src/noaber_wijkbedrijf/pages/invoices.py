"""The job page's invoice forms: invoice the approved hours, record a payment, credit an
invoice, record the refund of a credit note on a paid invoice."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.params import FromPath
from sqlmodel import Session

from noaber.errors import NotFound
from noaber.ui.forms import FormState, validate
from noaber.ui.templating import gettext_for
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_wijkbedrijf import invoices
from noaber_wijkbedrijf.pages.common import BASE, DONE, actor_of, amount_text, job_url
from noaber_wijkbedrijf.pages.job import JobForms
from noaber_wijkbedrijf.schemas import CreditIn, InvoiceIn, PaymentIn, RefundIn
from noaber_wijkbedrijf.subjects import note_invoice, noted

# English message ids (the catalogue translates them): next to the form's fields, and for
# a service's refusal that says nothing itself.
PAYMENT_MESSAGES = {"paid_on": "Enter a date, for example 03-03-2026."}
REFUND_MESSAGES = {"refunded_on": "Enter a date, for example 03-03-2026."}
CREDIT_MESSAGES = {
    "reason": "Give the reason for the credit note.",
    "amount": "Enter an amount, for example 4,50, or leave it empty for all that is left.",
}


class InvoicePages(JobForms, Controller):
    path = BASE

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
            concerns=lambda _data: note_invoice(db_session, invoice_id),
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
            found = validate(
                CreditIn,
                {
                    "reason": form.values["reason"],
                    "amount": amount_text(form.values["amount"]),
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
            concerns=lambda _data: note_invoice(db_session, invoice_id),
        )

    @post(
        "/klussen/{job_id:int}/facturen/{invoice_id:int}/terugbetaling", name="wijkbedrijf-refund"
    )
    async def refund(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        job_id: FromPath[int],
        invoice_id: FromPath[int],
    ) -> Response[Any]:
        """Record that a credit note on a paid invoice was paid back to the resident
        (``invoices.refund``, as ``POST /api/wijkbedrijf/invoices/{id}/refund``)."""
        _ = gettext_for(request)

        def read(form: FormState) -> RefundIn | None:
            form.values = {"refunded_on": str(form.values.get("refunded_on") or "").strip()}
            found = validate(
                RefundIn,
                {
                    "refunded_on": form.values["refunded_on"] or None,
                    "actor": actor_of(request),
                },
                form,
                _,
                field_messages=REFUND_MESSAGES,
            )
            return found if isinstance(found, RefundIn) else None

        def work(data: RefundIn) -> str:
            self._invoice_of(db_session, job_id, invoice_id)
            noted(db_session, invoices.refund(db_session, invoice_id, data))
            return f"{job_url(job_id)}?{DONE}=terugbetaald#facturen"

        return await self._job_form(
            request,
            db_session,
            tenant,
            job_id,
            f"terugbetaling-{invoice_id}",
            read,
            work,
            messages=REFUND_MESSAGES,
            concerns=lambda _data: note_invoice(db_session, invoice_id),
        )
