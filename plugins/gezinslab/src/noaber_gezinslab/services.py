"""Every read and write of Gezinslab data goes through these functions, so that
purpose-bound access logging (not yet in core) can be added in one place.

A refused write raises before anything is added to the session: nothing stored changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Text, cast, false
from sqlmodel import Session, col, func, select

from noaber.errors import Conflict, InvalidInput, NotFound, UserMessage
from noaber.people.models import HelperProfile, Household, Organisation, Professional, utcnow
from noaber.requests.models import HelpRequest
from noaber.tenancy.context import require_tenant
from noaber.web.pagination import count_of
from noaber_gezinslab import costs
from noaber_gezinslab.models import (
    Action,
    AvoidedCost,
    Goal,
    Lesson,
    LessonKind,
    Measurement,
    MeasurementKind,
    TeamMember,
    Trajectory,
    TrajectoryStatus,
)
from noaber_gezinslab.schemas import (
    TAG_PATTERN,
    ActionDoneIn,
    ActionIn,
    ActionOut,
    AvoidedCostIn,
    AvoidedCostOut,
    CloseIn,
    DomainChange,
    GoalIn,
    GoalOut,
    GoalReachedIn,
    LessonIn,
    LessonOut,
    LessonOverview,
    MeasurementIn,
    MeasurementOut,
    TagCount,
    TeamMemberIn,
    TeamMemberOut,
    TrajectoryIn,
    TrajectoryOut,
    TrajectorySummary,
)
from noaber_gezinslab.settings import GezinslabSettings
from noaber_gezinslab.workflow import GEZINSLAB
from noaber_gezinslab.zrm import DOMAIN_LABELS, ZrmDomain, check_domain, check_score

REQUEST_TYPE = GEZINSLAB.name
FINISHED = tuple(s for s, onward in GEZINSLAB.workflow.transitions.items() if not onward)
"""The request statuses that lead nowhere (afgesloten, geannuleerd)."""


def field_error(field: str, message: str, user_message: UserMessage | None = None) -> InvalidInput:
    """A 422 naming the offending body field; ``user_message`` is what the web pages
    show next to the field (the API keeps the English ``message``)."""
    return InvalidInput(
        f"{field}: {message}",
        user_message=user_message,
        errors=[{"field": field, "source": "body", "message": message}],
    )


def _get(session: Session, model: type[Any], ident: int, what: str) -> Any:
    # A select, not session.get(): selects are tenant-filtered by the session guards.
    row = session.exec(select(model).where(model.id == ident)).first()
    if row is None:
        raise NotFound(f"{what} {ident} not found")
    return row


def _exists(session: Session, model: type[Any], ident: int | None) -> bool:
    if ident is None:
        return True
    return session.exec(select(model.id).where(model.id == ident)).first() is not None


# --- trajectories --------------------------------------------------------------------------


def get_trajectory(session: Session, trajectory_id: int) -> Trajectory:
    trajectory: Trajectory = _get(session, Trajectory, trajectory_id, "trajectory")
    return trajectory


def _open_trajectory(session: Session, trajectory_id: int) -> Trajectory:
    trajectory = get_trajectory(session, trajectory_id)
    if trajectory.status is TrajectoryStatus.afgesloten:
        raise Conflict(
            f"trajectory {trajectory_id} was closed on {trajectory.closed_on}; it takes no changes",
            user_message=UserMessage(
                "This trajectory was closed on %(date)s; it takes no more changes.",
                date=trajectory.closed_on,
            ),
            current=trajectory.status.value,
        )
    return trajectory


def start_trajectory(session: Session, data: TrajectoryIn) -> Trajectory:
    if not _exists(session, Household, data.household_id):
        raise field_error("household_id", f"no household {data.household_id}")
    if data.request_id is not None:
        request = session.exec(select(HelpRequest).where(HelpRequest.id == data.request_id)).first()
        if request is None:
            raise field_error("request_id", f"no request {data.request_id}")
        if request.type != REQUEST_TYPE:
            raise field_error(
                "request_id",
                f"request {data.request_id} is a {request.type!r}, not a Gezinslab request",
                UserMessage("This request is not a Gezinslab request."),
            )
        if request.household_id not in (None, data.household_id):
            raise field_error(
                "request_id",
                f"request {data.request_id} is for another household",
                UserMessage("This request is for another household."),
            )
    running = session.exec(
        select(Trajectory).where(
            Trajectory.household_id == data.household_id,
            Trajectory.status == TrajectoryStatus.actief,
        )
    ).first()
    if running is not None:
        raise Conflict(
            f"household {data.household_id} already has an active trajectory ({running.id})",
            user_message=UserMessage(
                "This household already has a running trajectory (started on %(date)s). "
                "Close it before starting a new one.",
                date=running.started_on,
            ),
            trajectory_id=running.id,
        )
    trajectory = Trajectory(
        tenant_id=require_tenant(),
        household_id=data.household_id,
        request_id=data.request_id,
        status=TrajectoryStatus.actief,
        started_on=data.started_on,
        domains=_domains(*data.domains, *(d for g in data.goals for d in g.domains)),
    )
    session.add(trajectory)
    session.flush()
    for goal in data.goals:
        session.add(_goal(trajectory, goal))
    session.flush()
    return trajectory


def _domains(*domains: str) -> list[str]:
    seen = {check_domain(d) for d in domains}
    return [d.value for d in ZrmDomain if d in seen]


def _goal(trajectory: Trajectory, data: GoalIn) -> Goal:
    assert trajectory.id is not None
    return Goal(
        tenant_id=require_tenant(),
        trajectory_id=trajectory.id,
        text=data.text,
        domains=_domains(*data.domains),
    )


def add_goal(session: Session, trajectory_id: int, data: GoalIn) -> Goal:
    trajectory = _open_trajectory(session, trajectory_id)
    goal = _goal(trajectory, data)
    trajectory.domains = _domains(*trajectory.domains, *goal.domains)
    trajectory.updated_at = utcnow()
    session.add_all([goal, trajectory])
    session.flush()
    return goal


def goal_reached(session: Session, trajectory_id: int, goal_id: int, data: GoalReachedIn) -> Goal:
    trajectory = _open_trajectory(session, trajectory_id)
    goal = session.exec(
        select(Goal).where(Goal.id == goal_id, Goal.trajectory_id == trajectory_id)
    ).first()
    if goal is None:
        raise NotFound(f"goal {goal_id} not found in trajectory {trajectory_id}")
    if data.reached_on < trajectory.started_on:
        raise field_error(
            "reached_on",
            f"{data.reached_on} lies before the start ({trajectory.started_on})",
            UserMessage(
                "The goal cannot be reached (%(date)s) before the trajectory started (%(start)s).",
                date=data.reached_on,
                start=trajectory.started_on,
            ),
        )
    goal.reached_on = data.reached_on
    session.add(goal)
    session.flush()
    return goal


def close_trajectory(session: Session, trajectory_id: int, data: CloseIn) -> Trajectory:
    trajectory = _open_trajectory(session, trajectory_id)
    if data.closed_on < trajectory.started_on:
        raise field_error(
            "closed_on",
            f"{data.closed_on} lies before the start ({trajectory.started_on})",
            UserMessage(
                "The trajectory cannot be closed (%(date)s) before it started (%(start)s).",
                date=data.closed_on,
                start=trajectory.started_on,
            ),
        )
    trajectory.status = TrajectoryStatus.afgesloten
    trajectory.closed_on = data.closed_on
    trajectory.closing_note = data.note
    trajectory.updated_at = utcnow()
    session.add(trajectory)
    session.flush()
    return trajectory


def requests_to_start(session: Session, limit: int = 500) -> list[HelpRequest]:
    """The Gezinslab requests a trajectory can follow: not cancelled or closed, and not
    followed by a trajectory yet; the oldest first."""
    followed = select(Trajectory.request_id).where(col(Trajectory.request_id).is_not(None))
    return list(
        session.exec(
            select(HelpRequest)
            .where(
                HelpRequest.type == REQUEST_TYPE,
                col(HelpRequest.status).not_in(FINISHED),
                col(HelpRequest.id).not_in(followed),
            )
            .order_by(col(HelpRequest.id))
            .limit(limit)
        ).all()
    )


def count_trajectories(session: Session, *, status: TrajectoryStatus | None = None) -> int:
    stmt = select(func.count()).select_from(Trajectory)
    if status is not None:
        stmt = stmt.where(Trajectory.status == status)
    return int(session.exec(stmt).one())


def list_trajectories(
    session: Session,
    *,
    status: TrajectoryStatus | None = None,
    newest_first: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[TrajectorySummary]:
    """The trajectories in the order they were started in the system (the newest first
    if asked); ``offset`` and ``limit`` give one page of them."""
    stmt = select(Trajectory, Household).join(
        Household, col(Household.id) == Trajectory.household_id
    )
    if status is not None:
        stmt = stmt.where(Trajectory.status == status)
    order = col(Trajectory.id).desc() if newest_first else col(Trajectory.id)
    stmt = stmt.order_by(order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.exec(stmt).all()
    ids = [t.id for t, _ in rows]
    team = dict(
        session.exec(
            select(TeamMember.trajectory_id, func.count())
            .where(col(TeamMember.trajectory_id).in_(ids))
            .group_by(col(TeamMember.trajectory_id))
        ).all()
    )
    open_actions = dict(
        session.exec(
            select(Action.trajectory_id, func.count())
            .where(col(Action.trajectory_id).in_(ids), col(Action.done_on).is_(None))
            .group_by(col(Action.trajectory_id))
        ).all()
    )
    return [
        TrajectorySummary(
            id=t.id or 0,
            household_id=t.household_id,
            household_name=h.name,
            status=t.status,
            started_on=t.started_on,
            closed_on=t.closed_on,
            team_size=team.get(t.id or 0, 0),
            open_actions=open_actions.get(t.id or 0, 0),
        )
        for t, h in rows
    ]


def trajectory_out(session: Session, trajectory: Trajectory) -> TrajectoryOut:
    tid = trajectory.id
    household = _get(session, Household, trajectory.household_id, "household")
    goals = session.exec(select(Goal).where(Goal.trajectory_id == tid).order_by(col(Goal.id)))
    team = list(
        session.exec(
            select(TeamMember).where(TeamMember.trajectory_id == tid).order_by(col(TeamMember.id))
        )
    )
    names = {m.id: m.name for m in team}
    actions = session.exec(
        select(Action)
        .where(Action.trajectory_id == tid)
        .order_by(col(Action.due_on), col(Action.id))
    )
    measurements = measurements_of(session, trajectory)
    entries = session.exec(
        select(AvoidedCost)
        .where(AvoidedCost.trajectory_id == tid)
        .order_by(col(AvoidedCost.avoided_on), col(AvoidedCost.id))
    ).all()
    return TrajectoryOut(
        id=tid or 0,
        household_id=trajectory.household_id,
        household_name=household.name,
        request_id=trajectory.request_id,
        status=trajectory.status,
        started_on=trajectory.started_on,
        closed_on=trajectory.closed_on,
        closing_note=trajectory.closing_note,
        domains=trajectory.domains,
        goals=[GoalOut.model_validate(g, from_attributes=True) for g in goals],
        team=[TeamMemberOut.model_validate(m, from_attributes=True) for m in team],
        actions=[
            ActionOut(
                id=a.id or 0,
                description=a.description,
                owner_id=a.owner_id,
                owner_name=names.get(a.owner_id, ""),
                due_on=a.due_on,
                done_on=a.done_on,
            )
            for a in actions
        ],
        measurements=[MeasurementOut.model_validate(m, from_attributes=True) for m in measurements],
        progress=progress(measurements),
        avoided_costs=[avoided_cost_out(e) for e in entries],
        avoided_total=costs.total(e.amount for e in entries),
    )


# --- ZRM measurements ----------------------------------------------------------------------


def measurements_of(session: Session, trajectory: Trajectory) -> Sequence[Measurement]:
    return session.exec(
        select(Measurement)
        .where(Measurement.trajectory_id == trajectory.id)
        .order_by(col(Measurement.measured_on), col(Measurement.id))
    ).all()


def add_measurement(session: Session, trajectory_id: int, data: MeasurementIn) -> Measurement:
    trajectory = _open_trajectory(session, trajectory_id)
    scores: dict[str, int] = {}
    for domain, score in data.scores.items():
        try:
            scores[check_domain(domain).value] = check_score(domain, score)
        except ValueError as exc:
            raise field_error(f"scores.{domain}", str(exc)) from None
    existing = measurements_of(session, trajectory)
    baseline = next((m for m in existing if m.kind is MeasurementKind.baseline), None)
    if data.measured_on < trajectory.started_on:
        raise field_error(
            "measured_on",
            f"{data.measured_on} lies before the trajectory started ({trajectory.started_on})",
            UserMessage(
                "The measurement (%(date)s) lies before the trajectory started (%(start)s).",
                date=data.measured_on,
                start=trajectory.started_on,
            ),
        )
    if data.kind is MeasurementKind.baseline:
        if baseline is not None:
            raise Conflict(
                f"trajectory {trajectory_id} already has a baseline (measured on "
                f"{baseline.measured_on}); record a follow-up instead",
                user_message=UserMessage(
                    "This trajectory already has a baseline measurement (of %(date)s). "
                    "Record a follow-up measurement instead.",
                    date=baseline.measured_on,
                ),
                baseline_id=baseline.id,
            )
    else:
        if baseline is None:
            raise Conflict(
                f"trajectory {trajectory_id} has no baseline yet; record the baseline first",
                user_message=UserMessage(
                    "This trajectory has no baseline measurement yet. Record the baseline first."
                ),
            )
        if data.measured_on < baseline.measured_on:
            raise field_error(
                "measured_on",
                f"a follow-up ({data.measured_on}) cannot be dated before the baseline "
                f"({baseline.measured_on})",
                UserMessage(
                    "A follow-up measurement (%(date)s) cannot lie before the baseline "
                    "(%(baseline)s).",
                    date=data.measured_on,
                    baseline=baseline.measured_on,
                ),
            )
    measurement = Measurement(
        tenant_id=require_tenant(),
        trajectory_id=trajectory_id,
        kind=data.kind,
        measured_on=data.measured_on,
        scores=scores,
        note=data.note,
        measured_by=data.measured_by,
    )
    session.add(measurement)
    session.flush()
    return measurement


def progress(measurements: Sequence[Measurement]) -> list[DomainChange]:
    """Change per domain from the baseline to the latest follow-up (positive = better)."""
    pair = baseline_and_latest(measurements)
    if pair is None:
        return []
    baseline, latest = pair
    return [
        DomainChange(
            domain=d.value,
            label=DOMAIN_LABELS[d],
            baseline=baseline.scores[d.value],
            latest=latest.scores[d.value],
            change=latest.scores[d.value] - baseline.scores[d.value],
        )
        for d in ZrmDomain
        if d.value in baseline.scores and d.value in latest.scores
    ]


def baseline_and_latest(
    measurements: Sequence[Measurement],
) -> tuple[Measurement, Measurement] | None:
    """Measurements must be ordered by date then id."""
    baseline = next((m for m in measurements if m.kind is MeasurementKind.baseline), None)
    follow_ups = [m for m in measurements if m.kind is MeasurementKind.follow_up]
    if baseline is None or not follow_ups:
        return None
    return baseline, follow_ups[-1]


# --- the team around the family ------------------------------------------------------------


def add_team_member(session: Session, trajectory_id: int, data: TeamMemberIn) -> TeamMember:
    _open_trajectory(session, trajectory_id)
    for field, model in (
        ("helper_id", HelperProfile),
        ("professional_id", Professional),
        ("organisation_id", Organisation),
    ):
        ident = getattr(data, field)
        if not _exists(session, model, ident):
            raise field_error(field, f"no {field.removesuffix('_id')} {ident}")
    member = TeamMember(trajectory_id=trajectory_id, **data.model_dump())
    session.add(member)
    session.flush()
    return member


def team_of(session: Session, trajectory_id: int) -> Sequence[TeamMember]:
    get_trajectory(session, trajectory_id)
    return session.exec(
        select(TeamMember)
        .where(TeamMember.trajectory_id == trajectory_id)
        .order_by(col(TeamMember.id))
    ).all()


def add_action(session: Session, trajectory_id: int, data: ActionIn) -> ActionOut:
    _open_trajectory(session, trajectory_id)
    owner = session.exec(
        select(TeamMember).where(
            TeamMember.id == data.owner_id, TeamMember.trajectory_id == trajectory_id
        )
    ).first()
    if owner is None:
        raise field_error(
            "owner_id",
            f"team member {data.owner_id} is not in the team of trajectory {trajectory_id}; "
            "add them to the team first",
            UserMessage("Choose someone from the team around the family."),
        )
    action = Action(trajectory_id=trajectory_id, **data.model_dump())
    session.add(action)
    session.flush()
    return _action_out(action, owner)


def complete_action(
    session: Session, trajectory_id: int, action_id: int, data: ActionDoneIn
) -> ActionOut:
    _open_trajectory(session, trajectory_id)
    action = session.exec(
        select(Action).where(Action.id == action_id, Action.trajectory_id == trajectory_id)
    ).first()
    if action is None:
        raise NotFound(f"action {action_id} not found in trajectory {trajectory_id}")
    action.done_on = data.done_on
    session.add(action)
    session.flush()
    owner: TeamMember = _get(session, TeamMember, action.owner_id, "team member")
    return _action_out(action, owner)


def _action_out(action: Action, owner: TeamMember) -> ActionOut:
    return ActionOut(
        id=action.id or 0,
        description=action.description,
        owner_id=action.owner_id,
        owner_name=owner.name,
        due_on=action.due_on,
        done_on=action.done_on,
    )


# --- avoided-cost ledger -------------------------------------------------------------------


def add_avoided_cost(
    session: Session, settings: GezinslabSettings | None, trajectory_id: int, data: AvoidedCostIn
) -> AvoidedCost:
    """Costs may be recorded after closing: a prevented placement often shows later."""
    trajectory = get_trajectory(session, trajectory_id)
    if data.avoided_on < trajectory.started_on:
        raise field_error(
            "avoided_on",
            f"{data.avoided_on} lies before the trajectory started ({trajectory.started_on})",
            UserMessage(
                "The avoided cost (%(date)s) cannot lie before the trajectory started (%(start)s).",
                date=data.avoided_on,
                start=trajectory.started_on,
            ),
        )
    configured = settings.unit_costs if settings is not None else {}
    unit_cost = configured.get(data.cost_kind)
    if unit_cost is None:
        known = ", ".join(sorted(configured)) or "none"
        raise field_error(
            "cost_kind",
            f"no unit cost for {data.cost_kind!r} in this municipality's configuration "
            f"([plugins.gezinslab.unit_costs]; configured: {known})",
            UserMessage("This municipality has no amount for this kind of cost."),
        )
    entry = AvoidedCost(
        tenant_id=require_tenant(),
        trajectory_id=trajectory_id,
        cost_kind=data.cost_kind,
        description=data.description,
        avoided_on=data.avoided_on,
        quantity=data.quantity,
        periods=data.periods,
        unit_amount=unit_cost.amount,
        unit=unit_cost.unit,
        source=unit_cost.source,
        amount=costs.estimate(unit_cost.amount, data.quantity, data.periods),
        recorded_by=data.recorded_by,
    )
    session.add(entry)
    session.flush()
    return entry


def avoided_cost_out(entry: AvoidedCost) -> AvoidedCostOut:
    return AvoidedCostOut(
        id=entry.id or 0,
        trajectory_id=entry.trajectory_id,
        cost_kind=entry.cost_kind,
        description=entry.description,
        avoided_on=entry.avoided_on,
        quantity=entry.quantity,
        periods=entry.periods,
        unit_amount=entry.unit_amount,
        unit=entry.unit,
        source=entry.source,
        amount=entry.amount,
        assumption=costs.assumption(
            entry.unit_amount, entry.unit, entry.source, entry.quantity, entry.periods
        ),
        recorded_by=entry.recorded_by,
    )


def avoided_costs(
    session: Session,
    *,
    trajectory_id: int | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
) -> Sequence[AvoidedCost]:
    stmt = select(AvoidedCost)
    if trajectory_id is not None:
        get_trajectory(session, trajectory_id)
        stmt = stmt.where(AvoidedCost.trajectory_id == trajectory_id)
    if period_from is not None:
        stmt = stmt.where(col(AvoidedCost.avoided_on) >= period_from)
    if period_to is not None:
        stmt = stmt.where(col(AvoidedCost.avoided_on) <= period_to)
    return session.exec(stmt.order_by(col(AvoidedCost.avoided_on), col(AvoidedCost.id))).all()


# --- learning network ----------------------------------------------------------------------


def add_lesson(session: Session, data: LessonIn) -> Lesson:
    if not _exists(session, Trajectory, data.trajectory_id):
        raise field_error("trajectory_id", f"no trajectory {data.trajectory_id}")
    lesson = Lesson(**data.model_dump() | {"tags": sorted(set(data.tags))})
    session.add(lesson)
    session.flush()
    return lesson


def lesson_out(lesson: Lesson) -> LessonOut:
    return LessonOut.model_validate(lesson, from_attributes=True)


NEWEST_LESSONS_FIRST = (col(Lesson.noticed_on).desc(), col(Lesson.id).desc())
"""The order of the lessons: the latest noticed first, then the latest shared."""


def _lessons(
    *,
    kind: LessonKind | None,
    tag: str | None,
    period_from: date | None,
    period_to: date | None,
) -> Any:
    """A select of the lessons of ``kind``, with ``tag`` (as typed: any case, spaces
    around it; empty: any tag), noticed in the period."""
    stmt = select(Lesson)
    if kind is not None:
        stmt = stmt.where(Lesson.kind == kind)
    if tag:
        wanted = tag.strip().lower()
        if re.fullmatch(TAG_PATTERN, wanted) is None:
            # No stored tag can be it (every tag matched the pattern when it was stored).
            return stmt.where(false())
        # The tags are a JSON list of strings the pattern allows (nothing JSON escapes),
        # so the stored text holds the tag in quotes exactly when the list holds it: one
        # condition for SQLite and PostgreSQL alike.
        stmt = stmt.where(cast(Lesson.tags, Text).contains(f'"{wanted}"', autoescape=True))
    if period_from is not None:
        stmt = stmt.where(col(Lesson.noticed_on) >= period_from)
    if period_to is not None:
        stmt = stmt.where(col(Lesson.noticed_on) <= period_to)
    return stmt


def count_lessons(
    session: Session,
    *,
    kind: LessonKind | None = None,
    tag: str | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
) -> int:
    """How many lessons :func:`list_lessons` lists with these filters."""
    filters = _lessons(kind=kind, tag=tag, period_from=period_from, period_to=period_to)
    return count_of(session, filters)


def list_lessons(
    session: Session,
    *,
    kind: LessonKind | None = None,
    tag: str | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[Lesson]:
    """The lessons of ``kind``, with ``tag``, noticed in the period,
    :data:`NEWEST_LESSONS_FIRST`; ``offset`` and ``limit`` take one page of them."""
    stmt = _lessons(kind=kind, tag=tag, period_from=period_from, period_to=period_to)
    stmt = stmt.order_by(*NEWEST_LESSONS_FIRST).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt).all())


def lessons_before(session: Session, lesson: Lesson) -> int:
    """How many lessons the list shows before ``lesson`` (to find its page)."""
    stmt = (
        select(func.count())
        .select_from(Lesson)
        .where(
            (col(Lesson.noticed_on) > lesson.noticed_on)
            | ((col(Lesson.noticed_on) == lesson.noticed_on) & (col(Lesson.id) > lesson.id))
        )
    )
    return int(session.exec(stmt).one())


def families_of(session: Session, trajectory_ids: Sequence[int | None]) -> dict[int, Household]:
    """The household of each of these trajectories, in one query."""
    ids = {t for t in trajectory_ids if t is not None}
    if not ids:
        return {}
    rows = session.exec(
        select(Trajectory.id, Household)
        .join(Household, col(Household.id) == Trajectory.household_id)
        .where(col(Trajectory.id).in_(ids))
    ).all()
    return {tid: household for tid, household in rows if tid is not None}


def lesson_overview(session: Session, period_from: date, period_to: date) -> LessonOverview:
    if period_to < period_from:
        raise InvalidInput(f"'to' ({period_to}) lies before 'from' ({period_from})")
    rows = list_lessons(session, period_from=period_from, period_to=period_to)
    counts: dict[str, list[int]] = {}
    for row in rows:
        for t in row.tags:
            pair = counts.setdefault(t, [0, 0])
            pair[1 if row.kind is LessonKind.knelpunt else 0] += 1
    by_tag = sorted(
        (TagCount(tag=t, lessons=n[0], blockages=n[1]) for t, n in counts.items()),
        key=lambda c: (-(c.lessons + c.blockages), c.tag),
    )
    blockages = [lesson_out(r) for r in rows if r.kind is LessonKind.knelpunt]
    lessons = [lesson_out(r) for r in rows if r.kind is LessonKind.les]
    return LessonOverview(
        period_from=period_from,
        period_to=period_to,
        lessons=len(lessons),
        blockages=len(blockages),
        by_tag=by_tag,
        blockage_items=blockages,
        lesson_items=lessons,
    )
