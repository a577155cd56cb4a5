"""The maatwerk budget: one row per municipality and year, booked with one conditional
UPDATE so it can never be overdrawn, also not by two decisions at the same moment.

``UPDATE doorbraak_budget SET spent_cents = spent_cents + :amount WHERE year = :year AND
spent_cents + :amount <= :total`` is a single statement: on PostgreSQL the second of two
concurrent updates waits for the first's row lock and then re-checks the condition
against the committed row; on SQLite writers are serialised by the database lock. The
database decides, never a Python-level check, so several workers and processes are safe.
Amounts are booked in cents (an integer column) so the comparison is exact everywhere.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, func, select

from noaber.errors import Conflict, NotFound, UserMessage
from noaber.people.models import utcnow
from noaber.people.services import field_error
from noaber.tenancy.context import require_tenant
from noaber.ui.notation import nl_money
from noaber_doorbraak.models import Budget, Spending, SpendingStatus
from noaber_doorbraak.schemas import BudgetOut, SpendingDecisionIn, SpendingIn
from noaber_doorbraak.services import decision_hours, open_case
from noaber_doorbraak.settings import DoorbraakSettings

CENT = Decimal("0.01")


def cents(amount: Decimal) -> int:
    return int((amount.quantize(CENT) * 100).to_integral_value())


def euros(amount_cents: int) -> Decimal:
    return (Decimal(amount_cents) / 100).quantize(CENT)


def spent_cents(session: Session, year: int) -> int:
    found = session.exec(select(Budget.spent_cents).where(Budget.year == year)).first()
    return int(found or 0)


def remaining(session: Session, settings: DoorbraakSettings, year: int) -> Decimal:
    return euros(cents(settings.budget_for(year)) - spent_cents(session, year))


def _ensure_row(session: Session, year: int) -> None:
    """Create the year's row if it is missing; a concurrent creator is not an error."""
    dialect = session.get_bind().dialect.name
    values = {"tenant_id": require_tenant(), "year": year, "spent_cents": 0}
    table: Any = Budget.__table__  # type: ignore[attr-defined]
    if dialect == "postgresql":
        stmt: Any = pg_insert(table).values(**values).on_conflict_do_nothing()
    else:
        stmt = sqlite_insert(table).values(**values).on_conflict_do_nothing()
    session.execute(stmt)


def _book(session: Session, settings: DoorbraakSettings, year: int, amount: Decimal) -> bool:
    _ensure_row(session, year)
    amount_cents = cents(amount)
    total_cents = cents(settings.budget_for(year))
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Budget)
            .where(
                col(Budget.year) == year,
                col(Budget.spent_cents) + amount_cents <= total_cents,
            )
            .values(spent_cents=col(Budget.spent_cents) + amount_cents)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def request_spending(
    session: Session,
    settings: DoorbraakSettings,
    case_id: int,
    data: SpendingIn,
    *,
    now: datetime | None = None,
) -> Spending:
    open_case(session, case_id)
    at = now or utcnow()
    left = remaining(session, settings, at.year)
    if data.amount > left:
        raise field_error(
            "amount",
            f"€{data.amount} is more than the remaining maatwerk budget of {at.year} (€{left})",
            user_message=UserMessage(
                "The amount (%(amount)s) is more than what remains of the maatwerk budget of "
                "%(year)s (%(left)s).",
                amount=nl_money(data.amount),
                year=str(at.year),
                left=nl_money(left),
            ),
        )
    spending = Spending(
        tenant_id=require_tenant(),
        case_id=case_id,
        amount=data.amount,
        purpose=data.purpose,
        requested_by=data.requested_by,
        requested_at=at,
        budget_year=at.year,
        status=SpendingStatus.aangevraagd,
    )
    session.add(spending)
    session.flush()
    return spending


def get_spending(session: Session, spending_id: int) -> Spending:
    found = session.exec(select(Spending).where(Spending.id == spending_id)).first()
    if found is None:
        raise NotFound(f"spending request {spending_id} not found")
    return found


def decide_spending(
    session: Session,
    settings: DoorbraakSettings,
    spending_id: int,
    data: SpendingDecisionIn,
    *,
    now: datetime | None = None,
) -> Spending:
    """Grant (booking it against the budget) or refuse a spending request, once."""
    spending = get_spending(session, spending_id)
    open_case(session, spending.case_id)  # a closed or cancelled case takes no changes
    if spending.status is not SpendingStatus.aangevraagd:
        raise Conflict(
            f"spending request {spending_id} was already {spending.status.value}",
            user_message=UserMessage(
                "This maatwerk request was already decided: %(status)s.",
                status=spending.status.value,
            ),
            current=spending.status.value,
        )
    status = SpendingStatus.toegekend if data.approve else SpendingStatus.afgewezen
    # Conditional on the status as well: the same request decided twice at once books once.
    marked = cast(
        CursorResult[Any],
        session.execute(
            update(Spending)
            .where(
                col(Spending.id) == spending_id, col(Spending.status) == SpendingStatus.aangevraagd
            )
            .values(
                status=status,
                decided_by=data.decided_by,
                decided_at=now or utcnow(),
                decision_note=data.note,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if marked.rowcount != 1:
        raise Conflict(
            f"spending request {spending_id} was decided by someone else just now",
            user_message=UserMessage("Someone else decided this maatwerk request just now."),
        )
    if data.approve and not _book(session, settings, spending.budget_year, spending.amount):
        left = remaining(session, settings, spending.budget_year)
        raise Conflict(
            f"granting €{spending.amount} would overdraw the maatwerk budget of "
            f"{spending.budget_year}: €{left} remains",
            user_message=UserMessage(
                "Granting %(amount)s would overdraw the maatwerk budget of %(year)s: "
                "%(left)s remains.",
                amount=nl_money(spending.amount),
                year=str(spending.budget_year),
                left=nl_money(left),
            ),
            remaining=str(left),
            amount=str(spending.amount),
        )
    session.flush()
    session.refresh(spending)
    return spending


def budget_out(session: Session, settings: DoorbraakSettings, year: int) -> BudgetOut:
    total = settings.budget_for(year).quantize(CENT)
    spent = euros(spent_cents(session, year))
    pending = session.exec(
        select(func.sum(Spending.amount)).where(
            Spending.budget_year == year, Spending.status == SpendingStatus.aangevraagd
        )
    ).first()
    decided = session.exec(
        select(Spending).where(Spending.budget_year == year, col(Spending.decided_at).is_not(None))
    ).all()
    hours = [h for h in (decision_hours(s) for s in decided) if h is not None]
    within = sum(1 for h in hours if h <= settings.decision_target_hours)
    return BudgetOut(
        year=year,
        total=total,
        spent=spent,
        remaining=total - spent,
        pending=Decimal(pending or 0).quantize(CENT),
        decision_target_hours=settings.decision_target_hours,
        decisions=len(hours),
        within_target=within,
        within_target_share=round(within / len(hours), 3) if hours else None,
        median_decision_hours=round(statistics.median(hours), 2) if hours else None,
        longest_decision_hours=max(hours) if hours else None,
    )
