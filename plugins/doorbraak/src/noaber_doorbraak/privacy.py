"""Privacy for the doorbraakaanpak: data-subject export and erasure (the cases of every
household the person belongs to, with their map, plan, blockages, escalations, spending
and GP referrals) and naming the persons a request showed or changed for the access log
(``note_*``: the members of the family's household, for a case and everything of it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, SQLModel, col, delete, select

from noaber.people.models import HouseholdMember
from noaber.privacy.access_log import note_subjects
from noaber.privacy.subject import ERASED
from noaber_doorbraak.models import (
    Agency,
    Blockage,
    Case,
    Escalation,
    Party,
    PlanAction,
    Referral,
    Spending,
)

TABLES = {
    "doorbraak_case": "personal",
    "doorbraak_agency": "personal",
    "doorbraak_action": "personal",
    "doorbraak_blockage": "personal",
    "doorbraak_escalation": "personal",
    "doorbraak_spending": "personal",
    "doorbraak_referral": "personal",
    # Cents booked per year, the referring organisations' token hashes and the
    # neighbourhood indicators of the factorenmodel: no persons.
    "doorbraak_budget": "none",
    "doorbraak_referrer_token": "none",
    "doorbraak_factor_value": "none",
}


def members_of(session: Session, household_ids: Iterable[int]) -> list[int]:
    ids = sorted(set(household_ids))
    if not ids:
        return []
    return list(
        session.exec(
            select(HouseholdMember.person_id).where(col(HouseholdMember.household_id).in_(ids))
        ).all()
    )


def note_households(session: Session, household_ids: Iterable[int]) -> None:
    """Name every member of these households as a data subject of this request."""
    note_subjects(members_of(session, household_ids))


def note_cases(session: Session, case_ids: Iterable[int]) -> None:
    """Name every member of these cases' households (blockages, escalations, maatwerk
    and costs are about the family)."""
    ids = sorted(set(case_ids))
    if ids:
        households = session.exec(select(Case.household_id).where(col(Case.id).in_(ids))).all()
        note_households(session, households)


def note_blockages(session: Session, blockage_ids: Iterable[int]) -> None:
    """Name every member of the households of these blockages' cases."""
    ids = sorted(set(blockage_ids))
    if ids:
        cases = session.exec(select(Blockage.case_id).where(col(Blockage.id).in_(ids))).all()
        note_cases(session, cases)


def note_escalations(session: Session, escalation_ids: Iterable[int]) -> None:
    """Name every member of the households of these escalations' cases (through their
    blockages)."""
    ids = sorted(set(escalation_ids))
    if ids:
        blockages = session.exec(
            select(Escalation.blockage_id).where(col(Escalation.id).in_(ids))
        ).all()
        note_blockages(session, blockages)


def note_spending(session: Session, spending_ids: Iterable[int]) -> None:
    """Name every member of the households of these maatwerk requests' cases."""
    ids = sorted(set(spending_ids))
    if ids:
        cases = session.exec(select(Spending.case_id).where(col(Spending.id).in_(ids))).all()
        note_cases(session, cases)


def _cases(session: Session, person_id: int) -> list[Case]:
    households = select(HouseholdMember.household_id).where(HouseholdMember.person_id == person_id)
    return list(
        session.exec(
            select(Case).where(col(Case.household_id).in_(households)).order_by(col(Case.id))
        ).all()
    )


def _rows(session: Session, model: Any, column: Any, ids: list[int]) -> list[Any]:
    if not ids:
        return []
    return list(session.exec(select(model).where(col(column).in_(ids)).order_by(model.id)).all())


def _dump(rows: Iterable[SQLModel]) -> list[dict[str, Any]]:
    return [row.model_dump(mode="json") for row in rows]


def export(session: Session, person_id: int) -> Mapping[str, Any]:
    cases = _cases(session, person_id)
    ids = [c.id for c in cases if c.id is not None]
    blockages = _rows(session, Blockage, Blockage.case_id, ids)
    blockage_ids = [b.id for b in blockages if b.id is not None]
    return {
        "doorbraak_case": _dump(cases),
        "doorbraak_agency": _dump(_rows(session, Agency, Agency.case_id, ids)),
        "doorbraak_action": _dump(_rows(session, PlanAction, PlanAction.case_id, ids)),
        "doorbraak_blockage": _dump(blockages),
        "doorbraak_escalation": _dump(
            _rows(session, Escalation, Escalation.blockage_id, blockage_ids)
        ),
        "doorbraak_spending": _dump(_rows(session, Spending, Spending.case_id, ids)),
        "doorbraak_referral": _dump(_rows(session, Referral, Referral.case_id, ids)),
    }


def erase(session: Session, person_id: int) -> Mapping[str, int]:
    """Free text about the family is overwritten; figures (costs, amounts, outcomes,
    dates) and the rules that blocked stay for the municipality's anonymous figures and
    the blockage overview. The GP's referral identifiers are deleted. Nothing is
    committed here: core commits the whole erasure or nothing."""
    cases = _cases(session, person_id)
    ids = [c.id for c in cases if c.id is not None]
    for case in cases:
        case.goal = ERASED if case.goal else None
        case.outcome_note = ERASED if case.outcome_note else None
        session.add(case)
    agencies = _rows(session, Agency, Agency.case_id, ids)
    for agency in agencies:
        agency.involvement = ERASED
        session.add(agency)
    actions = _rows(session, PlanAction, PlanAction.case_id, ids)
    for action in actions:
        action.description = ERASED
        if action.party != Party.professional:
            action.owner = ERASED  # a family member or someone of their network
        session.add(action)
    blockages = _rows(session, Blockage, Blockage.case_id, ids)
    for blockage in blockages:
        blockage.description = ERASED
        session.add(blockage)
    escalations = _rows(
        session, Escalation, Escalation.blockage_id, [b.id for b in blockages if b.id]
    )
    for escalation in escalations:
        escalation.question = ERASED
        escalation.decision = ERASED if escalation.decision else None
        session.add(escalation)
    spendings = _rows(session, Spending, Spending.case_id, ids)
    for spending in spendings:
        spending.purpose = ERASED
        spending.decision_note = ERASED if spending.decision_note else None
        session.add(spending)
    referrals = len(_rows(session, Referral, Referral.case_id, ids))
    if referrals:
        session.exec(delete(Referral).where(col(Referral.case_id).in_(ids)))
    session.flush()
    return {
        "doorbraak_case": len(cases),
        "doorbraak_agency": len(agencies),
        "doorbraak_action": len(actions),
        "doorbraak_blockage": len(blockages),
        "doorbraak_escalation": len(escalations),
        "doorbraak_spending": len(spendings),
        "doorbraak_referral": referrals,
    }
