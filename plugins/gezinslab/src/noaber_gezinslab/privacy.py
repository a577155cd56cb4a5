"""Privacy of Gezinslab: the data subjects a request shows (for the access log), and
data-subject export and erasure: the trajectories of every household the person
belongs to, with their goals, measurements, team, actions, avoided costs and linked
lessons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, SQLModel, col, or_, select

from noaber.people.models import HouseholdMember
from noaber.people.services import note_subjects_of
from noaber.privacy import access_log
from noaber.privacy.subject import ERASED
from noaber_gezinslab.models import (
    Action,
    AvoidedCost,
    Goal,
    Lesson,
    Measurement,
    TeamMember,
    Trajectory,
)

CHILDREN: tuple[type[SQLModel], ...] = (Goal, Measurement, TeamMember, Action, AvoidedCost, Lesson)

TABLES = {
    "gezinslab_trajectory": "personal",
    "gezinslab_goal": "personal",
    "gezinslab_measurement": "personal",
    "gezinslab_team_member": "personal",
    "gezinslab_action": "personal",
    "gezinslab_avoided_cost": "personal",
    "gezinslab_lesson": "personal",
}


def note_trajectories(session: Session, trajectory_ids: Iterable[int | None]) -> None:
    """Name every member of these trajectories' households as a data subject of this
    request, so each of them finds it in "who saw my data" (goals, ZRM scores, debts and
    health are about the whole family)."""
    ids = {t for t in trajectory_ids if t is not None}
    if not ids or access_log.current_request() is None:
        return
    households = select(Trajectory.household_id).where(col(Trajectory.id).in_(ids))
    access_log.note_subjects(
        session.exec(
            select(HouseholdMember.person_id).where(
                col(HouseholdMember.household_id).in_(households)
            )
        ).all()
    )


def note_team(
    session: Session,
    *,
    member_ids: Iterable[int | None] = (),
    action_ids: Iterable[int | None] = (),
) -> None:
    """Name the volunteers (helpers) of these team members and of these actions' owners,
    with the persons behind them, as data subjects of this request, before a write that
    concerns them: what a volunteer does for the family is about them too. Professionals
    and organisations at work are not data subjects."""
    members = {m for m in member_ids if m is not None}
    actions = {a for a in action_ids if a is not None}
    if not (members or actions) or access_log.current_request() is None:
        return
    owners = select(Action.owner_id).where(col(Action.id).in_(actions))
    helpers = session.exec(
        select(TeamMember.helper_id).where(
            col(TeamMember.helper_id).is_not(None),
            or_(col(TeamMember.id).in_(members), col(TeamMember.id).in_(owners)),
        )
    ).all()
    note_subjects_of(session, helper_ids=helpers)


def _trajectories(session: Session, person_id: int) -> list[Trajectory]:
    households = select(HouseholdMember.household_id).where(HouseholdMember.person_id == person_id)
    return list(
        session.exec(select(Trajectory).where(col(Trajectory.household_id).in_(households))).all()
    )


def _children(session: Session, model: Any, trajectory_ids: list[int]) -> list[Any]:
    return list(
        session.exec(select(model).where(col(model.trajectory_id).in_(trajectory_ids))).all()
    )


def export(session: Session, person_id: int) -> Mapping[str, Any]:
    trajectories = _trajectories(session, person_id)
    ids = [t.id for t in trajectories if t.id is not None]
    data: dict[str, Any] = {
        "gezinslab_trajectory": [t.model_dump(mode="json") for t in trajectories]
    }
    for model in CHILDREN:
        data[model.__tablename__] = [  # type: ignore[index]
            row.model_dump(mode="json") for row in _children(session, model, ids)
        ]
    return data


def erase(session: Session, person_id: int) -> Mapping[str, int]:
    """Free text about the family is overwritten; figures (scores, costs) stay for the
    municipality's anonymous statistics; lessons lose their link to the family."""
    trajectories = _trajectories(session, person_id)
    ids = [t.id for t in trajectories if t.id is not None]
    for trajectory in trajectories:
        trajectory.closing_note = ERASED if trajectory.closing_note else None
    goals = _children(session, Goal, ids)
    for goal in goals:
        goal.text = ERASED
    measurements = _children(session, Measurement, ids)
    for measurement in measurements:
        measurement.note = None
    actions = _children(session, Action, ids)
    for action in actions:
        action.description = ERASED
    costs = _children(session, AvoidedCost, ids)
    for cost in costs:
        cost.description = ERASED
    lessons = _children(session, Lesson, ids)
    for lesson in lessons:
        lesson.trajectory_id = None
    return {
        "gezinslab_trajectory": len(trajectories),
        "gezinslab_goal": len(goals),
        "gezinslab_measurement": len(measurements),
        "gezinslab_action": len(actions),
        "gezinslab_avoided_cost": len(costs),
        "gezinslab_lesson": len(lessons),
    }
