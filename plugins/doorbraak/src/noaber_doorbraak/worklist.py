"""Doorbraak's lines on the coordinator's work list (the ``ui_work_items`` hook): each
escalation still waiting for its decision whose deadline has passed or falls within
:data:`HORIZON_DAYS`, under "Escalaties", linked to the blockage on the case's page."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from noaber.errors import UserMessage
from noaber.people.models import Household
from noaber.ui.contrib import WorkItem
from noaber_doorbraak.models import Blockage, BlockageStatus, Case, Escalation
from noaber_doorbraak.pages import case_url
from noaber_doorbraak.privacy import note_households

PROGRAMME = "doorbraak"
HORIZON_DAYS = 7
CLOSED = (BlockageStatus.opgelost, BlockageStatus.niet_opgelost)


def work_items(session: Session, today: date) -> list[WorkItem]:
    rows = session.exec(
        select(Escalation, Blockage, Case, Household.name)
        .join(Blockage, col(Blockage.id) == Escalation.blockage_id)
        .join(Case, col(Case.id) == Blockage.case_id)
        .join(Household, col(Household.id) == Case.household_id)
        .where(
            col(Escalation.decision).is_(None),
            col(Escalation.deadline) <= today + timedelta(days=HORIZON_DAYS),
            col(Blockage.status).not_in(CLOSED),
        )
        .order_by(col(Escalation.deadline), col(Escalation.id))
    ).all()
    note_households(session, [case.household_id for _e, _b, case, _n in rows])
    return [
        WorkItem(
            "escalation",
            f"{name} · {blockage.rule}",
            f"{case_url(case.id or 0)}#knelpunt-{blockage.id}",
            due=escalation.deadline,
            detail=UserMessage("escalated to %(level)s, decision due", level=escalation.level),
            programme=PROGRAMME,
        )
        for escalation, blockage, case, name in rows
    ]
