"""The invoices and credit notes of the wijkbedrijf, a page at a time, filtered by
status and period, with the CSV export for the bookkeeping; and invoicing a resident's
month."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from noaber.clock import dutch_today
from noaber.privacy.access_log import note_subjects
from noaber.ui.forms import FormState, new_form_token, posted_form, store_form, validate
from noaber.ui.notation import nl_money
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, page_number, pages_of
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_wijkbedrijf import invoices, money
from noaber_wijkbedrijf.models import Invoice, InvoiceKind, PaymentStatus
from noaber_wijkbedrijf.pages.common import (
    BASE,
    DONE,
    INVOICES,
    PAGE,
    SUBNAV,
    actor_of,
    month_shown,
    month_text,
    person_names,
    previous_month,
)
from noaber_wijkbedrijf.schemas import FIRST_DAY, LAST_DAY, InvoiceIn
from noaber_wijkbedrijf.subjects import note_persons, noted

INVOICES_PAGE_SIZE = 50
EXPORT = "/api/wijkbedrijf/invoices/export.csv"
"""The API's CSV export for the bookkeeping: a coordinator's session may read it, as it
reads an invoice's PDF."""
STATUS = "status"
FROM, TO = "van", "tot"
"""The overview's query parameters: the payment status, the first and last day the
invoices were issued on."""
STATUS_NAMES = {
    PaymentStatus.open: "Outstanding",
    PaymentStatus.betaald: "Paid",
    PaymentStatus.gecrediteerd: "Credited",
    PaymentStatus.verrekend: "Settled",
    PaymentStatus.terug_te_betalen: "To be refunded",
    PaymentStatus.terugbetaald: "Refunded",
}
"""The payment statuses as the pages name them (English message ids)."""
KIND_NAMES = {InvoiceKind.factuur: "Invoice", InvoiceKind.creditnota: "Credit note"}

# English message ids (the catalogue translates them)
FILTER_MESSAGES = {
    STATUS: "Choose one of the statuses.",
    FROM: "Enter a date, for example 01-03-2026.",
    TO: "Enter a date, for example 31-03-2026.",
}
MONTH_MESSAGES = {
    "person_id": "Choose the resident.",
    "period": "Enter a month, for example 03-2026.",
}
"""The monthly invoice's fields, next to the field (the service's too)."""


class Filters(BaseModel):
    """The overview's filters as read from the query (each optional)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    status: PaymentStatus | None = None
    van: date | None = None
    tot: date | None = None


class MonthForm(BaseModel):
    """The monthly invoice form: a resident and a month (``YYYY-MM``)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    person_id: int
    period: str


def read_filters(
    request: Request[Any, Any, Any], _: Callable[[str], str]
) -> tuple[Filters, FormState]:
    """The filters asked for, and the filter form as typed; a wrong filter is left out
    (the list is shown without it) and said next to its field."""
    query = request.query_params
    form = FormState(values={n: str(query.get(n) or "").strip() for n in (STATUS, FROM, TO)})
    found = Filters()
    for name in (STATUS, FROM, TO):
        value = form.values[name]
        if not value:
            continue
        one = validate(Filters, {name: value}, form, _, field_messages=FILTER_MESSAGES)
        if isinstance(one, Filters):
            setattr(found, name, getattr(one, name))
    for name in (FROM, TO):
        day = getattr(found, name)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            form.errors[name] = _(FILTER_MESSAGES[name])
            setattr(found, name, None)
    if found.van and found.tot and found.tot < found.van:
        form.errors[TO] = _("Enter a day on or after the first day.")
        found.tot = None
    return found, form


def query_of(filters: Filters, **extra: Any) -> str:
    """The overview's query string for ``filters`` (and ``extra``), empty values left out."""
    values = {
        STATUS: filters.status.value if filters.status else "",
        FROM: filters.van.isoformat() if filters.van else "",
        TO: filters.tot.isoformat() if filters.tot else "",
        **{k: str(v) for k, v in extra.items()},
    }
    return urlencode({k: v for k, v in values.items() if v})


def export_url(filters: Filters) -> str:
    """The CSV export of the chosen period (every status: the bookkeeping wants all)."""
    values = {
        "from": filters.van.isoformat() if filters.van else "",
        "to": filters.tot.isoformat() if filters.tot else "",
    }
    query = urlencode({k: v for k, v in values.items() if v})
    return f"{EXPORT}?{query}" if query else EXPORT


def residents_to_invoice(session: Session) -> list[tuple[str, str]]:
    """The monthly invoice's choice of residents: those with approved hours not invoiced
    yet, by name, each with its months (named in the access log)."""
    months = invoices.months_to_invoice(session)
    names = person_names(session, months)
    note_subjects(months)
    return sorted(
        (
            (
                str(person_id),
                f"{names.get(person_id, '')}: {', '.join(month_shown(m) for m in found)}",
            )
            for person_id, found in months.items()
        ),
        key=lambda choice: choice[1].lower(),
    )


def invoices_page(
    request: Request[Any, Any, Any],
    session: Session,
    *,
    month_form: FormState | None = None,
    status_code: int = 200,
) -> Response[Any]:
    """The invoices and credit notes, the newest first, ``INVOICES_PAGE_SIZE`` a page,
    filtered by status and period; the page's totals; the monthly invoice form."""
    _ = gettext_for(request)
    filters, filter_form = read_filters(request, _)
    page = page_number(request)
    rows, total = invoices.page_of_invoices(
        session,
        page=page,
        page_size=INVOICES_PAGE_SIZE,
        status=filters.status,
        period_from=filters.van,
        period_to=filters.tot,
        newest_first=True,
    )
    facts = invoices.facts_of(session, rows)
    residents = person_names(session, (i.person_id for i in rows))
    noted(session, rows)
    shown = [
        {
            "invoice": i,
            "kind": _(KIND_NAMES[i.kind]),
            "status": _(STATUS_NAMES[i.status]),
            "resident": residents.get(i.person_id, ""),
            "jobs": facts.jobs.get(i.id or 0, []),
            "month": month_shown(i.period) if i.period else None,
            "total": nl_money(i.total),
            "outstanding": outstanding,
            "outstanding_text": nl_money(outstanding),
            "corrects": facts.numbers.get(i.credits_invoice_id or 0),
        }
        for i in rows
        for outstanding in [invoices.outstanding_of(i, facts)]
    ]
    if month_form is None:
        month_form = FormState(token=new_form_token())
        month_form.values = {"period": previous_month(dutch_today())}
    done = request.query_params.get(DONE)
    return render(
        request,
        "wijkbedrijf/invoices.html",
        {
            "page_title": _("Wijkbedrijf: invoices"),
            "rows": shown,
            "sums": sums_of(rows, facts),
            "total": total,
            "page": page,
            "pages": pages_of(total, INVOICES_PAGE_SIZE),
            "filters": filter_form,
            "statuses": [("", _("All statuses"))]
            + [(s.value, _(name)) for s, name in STATUS_NAMES.items()],
            "filtered": bool(filters.status or filters.van or filters.tot),
            "page_query": lambda number: query_of(filters, **{PAGE: number}),
            "export_url": export_url(filters),
            "period": (filters.van, filters.tot),
            "month_form": month_form,
            "residents": [("", _("Choose a resident")), *residents_to_invoice(session)],
            "done": done if done == "gefactureerd" else None,
            "url": INVOICES,
            **SUBNAV,
        },
        status_code=422 if filter_form.errors and status_code == 200 else status_code,
    )


def sums_of(rows: Sequence[Invoice], facts: invoices.PageFacts) -> dict[str, str]:
    """The page's totals: invoiced, credited, the two together and still to be paid."""
    billed = money.total(i.total for i in rows if i.kind is InvoiceKind.factuur)
    credited = money.total(i.total for i in rows if i.kind is InvoiceKind.creditnota)
    owed: Decimal = money.total(invoices.outstanding_of(i, facts) for i in rows)
    return {
        "billed": nl_money(billed),
        "credited": nl_money(credited),
        "net": nl_money(billed + credited),
        "outstanding": nl_money(owed),
    }


def read_month(request: Request[Any, Any, Any], form: FormState) -> InvoiceIn | None:
    """The monthly invoice's input, or None with the errors on ``form``."""
    _ = gettext_for(request)
    form.values = {n: str(form.values.get(n) or "").strip() for n in ("person_id", "period")}
    found = validate(
        MonthForm,
        {k: v or None for k, v in form.values.items()},
        form,
        _,
        field_messages=MONTH_MESSAGES,
    )
    if not isinstance(found, MonthForm):
        return None
    period = month_text(found.period)
    invoice = validate(
        InvoiceIn,
        {"person_id": found.person_id, "period": period, "actor": actor_of(request)},
        form,
        _,
        field_messages=MONTH_MESSAGES,
    )
    return invoice if isinstance(invoice, InvoiceIn) else None


class InvoicesPages(Controller):
    path = BASE

    @get("/facturen", sync_to_thread=True, name="wijkbedrijf-invoices")
    def overview(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return invoices_page(request, db_session)

    @post("/facturen/maand", name="wijkbedrijf-invoice-month")
    async def invoice_month(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        """Invoice a resident's month (``invoices.create_invoice`` with ``person_id`` and
        ``period``, as ``POST /api/wijkbedrijf/invoices/``): the approved hours of the
        month not invoiced yet, of all the resident's jobs."""
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            form.general.extend(m for m in refused if m not in form.general)
            return invoices_page(request, db_session, month_form=form, status_code=status)

        if form.expired:
            return await in_thread(lambda: page(400))
        data = read_month(request, form)
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            assert data is not None
            bill = invoices.create_invoice(db_session, tenant, data)
            noted(db_session, bill)
            return f"{INVOICES}?{DONE}=gefactureerd#factuur-{bill.id}"

        # Before storing: a refused invoice, or a repeated submit sent to the first
        # one's result, names the resident too.
        resident = data.person_id
        await in_thread(lambda: note_persons(db_session, [resident]))
        return await store_form(
            request, db_session, form, work, page, service_messages=MONTH_MESSAGES
        )
