"""Figures for the municipality as a whole (no neighbourhood breakdown, so no suppression)."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from noaber.clock import dutch_today
from noaber_doorbraak.budget import budget_out
from noaber_doorbraak.models import Blockage, BlockageStatus, Case, Outcome, Referral
from noaber_doorbraak.schemas import Figures
from noaber_doorbraak.services import blockage_overview, cost_comparison, running_cases
from noaber_doorbraak.settings import DoorbraakSettings


def figures(session: Session, settings: DoorbraakSettings) -> Figures:
    cases = session.exec(select(Case)).all()
    outcomes = {o.value: 0 for o in Outcome}
    for case in cases:
        if case.outcome is not None:
            outcomes[case.outcome.value] += 1
    open_blockages = session.exec(
        select(func.count(col(Blockage.id))).where(
            col(Blockage.status).in_([BlockageStatus.open, BlockageStatus.geescaleerd])
        )
    ).one()
    costs = cost_comparison(session)
    return Figures(
        cases=len(cases),
        open=len(session.exec(running_cases(session)).all()),
        closed=sum(1 for c in cases if c.closed_on is not None),
        outcomes=outcomes,
        referrals=session.exec(select(func.count(col(Referral.id)))).one(),
        blockages=session.exec(select(func.count(col(Blockage.id)))).one(),
        open_blockages=open_blockages,
        overdue_escalations=len(blockage_overview(session).overdue_escalations),
        budget=budget_out(session, settings, dutch_today().year),
        costs_as_before=costs.as_before,
        costs_breakthrough=costs.breakthrough,
        costs_difference=costs.difference,
    )
