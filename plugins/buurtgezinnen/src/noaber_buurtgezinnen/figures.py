"""Figures per municipality and period, the waiting list and the coordinator's work list."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from noaber.people.models import Household, HouseholdMember, MemberRole
from noaber.platform import TenantRuntime
from noaber.requests.models import HelpRequest
from noaber_buurtgezinnen.matching import settings_of
from noaber_buurtgezinnen.models import Coupling, Family, FamilyKind, Phase
from noaber_buurtgezinnen.schemas import Figures, Waiting, WaitingList, WorkItem
from noaber_buurtgezinnen.workflow import RUNNING

CENTS = Decimal("0.01")
WAITING_STATUSES = ("aangemeld", "intake", "zoeken", "wachtlijst")


def _months(start: date, end: date) -> int | None:
    """Whole months from ``start`` to ``end`` when the period runs from a month's first to
    a month's last day, else None."""
    if start.day != 1 or end.day != calendar.monthrange(end.year, end.month)[1]:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def budget_for(yearly: Decimal | None, start: date, end: date) -> Decimal | None:
    if yearly is None:
        return None
    months = _months(start, end)
    if months is not None:
        share = Decimal(months) / Decimal(12)
    else:
        share = Decimal((end - start).days + 1) / Decimal(365)
    return (yearly * share).quantize(CENTS, ROUND_HALF_UP)


def _names(session: Session) -> dict[int, str]:
    return {
        int(fid): str(name)
        for fid, name in session.execute(
            select(Family.id, Household.name).join(
                Household, col(Household.id) == Family.household_id
            )
        ).all()
    }


def figures(session: Session, tenant: TenantRuntime, start: date, end: date) -> Figures:
    cfg = settings_of(tenant.municipality)
    couplings = session.exec(
        select(Coupling).where(
            col(Coupling.kennismaking_on) <= end,
            (col(Coupling.ended_on).is_(None)) | (col(Coupling.ended_on) >= start),
        )
    ).all()
    families = {f.id: f for f in session.exec(select(Family)).all()}
    new = [c for c in couplings if c.kennismaking_on >= start]
    active = [c for c in couplings if c.active_since is not None and c.active_since <= end]
    active_at_end = [c for c in active if c.ended_on is None or c.ended_on > end]
    ended = [c for c in couplings if c.ended_on is not None and start <= c.ended_on <= end]
    by_reason = Counter(c.end_reason.value for c in ended if c.end_reason is not None)
    signed_up = Counter(f.kind for f in families.values() if start <= f.signed_up_on <= end)
    households = {families[c.vraaggezin_id].household_id for c in couplings}
    children = 0
    if households:
        children = int(
            session.execute(
                select(func.count(func.distinct(HouseholdMember.person_id))).where(
                    col(HouseholdMember.household_id).in_(sorted(households)),
                    HouseholdMember.role == MemberRole.child,
                )
            ).scalar_one()
        )
    waits = [(c.kennismaking_on - families[c.vraaggezin_id].signed_up_on).days for c in new]
    budget = budget_for(cfg.yearly_budget, start, end)
    per_coupling = (
        (budget / len(couplings)).quantize(CENTS, ROUND_HALF_UP)
        if budget is not None and couplings
        else None
    )
    return Figures(
        period_from=start,
        period_to=end,
        new_couplings=len(new),
        running_couplings=len(couplings),
        active_couplings=len(active),
        active_at_end=len(active_at_end),
        ended_couplings=len(ended),
        ended_by_reason=dict(sorted(by_reason.items())),
        vraaggezinnen_signed_up=signed_up[FamilyKind.vraaggezin],
        steungezinnen_signed_up=signed_up[FamilyKind.steungezin],
        children_reached=children,
        average_waiting_days=round(sum(waits) / len(waits), 1) if waits else None,
        yearly_budget=cfg.yearly_budget,
        budget_for_period=budget,
        budget_per_coupling=per_coupling,
    )


def _average(items: list[Waiting]) -> float | None:
    return round(sum(w.waiting_days for w in items) / len(items), 1) if items else None


def waiting_list(session: Session, tenant: TenantRuntime, today: date) -> WaitingList:
    cfg = settings_of(tenant.municipality)
    names = _names(session)
    vraag = []
    for family, status in session.execute(
        select(Family, HelpRequest.status)
        .join(HelpRequest, col(HelpRequest.id) == Family.request_id)
        .where(col(HelpRequest.status).in_(WAITING_STATUSES))
    ).all():
        vraag.append(
            Waiting(
                family_id=family.id or 0,
                name=names[family.id or 0],
                since=family.signed_up_on,
                waiting_days=(today - family.signed_up_on).days,
                status=status,
            )
        )
    running = Counter(
        sid
        for (sid,) in session.execute(
            select(Coupling.steungezin_id).where(col(Coupling.phase).in_(sorted(RUNNING)))
        ).all()
    )
    last_end = dict(
        session.execute(
            select(Coupling.steungezin_id, func.max(Coupling.ended_on)).group_by(
                col(Coupling.steungezin_id)
            )
        ).all()
    )
    steun = []
    for family in session.exec(
        select(Family).where(Family.kind == FamilyKind.steungezin, col(Family.stopped_on).is_(None))
    ).all():
        fid = family.id or 0
        if running[fid] >= cfg.max_couplings_per_steungezin:
            continue
        since = max(d for d in (family.signed_up_on, last_end.get(fid)) if d is not None)
        steun.append(
            Waiting(
                family_id=fid,
                name=names[fid],
                since=since,
                waiting_days=(today - since).days,
                status="beschikbaar" if family.competence_checked_on else "intake",
            )
        )
    vraag.sort(key=lambda w: (-w.waiting_days, w.family_id))
    steun.sort(key=lambda w: (-w.waiting_days, w.family_id))
    return WaitingList(
        today=today,
        vraaggezinnen=vraag,
        steungezinnen=steun,
        average_waiting_days_vraaggezinnen=_average(vraag),
        average_waiting_days_steungezinnen=_average(steun),
    )


def work_list(session: Session, tenant: TenantRuntime, today: date) -> list[WorkItem]:
    """Reviews and trial-period ends that fall due within ``review_due_days``; overdue first."""
    cfg = settings_of(tenant.municipality)
    horizon = today + timedelta(days=cfg.review_due_days)
    names = _names(session)
    items = []
    for c in session.exec(
        select(Coupling).where(
            Coupling.phase == Phase.actief,
            col(Coupling.next_review_on).isnot(None),
            col(Coupling.next_review_on) <= horizon,
        )
    ).all():
        assert c.next_review_on is not None
        items.append(_item("review", c, c.next_review_on, today, names))
    for c in session.exec(
        select(Coupling).where(
            Coupling.phase == Phase.proefperiode,
            col(Coupling.trial_ends_on).isnot(None),
            col(Coupling.trial_ends_on) <= horizon,
        )
    ).all():
        assert c.trial_ends_on is not None
        items.append(_item("trial_end", c, c.trial_ends_on, today, names))
    items.sort(key=lambda i: (i.due_on, i.coupling_id))
    return items


def _item(kind: str, c: Coupling, due: date, today: date, names: dict[int, str]) -> WorkItem:
    return WorkItem.model_validate(
        {
            "kind": kind,
            "coupling_id": c.id or 0,
            "vraaggezin": names[c.vraaggezin_id],
            "steungezin": names[c.steungezin_id],
            "due_on": due,
            "overdue": due < today,
            "days_overdue": max((today - due).days, 0),
        }
    )
