"""Every read and write of breakthrough cases goes through these functions.

A refused write raises before anything is added to the session, or the web layer rolls
the transaction back: nothing stored changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pluggy
from sqlalchemy import case as when
from sqlmodel import Session, col, func, select

from noaber.clock import dutch_today
from noaber.errors import Conflict, InvalidInput, NotFound, UserMessage
from noaber.people.models import Household, Organisation, Professional, utcnow
from noaber.people.services import field_error
from noaber.requests import services as requests
from noaber.requests.models import AskedBy, HelpRequest
from noaber.requests.schemas import RequestIn, TransitionIn
from noaber.requests.types import request_types_of
from noaber.tenancy.context import require_tenant
from noaber.web.pagination import count_of
from noaber_doorbraak.models import (
    Agency,
    Blockage,
    BlockageStatus,
    Case,
    CaseSource,
    Escalation,
    Party,
    PlanAction,
    Spending,
    SpendingStatus,
)
from noaber_doorbraak.schemas import (
    ActionDoneIn,
    ActionIn,
    ActionOut,
    AgencyIn,
    AgencyOut,
    BlockageIn,
    BlockageOut,
    BlockageOverview,
    CaseCost,
    CaseIn,
    CaseOut,
    CaseSummary,
    CloseIn,
    CostComparison,
    DecisionIn,
    EscalationIn,
    EscalationOut,
    GoalIn,
    ListedBlockage,
    ListedSpending,
    RuleCount,
    SpendingOut,
)
from noaber_doorbraak.settings import DoorbraakSettings
from noaber_doorbraak.workflow import CANCELLED, CLOSED, REQUEST_TYPE

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _get(session: Session, model: type[Any], ident: int, what: str) -> Any:
    # A select, not session.get(): selects are tenant-filtered by the session guards.
    row = session.exec(select(model).where(model.id == ident)).first()
    if row is None:
        raise NotFound(f"{what} {ident} not found")
    return row


def _check_organisation(session: Session, organisation_id: int | None) -> None:
    if organisation_id is None:
        return
    found = session.exec(select(Organisation.id).where(Organisation.id == organisation_id)).first()
    if found is None:
        raise field_error("organisation_id", f"no organisation {organisation_id}")


def _before_opening(day: date, case: Case) -> UserMessage:
    return UserMessage(
        "The date (%(date)s) lies before the case was opened (%(opened)s).",
        date=day,
        opened=case.opened_on,
    )


# --- cases ---------------------------------------------------------------------------------


def get_case(session: Session, case_id: int) -> Case:
    case: Case = _get(session, Case, case_id, "case")
    return case


def open_case(session: Session, case_id: int) -> Case:
    case = get_case(session, case_id)
    if case.closed_on is not None:
        raise Conflict(
            f"case {case_id} was closed on {case.closed_on}; it takes no changes",
            user_message=UserMessage(
                "This case was closed on %(date)s; it takes no more changes.", date=case.closed_on
            ),
            outcome=case.outcome,
        )
    status = session.exec(
        select(HelpRequest.status).where(HelpRequest.id == case.request_id)
    ).first()
    if status == CANCELLED:
        raise Conflict(
            f"case {case_id} was cancelled; it takes no changes",
            user_message=UserMessage("This case was cancelled; it takes no more changes."),
            current=status,
        )
    return case


def running_cases(session: Session) -> Any:
    """A select of the ids of cases neither closed nor cancelled."""
    return (
        select(Case.id)
        .join(HelpRequest, col(HelpRequest.id) == Case.request_id)
        .where(col(Case.closed_on).is_(None), HelpRequest.status != CANCELLED)
    )


def create_case(
    session: Session,
    pm: pluggy.PluginManager,
    data: CaseIn,
    *,
    source: CaseSource = CaseSource.handmatig,
    asked_by: AskedBy | None = None,
) -> Case:
    """Open a case: a ``doorbraak`` request through core (workflow, timeline) and the case."""
    household = session.exec(select(Household).where(Household.id == data.household_id)).first()
    if household is None:
        raise field_error("household_id", f"no household {data.household_id}")
    running = session.exec(
        running_cases(session).where(Case.household_id == data.household_id)
    ).first()
    if running is not None:
        raise Conflict(
            f"household {data.household_id} already has an open breakthrough case ({running})",
            case_id=running,
        )
    if asked_by is None:
        asked_by = AskedBy.self if data.professional_id is None else AskedBy.professional
    request = requests.create_request(
        session,
        pm,
        RequestIn(
            type=REQUEST_TYPE,
            asked_by=asked_by,
            professional_id=data.professional_id,
            household_id=data.household_id,
            description=data.description,
            actor=data.specialist,
        ),
    )
    assert request.id is not None
    case = Case(
        tenant_id=require_tenant(),
        household_id=data.household_id,
        request_id=request.id,
        specialist=data.specialist,
        source=source,
        opened_on=data.opened_on,
        goal=data.goal,
        goal_recorded_on=data.opened_on if data.goal else None,
    )
    session.add(case)
    session.flush()
    return case


def set_goal(session: Session, case_id: int, data: GoalIn) -> Case:
    case = open_case(session, case_id)
    if data.recorded_on < case.opened_on:
        raise field_error(
            "recorded_on",
            f"{data.recorded_on} lies before the case opened ({case.opened_on})",
            user_message=_before_opening(data.recorded_on, case),
        )
    case.goal = data.text
    case.goal_recorded_on = data.recorded_on
    case.updated_at = utcnow()
    session.add(case)
    session.flush()
    return case


def close_case(session: Session, pm: pluggy.PluginManager, case_id: int, data: CloseIn) -> Case:
    """Record the outcome and move the request to ``afgesloten`` through core."""
    case = open_case(session, case_id)
    if data.closed_on < case.opened_on:
        raise field_error(
            "closed_on",
            f"{data.closed_on} lies before the case opened ({case.opened_on})",
            user_message=_before_opening(data.closed_on, case),
        )
    if not case.goal:
        raise Conflict(
            f"case {case_id} has no goal in the family's own words; the outcome is measured "
            "against it (PUT /api/doorbraak/cases/{id}/goal)",
            user_message=UserMessage(
                "The outcome is measured against the family's goal: record the goal first."
            ),
        )
    waiting = session.exec(
        select(func.count())
        .select_from(Spending)
        .where(Spending.case_id == case_id, Spending.status == SpendingStatus.aangevraagd)
    ).one()
    if waiting:
        # A closed case takes no decisions: its request would stay pending in the budget.
        raise Conflict(
            f"case {case_id} has {waiting} maatwerk request(s) awaiting a decision; decide "
            "them first (POST /api/doorbraak/spending/{id}/decision)",
            user_message=UserMessage(
                "Maatwerk is still awaiting a decision: grant or refuse it before closing."
            ),
        )
    case.outcome = data.outcome
    case.outcome_note = data.note
    case.closed_on = data.closed_on
    case.updated_at = utcnow()
    session.add(case)
    session.flush()
    requests.transition_request(
        session,
        pm,
        case.request_id,
        TransitionIn(to=CLOSED, reason=f"{data.outcome.value}: {data.note}", actor=data.actor),
    )
    session.flush()
    return case


def has_outcome(session: Session, request_id: int | None) -> bool:
    outcome = session.exec(select(Case.outcome).where(Case.request_id == request_id)).first()
    return outcome is not None


def _case_filter(stmt: Any, open_only: bool, closed_only: bool) -> Any:
    if open_only:
        stmt = stmt.where(col(Case.closed_on).is_(None))
    if closed_only:
        stmt = stmt.where(col(Case.closed_on).is_not(None))
    return stmt


def count_cases(session: Session, *, open_only: bool = False, closed_only: bool = False) -> int:
    stmt = _case_filter(select(func.count()).select_from(Case), open_only, closed_only)
    return int(session.exec(stmt).one())


def list_cases(
    session: Session,
    *,
    open_only: bool = False,
    closed_only: bool = False,
    newest_first: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[CaseSummary]:
    """Cases in the order they were opened (``newest_first``: the other way round);
    ``offset`` and ``limit`` take one page of them."""
    stmt = (
        select(Case, Household, HelpRequest)
        .join(Household, col(Household.id) == Case.household_id)
        .join(HelpRequest, col(HelpRequest.id) == Case.request_id)
    )
    stmt = _case_filter(stmt, open_only, closed_only)
    order = col(Case.id).desc() if newest_first else col(Case.id)
    stmt = stmt.order_by(order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.exec(stmt).all()
    ids = [c.id for c, _h, _r in rows]
    open_blockages = dict(
        session.exec(
            select(Blockage.case_id, func.count())
            .where(
                col(Blockage.status).in_([BlockageStatus.open, BlockageStatus.geescaleerd]),
                col(Blockage.case_id).in_(ids),
            )
            .group_by(col(Blockage.case_id))
        ).all()
    )
    return [
        CaseSummary(
            id=c.id or 0,
            household_id=c.household_id,
            household_name=h.name,
            request_id=c.request_id,
            status=r.status,
            specialist=c.specialist,
            source=c.source,
            opened_on=c.opened_on,
            closed_on=c.closed_on,
            outcome=c.outcome,
            open_blockages=open_blockages.get(c.id or 0, 0),
        )
        for c, h, r in rows
    ]


def case_out(
    session: Session, pm: pluggy.PluginManager, settings: DoorbraakSettings, case: Case
) -> CaseOut:
    cid = case.id or 0
    household: Household = _get(session, Household, case.household_id, "household")
    request = requests.get_request(session, case.request_id)
    rtype = request_types_of(pm).types.get(request.type)
    agencies = session.exec(select(Agency).where(Agency.case_id == cid).order_by(col(Agency.id)))
    actions = session.exec(
        select(PlanAction)
        .where(PlanAction.case_id == cid)
        .order_by(col(PlanAction.due_on), col(PlanAction.id))
    ).all()
    plan: dict[str, list[ActionOut]] = {p.value: [] for p in Party}
    for action in actions:
        plan[action.party.value].append(ActionOut.model_validate(action))
    blockages = session.exec(
        select(Blockage).where(Blockage.case_id == cid).order_by(col(Blockage.id))
    ).all()
    spending = session.exec(
        select(Spending).where(Spending.case_id == cid).order_by(col(Spending.id))
    ).all()
    return CaseOut(
        id=cid,
        household_id=case.household_id,
        household_name=household.name,
        request_id=case.request_id,
        status=request.status,
        allowed_transitions=list(rtype.workflow.allowed(request.status)) if rtype else [],
        specialist=case.specialist,
        source=case.source,
        opened_on=case.opened_on,
        goal=case.goal,
        goal_recorded_on=case.goal_recorded_on,
        outcome=case.outcome,
        outcome_note=case.outcome_note,
        closed_on=case.closed_on,
        agencies=[AgencyOut.model_validate(a, from_attributes=True) for a in agencies],
        actions=plan,
        blockages=blockages_out(session, settings, blockages),
        spending=[spending_out(s, settings) for s in spending],
        costs=cost_comparison(session, case_id=cid).cases[0],
    )


# --- the map of agencies and the plan ------------------------------------------------------


def add_agency(session: Session, case_id: int, data: AgencyIn) -> Agency:
    open_case(session, case_id)
    _check_organisation(session, data.organisation_id)
    agency = Agency(tenant_id=require_tenant(), case_id=case_id, **data.model_dump())
    session.add(agency)
    session.flush()
    return agency


def add_action(session: Session, case_id: int, data: ActionIn) -> PlanAction:
    case = open_case(session, case_id)
    if data.due_on < case.opened_on:
        raise field_error(
            "due_on",
            f"{data.due_on} lies before the case opened ({case.opened_on})",
            user_message=_before_opening(data.due_on, case),
        )
    action = PlanAction(tenant_id=require_tenant(), case_id=case_id, **data.model_dump())
    session.add(action)
    session.flush()
    return action


def complete_action(
    session: Session, case_id: int, action_id: int, data: ActionDoneIn
) -> PlanAction:
    case = open_case(session, case_id)
    action = session.exec(
        select(PlanAction).where(PlanAction.id == action_id, PlanAction.case_id == case_id)
    ).first()
    if action is None:
        raise NotFound(f"action {action_id} not found in case {case_id}")
    if data.done_on < case.opened_on:
        raise field_error(
            "done_on",
            f"{data.done_on} lies before the case opened",
            user_message=_before_opening(data.done_on, case),
        )
    action.done_on = data.done_on
    session.add(action)
    session.flush()
    return action


# --- blockages and escalations -------------------------------------------------------------


def rule_key(rule: str) -> str:
    return re.sub(r"\s+", " ", rule).strip().casefold()


def add_blockage(session: Session, case_id: int, data: BlockageIn) -> Blockage:
    case = open_case(session, case_id)
    _check_organisation(session, data.organisation_id)
    if data.noticed_on < case.opened_on:
        raise field_error(
            "noticed_on",
            f"{data.noticed_on} lies before the case opened",
            user_message=_before_opening(data.noticed_on, case),
        )
    blockage = Blockage(
        tenant_id=require_tenant(),
        case_id=case_id,
        rule_key=rule_key(data.rule),
        status=BlockageStatus.open,
        **data.model_dump(),
    )
    session.add(blockage)
    session.flush()
    return blockage


def get_blockage(session: Session, blockage_id: int) -> Blockage:
    blockage: Blockage = _get(session, Blockage, blockage_id, "blockage")
    return blockage


def _escalations(session: Session, blockage_ids: Sequence[int]) -> dict[int, list[Escalation]]:
    found: dict[int, list[Escalation]] = defaultdict(list)
    rows = session.exec(
        select(Escalation)
        .where(col(Escalation.blockage_id).in_(blockage_ids))
        .order_by(col(Escalation.level_index), col(Escalation.id))
    )
    for row in rows:
        found[row.blockage_id].append(row)
    return found


def is_overdue(escalation: Escalation, on: date | None = None) -> bool:
    return escalation.decision is None and escalation.deadline < (on or dutch_today())


def escalation_out(escalation: Escalation) -> EscalationOut:
    out = EscalationOut.model_validate(escalation)
    out.overdue = is_overdue(escalation)
    return out


def blockages_out(
    session: Session, settings: DoorbraakSettings, blockages: Sequence[Blockage]
) -> list[BlockageOut]:
    escalations = _escalations(session, [b.id for b in blockages if b.id is not None])
    result = []
    for b in blockages:
        mine = escalations.get(b.id or 0, [])
        reached = max((e.level_index for e in mine), default=-1)
        closed = b.status in (BlockageStatus.opgelost, BlockageStatus.niet_opgelost)
        result.append(
            BlockageOut(
                id=b.id or 0,
                case_id=b.case_id,
                rule=b.rule,
                owner_organisation=b.owner_organisation,
                organisation_id=b.organisation_id,
                legal_basis=b.legal_basis,
                description=b.description,
                status=b.status,
                noticed_on=b.noticed_on,
                resolved_on=b.resolved_on,
                escalations=[escalation_out(e) for e in mine],
                overdue=any(is_overdue(e) for e in mine),
                next_levels=[] if closed else settings.escalation_levels[reached + 1 :],
            )
        )
    return result


def escalate(
    session: Session, settings: DoorbraakSettings, blockage_id: int, data: EscalationIn
) -> Escalation:
    """Escalate to a level of the configured path, higher than any level asked before."""
    blockage = get_blockage(session, blockage_id)
    open_case(session, blockage.case_id)  # a closed or cancelled case takes no changes
    levels = settings.escalation_levels
    if data.level not in levels:
        raise field_error(
            "level",
            f"{data.level!r} is not a level of this municipality's escalation path "
            f"({' → '.join(levels)})",
            user_message=UserMessage(
                "%(level)s is not a level of the escalation path (%(levels)s).",
                level=data.level,
                levels=" → ".join(levels),
            ),
        )
    if blockage.status in (BlockageStatus.opgelost, BlockageStatus.niet_opgelost):
        raise Conflict(
            f"blockage {blockage_id} is {blockage.status.value}; it cannot be escalated",
            user_message=UserMessage(
                "This blockage is %(status)s; it cannot be escalated any more.",
                status=blockage.status.value.replace("_", " "),
            ),
            current=blockage.status.value,
        )
    index = levels.index(data.level)
    asked = session.exec(
        select(func.max(Escalation.level_index)).where(Escalation.blockage_id == blockage_id)
    ).first()
    if asked is not None and index <= asked:
        raise Conflict(
            f"blockage {blockage_id} was already escalated to {levels[asked]!r}; "
            f"escalate higher ({', '.join(levels[asked + 1 :]) or 'no level left'})",
            user_message=UserMessage(
                "This blockage was already escalated to %(level)s. Escalate it higher: %(levels)s.",
                level=levels[asked],
                levels=", ".join(levels[asked + 1 :]),
            )
            if asked + 1 < len(levels)
            else UserMessage(
                "This blockage was already escalated to %(level)s, the highest level of the "
                "escalation path.",
                level=levels[asked],
            ),
            allowed=levels[asked + 1 :],
        )
    if data.escalated_on < blockage.noticed_on:
        raise field_error(
            "escalated_on",
            f"{data.escalated_on} lies before the blockage was noticed",
            user_message=UserMessage(
                "The date (%(date)s) lies before the blockage was noticed (%(noticed)s).",
                date=data.escalated_on,
                noticed=blockage.noticed_on,
            ),
        )
    deadline = data.deadline or data.escalated_on + timedelta(
        days=settings.escalation_deadline_days
    )
    if deadline < data.escalated_on:
        raise field_error(
            "deadline",
            f"{deadline} lies before the escalation ({data.escalated_on})",
            user_message=UserMessage(
                "The deadline (%(date)s) lies before the escalation (%(escalated)s).",
                date=deadline,
                escalated=data.escalated_on,
            ),
        )
    escalation = Escalation(
        tenant_id=require_tenant(),
        blockage_id=blockage_id,
        level=data.level,
        level_index=index,
        question=data.question,
        escalated_by=data.escalated_by,
        escalated_on=data.escalated_on,
        deadline=deadline,
    )
    blockage.status = BlockageStatus.geescaleerd
    session.add_all([escalation, blockage])
    session.flush()
    return escalation


def decide_escalation(
    session: Session, settings: DoorbraakSettings, escalation_id: int, data: DecisionIn
) -> Escalation:
    escalation: Escalation = _get(session, Escalation, escalation_id, "escalation")
    blockage = get_blockage(session, escalation.blockage_id)
    open_case(session, blockage.case_id)  # a closed or cancelled case takes no changes
    if escalation.decision is not None:
        raise Conflict(
            f"escalation {escalation_id} was decided on {escalation.decided_on} by "
            f"{escalation.decided_by}",
            user_message=UserMessage(
                "This escalation was already decided on %(date)s by %(name)s.",
                date=escalation.decided_on,
                name=escalation.decided_by,
            ),
        )
    if data.decided_on < escalation.escalated_on:
        raise field_error(
            "decided_on",
            f"{data.decided_on} lies before the escalation",
            user_message=UserMessage(
                "The date (%(date)s) lies before the escalation (%(escalated)s).",
                date=data.decided_on,
                escalated=escalation.escalated_on,
            ),
        )
    escalation.decision = data.decision
    escalation.decided_by = data.decided_by
    escalation.decided_on = data.decided_on
    escalation.resolved = data.resolved
    if data.resolved:
        blockage.status = BlockageStatus.opgelost
        blockage.resolved_on = data.decided_on
    elif escalation.level_index == len(settings.escalation_levels) - 1:
        blockage.status = BlockageStatus.niet_opgelost
    session.add_all([escalation, blockage])
    session.flush()
    return escalation


def overdue_cases(session: Session, case_ids: Sequence[int]) -> set[int]:
    """Which of these cases have an escalation whose decision is overdue (:func:`is_overdue`)."""
    found = session.exec(
        select(Blockage.case_id)
        .join(Escalation, col(Escalation.blockage_id) == Blockage.id)
        .where(
            col(Blockage.case_id).in_(case_ids),
            col(Escalation.decision).is_(None),
            col(Escalation.deadline) < dutch_today(),
        )
        .distinct()
    ).all()
    return set(found)


OPEN_STATUSES = (BlockageStatus.open, BlockageStatus.geescaleerd)


def _overdue_blockage_ids() -> Any:
    """A select of the blockages with an escalation whose decision is overdue
    (:func:`is_overdue`)."""
    return select(Escalation.blockage_id).where(
        col(Escalation.decision).is_(None), col(Escalation.deadline) < dutch_today()
    )


def _blockages(session: Session, *, open_only: bool, overdue_only: bool) -> Any:
    """A select of the blockages: ``open_only``: the open and escalated ones of running
    cases; ``overdue_only``: those with an escalation whose decision is overdue."""
    stmt = select(Blockage)
    if open_only:
        stmt = stmt.where(
            col(Blockage.status).in_(OPEN_STATUSES),
            col(Blockage.case_id).in_(running_cases(session)),
        )
    if overdue_only:
        stmt = stmt.where(col(Blockage.id).in_(_overdue_blockage_ids()))
    return stmt


def count_blockages(
    session: Session, *, open_only: bool = False, overdue_only: bool = False
) -> int:
    """How many blockages :func:`list_blockages` (``open_only``: :func:`open_blockages`)
    lists with these filters."""
    return count_of(session, _blockages(session, open_only=open_only, overdue_only=overdue_only))


def list_blockages(
    session: Session,
    settings: DoorbraakSettings,
    *,
    overdue_only: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[BlockageOut]:
    """Every blockage, of open and closed cases alike, in the order they were recorded
    (``overdue_only``: those with an escalation whose decision is overdue); ``offset``
    and ``limit`` take one page. Read with a fixed number of queries."""
    stmt = _blockages(session, open_only=False, overdue_only=overdue_only)
    stmt = stmt.order_by(col(Blockage.id)).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return blockages_out(session, settings, session.exec(stmt).all())


def open_blockages(
    session: Session,
    settings: DoorbraakSettings,
    *,
    overdue_only: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[ListedBlockage]:
    """The open and escalated blockages of running cases (closed or cancelled cases take
    no changes, so theirs are left out), those with an overdue decision first, then the
    longest noticed; ``offset`` and ``limit`` take one page. Each with its family."""
    overdue_first = when((col(Blockage.id).in_(_overdue_blockage_ids()), 0), else_=1)
    stmt = (
        _blockages(session, open_only=True, overdue_only=overdue_only)
        .order_by(overdue_first, col(Blockage.noticed_on), col(Blockage.id))
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.exec(stmt).all()
    families = {
        case_id: (household_id, name)
        for case_id, household_id, name in session.exec(
            select(Case.id, Case.household_id, Household.name)
            .join(Household, col(Household.id) == Case.household_id)
            .where(col(Case.id).in_({b.case_id for b in rows}))
        ).all()
    }
    return [
        ListedBlockage(
            blockage=out,
            household_id=families[out.case_id][0],
            household_name=families[out.case_id][1],
        )
        for out in blockages_out(session, settings, rows)
    ]


def blockage_overview(
    session: Session, *, period_from: date | None = None, period_to: date | None = None
) -> BlockageOverview:
    """Which rules block most often: the input for changing policy."""
    if period_from and period_to and period_to < period_from:
        raise InvalidInput(f"'to' ({period_to}) lies before 'from' ({period_from})")
    stmt = select(Blockage)
    if period_from is not None:
        stmt = stmt.where(col(Blockage.noticed_on) >= period_from)
    if period_to is not None:
        stmt = stmt.where(col(Blockage.noticed_on) <= period_to)
    rows = session.exec(stmt.order_by(col(Blockage.id))).all()
    escalated = {
        e for e in session.exec(select(Escalation.blockage_id).distinct()).all() if e is not None
    }
    groups: dict[str, list[Blockage]] = defaultdict(list)
    for row in rows:
        groups[row.rule_key].append(row)
    rules = [
        RuleCount(
            rule=items[0].rule,
            owner_organisations=sorted({b.owner_organisation for b in items}),
            legal_bases=sorted({b.legal_basis for b in items if b.legal_basis}),
            blockages=len(items),
            cases=len({b.case_id for b in items}),
            escalated=sum(1 for b in items if b.id in escalated),
            resolved=sum(1 for b in items if b.status is BlockageStatus.opgelost),
            open=sum(
                1 for b in items if b.status in (BlockageStatus.open, BlockageStatus.geescaleerd)
            ),
        )
        for items in groups.values()
    ]
    rules.sort(key=lambda r: (-r.cases, -r.blockages, r.rule.casefold()))
    overdue = session.exec(
        select(Escalation)
        .where(col(Escalation.decision).is_(None), col(Escalation.deadline) < dutch_today())
        .order_by(col(Escalation.deadline))
    ).all()
    return BlockageOverview(
        period_from=period_from,
        period_to=period_to,
        blockages=len(rows),
        rules=rules,
        overdue_escalations=[escalation_out(e) for e in overdue],
    )


# --- spending output and cost comparison ---------------------------------------------------


def decision_hours(spending: Spending) -> float | None:
    if spending.decided_at is None:
        return None
    requested = spending.requested_at
    decided = spending.decided_at
    if requested.tzinfo is None or decided.tzinfo is None:  # SQLite hands back naive UTC
        requested, decided = requested.replace(tzinfo=None), decided.replace(tzinfo=None)
    return round((decided - requested).total_seconds() / 3600, 2)


def spending_out(spending: Spending, settings: DoorbraakSettings) -> SpendingOut:
    out = SpendingOut.model_validate(spending)
    out.decision_hours = decision_hours(spending)
    if out.decision_hours is not None:
        out.within_target = out.decision_hours <= settings.decision_target_hours
    return out


def cost_comparison(
    session: Session,
    *,
    case_id: int | None = None,
    newest_first: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> CostComparison:
    """Yearly cost of carrying on as before against the cost of the breakthrough, per
    case (in the order they were opened; ``newest_first``: the other way round) and
    summed over those cases; ``offset`` and ``limit`` take one page of them (the sums
    of every case: :func:`cost_totals`)."""
    stmt = select(Case, Household).join(Household, col(Household.id) == Case.household_id)
    if case_id is not None:
        stmt = stmt.where(Case.id == case_id)
    order = col(Case.id).desc() if newest_first else col(Case.id)
    stmt = stmt.order_by(order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    cases = session.exec(stmt).all()
    ids = [c.id for c, _ in cases]
    before: dict[int, Decimal] = defaultdict(lambda: ZERO)
    after: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for agency in session.exec(select(Agency).where(col(Agency.case_id).in_(ids))):
        before[agency.case_id] += agency.yearly_cost
        kept = agency.yearly_cost if agency.yearly_cost_after is None else agency.yearly_cost_after
        after[agency.case_id] += kept
    maatwerk = dict(
        session.exec(
            select(Spending.case_id, func.sum(Spending.amount))
            .where(col(Spending.case_id).in_(ids), Spending.status == SpendingStatus.toegekend)
            .group_by(col(Spending.case_id))
        ).all()
    )
    rows = []
    for case, household in cases:
        cid = case.id or 0
        spent = Decimal(maatwerk.get(cid) or ZERO).quantize(CENT)
        breakthrough = after[cid] + spent
        rows.append(
            CaseCost(
                case_id=cid,
                household_name=household.name,
                as_before=before[cid].quantize(CENT),
                breakthrough=breakthrough.quantize(CENT),
                maatwerk=spent,
                difference=(before[cid] - breakthrough).quantize(CENT),
            )
        )
    return CostComparison(
        cases=rows,
        as_before=sum((r.as_before for r in rows), ZERO),
        breakthrough=sum((r.breakthrough for r in rows), ZERO),
        maatwerk=sum((r.maatwerk for r in rows), ZERO),
        difference=sum((r.difference for r in rows), ZERO),
    )


def cost_totals(session: Session) -> CostComparison:
    """The sums of :func:`cost_comparison` over every case, counted by the database
    (no case and no family read); ``cases`` is empty."""
    as_before, kept = session.exec(
        select(
            func.sum(Agency.yearly_cost),
            func.sum(func.coalesce(Agency.yearly_cost_after, Agency.yearly_cost)),
        )
    ).one()
    granted = session.exec(
        select(func.sum(Spending.amount)).where(Spending.status == SpendingStatus.toegekend)
    ).one()
    before = Decimal(as_before or ZERO).quantize(CENT)
    maatwerk = Decimal(granted or ZERO).quantize(CENT)
    breakthrough = (Decimal(kept or ZERO) + maatwerk).quantize(CENT)
    return CostComparison(
        cases=[],
        as_before=before,
        breakthrough=breakthrough,
        maatwerk=maatwerk,
        difference=before - breakthrough,
    )


def _pending_spending(year: int) -> Any:
    return select(Spending).where(
        Spending.budget_year == year, Spending.status == SpendingStatus.aangevraagd
    )


def count_pending_spending(session: Session, year: int) -> int:
    """How many maatwerk requests of ``year``'s budget await a decision."""
    return count_of(session, _pending_spending(year))


def pending_spending(
    session: Session,
    settings: DoorbraakSettings,
    year: int,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[ListedSpending]:
    """The maatwerk requests of ``year``'s budget awaiting a decision, the longest
    waiting first, each with its family; ``offset`` and ``limit`` take one page."""
    stmt = (
        select(Spending, Case.household_id, Household.name)
        .join(Case, col(Case.id) == Spending.case_id)
        .join(Household, col(Household.id) == Case.household_id)
        .where(Spending.budget_year == year, Spending.status == SpendingStatus.aangevraagd)
        .order_by(col(Spending.requested_at), col(Spending.id))
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        ListedSpending(
            spending=spending_out(spending, settings),
            household_id=household_id,
            household_name=name,
        )
        for spending, household_id, name in session.exec(stmt).all()
    ]


def referring_professional(session: Session, organisation_id: int, name: str) -> Professional:
    """The professional of a referring organisation, added the first time they refer."""
    found = session.exec(
        select(Professional).where(
            Professional.organisation_id == organisation_id, Professional.name == name
        )
    ).first()
    if found is not None:
        return found
    professional = Professional(
        tenant_id=require_tenant(), organisation_id=organisation_id, name=name, role="verwijzer"
    )
    session.add(professional)
    session.flush()
    return professional
