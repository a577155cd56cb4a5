"""Buurtgezinnen's lines on the coordinator's work list (the ``ui_work_items`` hook):
the reviews and trial-period ends of :func:`~noaber_buurtgezinnen.figures.work_list`,
each linked to the programme's page of its coupling. They replace core's generic
six-monthly review of the same coupling, so the list shows the dates this programme
plans by."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from noaber.errors import UserMessage
from noaber.platform import TenantRuntime
from noaber.ui.contrib import WorkItem
from noaber_buurtgezinnen.figures import work_list
from noaber_buurtgezinnen.models import Coupling
from noaber_buurtgezinnen.privacy import note_couplings
from noaber_buurtgezinnen.reports import PROGRAMME

DETAILS = {
    "review": UserMessage("review of the coupling"),
    "trial_end": UserMessage("end of the trial period"),
}


def work_items(session: Session, tenant: TenantRuntime, today: date) -> list[WorkItem]:
    due = work_list(session, tenant, today)
    ids = [i.coupling_id for i in due]
    match_of = {
        coupling_id: match_id
        for coupling_id, match_id in session.exec(
            select(Coupling.id, Coupling.match_id).where(col(Coupling.id).in_(ids))
        ).all()
    }
    note_couplings(session, ids)  # the list names both families
    return [
        WorkItem(
            "review",
            f"{i.vraaggezin} · {i.steungezin}",
            f"/buurtgezinnen/koppelingen/{i.coupling_id}",
            due=i.due_on,
            detail=DETAILS[i.kind],
            programme=PROGRAMME,
            replaces=f"/koppelingen/{match_of[i.coupling_id]}",
        )
        for i in due
    ]
