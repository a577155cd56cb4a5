"""Figures for the municipality: trajectories, self-sufficiency change, costs avoided,
and who was involved. Read-only; goes through the same tables as the services."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from noaber.clock import dutch_today
from noaber.errors import InvalidInput
from noaber_gezinslab import costs
from noaber_gezinslab.models import (
    AvoidedCost,
    Measurement,
    MemberKind,
    TeamMember,
    Trajectory,
    TrajectoryStatus,
)
from noaber_gezinslab.schemas import DomainFigure, Figures, LedgerOut, YearCosts
from noaber_gezinslab.services import avoided_cost_out, avoided_costs, baseline_and_latest
from noaber_gezinslab.zrm import DOMAIN_LABELS, ZrmDomain


def _mean(values: list[int]) -> Decimal:
    return costs.cents(Decimal(sum(values)) / len(values)) if values else Decimal("0.00")


def _in_period(day: date | None, start: date | None, end: date | None) -> bool:
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


def figures(
    session: Session, *, period_from: date | None = None, period_to: date | None = None
) -> Figures:
    """Started and closed count trajectories whose start or close lies in the period;
    active counts those running at its end (today without a period). Change in
    self-sufficiency, costs and people involved cover trajectories that ran in it."""
    if period_from and period_to and period_to < period_from:
        raise InvalidInput(f"'to' ({period_to}) lies before 'from' ({period_from})")
    trajectories = session.exec(select(Trajectory).order_by(col(Trajectory.id))).all()
    end = period_to or dutch_today()
    ran = [
        t
        for t in trajectories
        if t.started_on <= end
        and (period_from is None or t.closed_on is None or t.closed_on >= period_from)
    ]
    ids = {t.id for t in ran}
    started = sum(_in_period(t.started_on, period_from, period_to) for t in trajectories)
    closed = sum(
        t.status is TrajectoryStatus.afgesloten and _in_period(t.closed_on, period_from, period_to)
        for t in trajectories
    )
    active = sum(
        t.started_on <= end and (t.closed_on is None or t.closed_on > end) for t in trajectories
    )

    by_trajectory: dict[int, list[Measurement]] = defaultdict(list)
    for m in session.exec(
        select(Measurement).order_by(col(Measurement.measured_on), col(Measurement.id))
    ):
        if m.trajectory_id in ids:
            by_trajectory[m.trajectory_id].append(m)
    base: dict[str, list[int]] = defaultdict(list)
    latest: dict[str, list[int]] = defaultdict(list)
    for measurements in by_trajectory.values():
        pair = baseline_and_latest(measurements)
        if pair is None:
            continue
        for domain in ZrmDomain:
            if domain.value in pair[0].scores and domain.value in pair[1].scores:
                base[domain.value].append(pair[0].scores[domain.value])
                latest[domain.value].append(pair[1].scores[domain.value])
    domains = [
        DomainFigure(
            domain=d.value,
            label=DOMAIN_LABELS[d],
            families=len(base[d.value]),
            mean_baseline=_mean(base[d.value]),
            mean_latest=_mean(latest[d.value]),
            mean_change=costs.cents(_mean(latest[d.value]) - _mean(base[d.value])),
            improved=sum(b < a for b, a in zip(base[d.value], latest[d.value], strict=True)),
            worsened=sum(b > a for b, a in zip(base[d.value], latest[d.value], strict=True)),
        )
        for d in ZrmDomain
        if base[d.value]
    ]

    entries = [e for e in avoided_costs(session, period_from=period_from, period_to=period_to)]
    people: dict[MemberKind, set[str]] = defaultdict(set)
    for member in session.exec(select(TeamMember)):
        if member.trajectory_id in ids:
            # The same volunteer in two families counts once.
            key = (
                f"helper:{member.helper_id}"
                if member.helper_id
                else f"name:{member.name.casefold()}"
            )
            people[member.kind].add(key)
    return Figures(
        period_from=period_from,
        period_to=period_to,
        started=started,
        active=active,
        closed=closed,
        self_sufficiency=domains,
        costs_avoided=costs.total(e.amount for e in entries),
        volunteers=len(people[MemberKind.vrijwilliger]),
        experts_by_experience=len(people[MemberKind.ervaringsdeskundige]),
        businesses=len(people[MemberKind.buurtbedrijf]),
        professionals=len(people[MemberKind.professional]),
    )


def ledger(
    session: Session, *, period_from: date | None = None, period_to: date | None = None
) -> LedgerOut:
    """All avoided-cost entries, with totals per family (trajectory) and per year."""
    entries: list[AvoidedCost] = list(
        avoided_costs(session, period_from=period_from, period_to=period_to)
    )
    per_trajectory: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    years: dict[int, list[AvoidedCost]] = defaultdict(list)
    for e in entries:
        per_trajectory[e.trajectory_id] += e.amount
        years[e.avoided_on.year].append(e)
    per_year = []
    for year in sorted(years):
        total = costs.total(e.amount for e in years[year])
        families = len({e.trajectory_id for e in years[year]})
        per_year.append(
            YearCosts(
                year=year,
                total=total,
                families=families,
                per_family=costs.per_family(total, families),
            )
        )
    return LedgerOut(
        entries=[avoided_cost_out(e) for e in entries],
        total=costs.total(e.amount for e in entries),
        per_year=per_year,
        per_trajectory={k: costs.cents(v) for k, v in sorted(per_trajectory.items())},
    )
