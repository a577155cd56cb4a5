"""Volunteer allowances: approved hours times the allowance per hour, never over the
monthly (and, if configured, yearly) cap that keeps a volunteer within what their
benefit allows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, select

from noaber.errors import UserMessage
from noaber.people.models import HelperProfile
from noaber.people.services import field_error
from noaber.platform import TenantRuntime
from noaber.tenancy.context import require_tenant
from noaber.ui.notation import nl_money
from noaber.web.pagination import paginate
from noaber_wijkbedrijf import money
from noaber_wijkbedrijf.invoices import month_bounds
from noaber_wijkbedrijf.models import Allowance, HoursEntry, HoursStatus
from noaber_wijkbedrijf.schemas import AllowanceIn
from noaber_wijkbedrijf.services import lock_helper, settings_of


def _paid(session: Session, helper_id: int, first: date, last: date) -> Decimal:
    paid = session.exec(
        select(func.sum(Allowance.amount)).where(
            Allowance.helper_id == helper_id,
            col(Allowance.month) >= first,
            col(Allowance.month) <= last,
        )
    ).one()
    return money.cents(Decimal(paid or 0))


def approved_hours(session: Session, helper_id: int, first: date, last: date) -> Decimal:
    hours = session.exec(
        select(func.sum(HoursEntry.hours)).where(
            HoursEntry.helper_id == helper_id,
            HoursEntry.status == HoursStatus.goedgekeurd,
            col(HoursEntry.worked_on) >= first,
            col(HoursEntry.worked_on) <= last,
        )
    ).one()
    return Decimal(hours or 0)


def record_allowance(session: Session, tenant: TenantRuntime, data: AllowanceIn) -> Allowance:
    settings = settings_of(tenant)
    helper = lock_helper(session, data.helper_id)
    if helper.person_id is None:
        # An allowance is money paid to someone (within what their benefit allows, the
        # caps are per person): it is tied to the person, who the access log names.
        raise field_error(
            "helper_id",
            f"volunteer {helper.id} is linked to no person: an allowance is paid to a person",
            user_message=UserMessage(
                "%(name)s is not linked to a person: an allowance is only paid to a person.",
                name=helper.display_name,
            ),
        )
    first, last = month_bounds(data.month)
    shown = first.strftime("%m-%Y")  # the month as the pages write it
    if data.paid_on < first:
        raise field_error(
            "paid_on",
            f"an allowance for {data.month} is paid after the month starts",
            user_message=UserMessage(
                "An allowance for %(month)s is paid on or after %(first)s.",
                month=shown,
                first=first,
            ),
        )
    hours = approved_hours(session, helper.id or 0, first, last)
    earned = money.times(hours, settings.allowance_per_hour)
    amount = earned if data.amount is None else money.cents(data.amount)
    if amount <= 0:
        raise field_error(
            "amount",
            f"nothing to pay: {hours} approved hours in {data.month} at "
            f"{nl_money(settings.allowance_per_hour)} per hour",
            user_message=UserMessage(
                "%(name)s has no approved hours in %(month)s: there is nothing to pay.",
                name=helper.display_name,
                month=shown,
            )
            if not earned
            else UserMessage("Enter an amount of more than € 0,00."),
        )
    already = _paid(session, helper.id or 0, first, first)
    if already + amount > earned:
        raise field_error(
            "amount",
            f"{nl_money(amount)} is more than the {hours} approved hours of {data.month} allow "
            f"({nl_money(earned)} at {nl_money(settings.allowance_per_hour)} per hour, "
            f"{nl_money(already)} already paid)",
            user_message=UserMessage(
                "The allowance for %(month)s was already paid: %(paid)s, all that its "
                "approved hours allow.",
                month=shown,
                paid=nl_money(already),
            )
            if already >= earned
            else UserMessage(
                "%(amount)s is more than the approved hours of %(month)s allow: %(earned)s "
                "(%(per_hour)s an hour), of which %(paid)s is already paid.",
                amount=nl_money(amount),
                month=shown,
                earned=nl_money(earned),
                per_hour=nl_money(settings.allowance_per_hour),
                paid=nl_money(already),
            ),
        )
    cap = settings.allowance_monthly_cap
    if already + amount > cap:
        raise field_error(
            "amount",
            f"over the monthly cap of {nl_money(cap)}: {nl_money(already)} already paid for "
            f"{data.month}, at most {nl_money(max(cap - already, money.ZERO))} more",
            user_message=UserMessage(
                "More than the monthly maximum of %(cap)s: %(paid)s is already paid for "
                "%(month)s, at most %(left)s more.",
                cap=nl_money(cap),
                paid=nl_money(already),
                month=shown,
                left=nl_money(max(cap - already, money.ZERO)),
            ),
        )
    if settings.allowance_yearly_cap is not None:
        year_paid = _paid(session, helper.id or 0, date(first.year, 1, 1), date(first.year, 12, 1))
        if year_paid + amount > settings.allowance_yearly_cap:
            left = max(settings.allowance_yearly_cap - year_paid, money.ZERO)
            raise field_error(
                "amount",
                f"over the yearly cap of {nl_money(settings.allowance_yearly_cap)}: "
                f"{nl_money(year_paid)} already paid in {first.year}, at most "
                f"{nl_money(left)} more",
                user_message=UserMessage(
                    "More than the yearly maximum of %(cap)s: %(paid)s is already paid in "
                    "%(year)s, at most %(left)s more.",
                    cap=nl_money(settings.allowance_yearly_cap),
                    paid=nl_money(year_paid),
                    year=str(first.year),
                    left=nl_money(left),
                ),
            )
    allowance = Allowance(
        tenant_id=require_tenant(),
        helper_id=helper.id or 0,
        month=first,
        hours=hours,
        amount=amount,
        paid_on=data.paid_on,
        created_by=data.actor,
    )
    session.add(allowance)
    session.flush()
    return allowance


def page_of_allowances(
    session: Session,
    *,
    page: int,
    page_size: int,
    helper_id: int | None = None,
    newest_first: bool = False,
) -> tuple[list[Allowance], int]:
    """One page of the allowances paid (to one volunteer) by month and, within a month,
    in the order they were paid; the earliest first or the latest first; and how many
    there are in all."""
    stmt = select(Allowance)
    if helper_id is not None:
        stmt = stmt.where(Allowance.helper_id == helper_id)
    if newest_first:
        stmt = stmt.order_by(col(Allowance.month).desc(), col(Allowance.id).desc())
    else:
        stmt = stmt.order_by(col(Allowance.month), col(Allowance.id))
    rows, total = paginate(session, stmt, page, page_size)
    return list(rows), total


def volunteers_with_hours(session: Session, limit: int = 500) -> list[HelperProfile]:
    """The volunteers who are a person and have approved hours (at most ``limit``, by
    name): those an allowance may be paid to."""
    worked = select(HoursEntry.helper_id).where(HoursEntry.status == HoursStatus.goedgekeurd)
    return list(
        session.exec(
            select(HelperProfile)
            .where(col(HelperProfile.id).in_(worked), col(HelperProfile.person_id).is_not(None))
            .order_by(col(HelperProfile.display_name), col(HelperProfile.id))
            .limit(limit)
        ).all()
    )
