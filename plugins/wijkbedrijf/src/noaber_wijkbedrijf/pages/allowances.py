"""The volunteer allowances paid, a page at a time, and paying a volunteer's allowance
for a month within the monthly and yearly maximum."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get, post
from sqlmodel import Session, select

from noaber.clock import dutch_today
from noaber.people.models import HelperProfile
from noaber.people.services import note_subjects_of
from noaber.platform import TenantRuntime
from noaber.ui.forms import FormState, new_form_token, posted_form, store_form, validate
from noaber.ui.notation import nl_money
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, page_number, pages_of
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_wijkbedrijf import allowances, money, services
from noaber_wijkbedrijf.pages.common import (
    ALLOWANCES,
    BASE,
    DONE,
    PAGE,
    SUBNAV,
    actor_of,
    amount_text,
    helper_names,
    hours_text,
    month_shown,
    month_text,
    previous_month,
)
from noaber_wijkbedrijf.schemas import AllowanceIn
from noaber_wijkbedrijf.subjects import noted

ALLOWANCES_PAGE_SIZE = 50
FIELDS = ("helper_id", "month", "amount", "paid_on")
# English message ids (the catalogue translates them): next to the form's fields, also
# for a service's refusal that says nothing itself.
ALLOWANCE_MESSAGES = {
    "helper_id": "Choose a volunteer.",
    "month": "Enter a month, for example 03-2026.",
    "amount": "Enter an amount, for example 52,50, or leave it empty for what the hours earn.",
    "paid_on": "Enter a date, for example 03-03-2026.",
}


def allowances_page(
    request: Request[Any, Any, Any],
    session: Session,
    tenant: TenantRuntime,
    *,
    form: FormState | None = None,
    status_code: int = 200,
) -> Response[Any]:
    """The allowances paid, the latest month first, ``ALLOWANCES_PAGE_SIZE`` a page; the
    form to pay one, with the volunteers who have approved hours to choose from."""
    _ = gettext_for(request)
    page = page_number(request)
    rows, total = allowances.page_of_allowances(
        session, page=page, page_size=ALLOWANCES_PAGE_SIZE, newest_first=True
    )
    volunteers = allowances.volunteers_with_hours(session)
    names = helper_names(session, (a.helper_id for a in rows))
    noted(session, [*rows, *volunteers])
    settings = services.settings_of(tenant)
    if form is None:
        form = FormState(token=new_form_token())
        form.values = {
            "month": previous_month(dutch_today()),
            "paid_on": dutch_today().isoformat(),
        }
    choices = [(str(v.id), v.display_name) for v in volunteers]
    chosen = str(form.values.get("helper_id") or "")
    if chosen.isdigit() and chosen not in {value for value, _name in choices}:
        # A volunteer chosen before is kept, also when no longer in the list.
        kept = session.exec(select(HelperProfile).where(HelperProfile.id == int(chosen))).all()
        noted(session, list(kept))
        choices += [(str(v.id), v.display_name) for v in kept]
    done = request.query_params.get(DONE)
    return render(
        request,
        "wijkbedrijf/allowances.html",
        {
            "page_title": _("Wijkbedrijf: volunteer allowances"),
            "rows": [
                {
                    "allowance": a,
                    "volunteer": names.get(a.helper_id, ""),
                    "month": month_shown(a.month),
                    "hours": hours_text(a.hours),
                    "amount": nl_money(a.amount),
                }
                for a in rows
            ],
            "page_sum": nl_money(money.total(a.amount for a in rows)),
            "total": total,
            "page": page,
            "pages": pages_of(total, ALLOWANCES_PAGE_SIZE),
            "page_param": PAGE,
            "form": form,
            "volunteers": [("", _("Choose a volunteer")), *choices],
            "per_hour": nl_money(settings.allowance_per_hour),
            "monthly_cap": nl_money(settings.allowance_monthly_cap),
            "yearly_cap": nl_money(settings.allowance_yearly_cap)
            if settings.allowance_yearly_cap is not None
            else None,
            "done": done == "betaald",
            "url": ALLOWANCES,
            **SUBNAV,
        },
        status_code=status_code,
    )


def read_allowance(request: Request[Any, Any, Any], form: FormState) -> AllowanceIn | None:
    """The allowance's input, or None with the errors on ``form``."""
    _ = gettext_for(request)
    form.values = {n: str(form.values.get(n) or "").strip() for n in FIELDS}
    found = validate(
        AllowanceIn,
        {
            "helper_id": form.values["helper_id"] or None,
            "month": month_text(form.values["month"]) or None,
            "amount": amount_text(form.values["amount"]),
            "paid_on": form.values["paid_on"] or None,
            "actor": actor_of(request),
        },
        form,
        _,
        field_messages=ALLOWANCE_MESSAGES,
    )
    return found if isinstance(found, AllowanceIn) else None


class AllowancePages(Controller):
    path = BASE

    @get("/vergoedingen", sync_to_thread=True, name="wijkbedrijf-allowances")
    def overview(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        return allowances_page(request, db_session, tenant)

    @post("/vergoedingen", name="wijkbedrijf-pay-allowance")
    async def pay(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        """Pay a volunteer's allowance for a month (``allowances.record_allowance``, as
        ``POST /api/wijkbedrijf/allowances/``): never more than the month's approved
        hours earn, nor over the monthly or yearly maximum."""
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            form.general.extend(m for m in refused if m not in form.general)
            return allowances_page(request, db_session, tenant, form=form, status_code=status)

        if form.expired:
            return await in_thread(lambda: page(400))
        data = read_allowance(request, form)
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            assert data is not None
            paid = allowances.record_allowance(db_session, tenant, data)
            noted(db_session, paid)
            return f"{ALLOWANCES}?{DONE}=betaald#vergoeding-{paid.id}"

        # Before storing: a refused payment, or a repeated submit sent to the first
        # one's result, names the volunteer too.
        volunteer = data.helper_id
        await in_thread(lambda: note_subjects_of(db_session, helper_ids=[volunteer]))
        return await store_form(
            request, db_session, form, work, page, service_messages=ALLOWANCE_MESSAGES
        )
