"""REST endpoints under ``/api/gezinslab``. Handlers translate HTTP to service calls and
name the families whose data they show or change (:func:`.privacy.note_trajectories`),
so the access log has an entry for each member, and the volunteers (helpers) of a team
they show or change, with the persons behind them (professionals at work are not data
subjects); figures and the ZRM scale are aggregates and name nobody. A write names the
family before it is carried out, so a refused write (no such goal, a second baseline, a
closed trajectory) is logged with the family too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from noaber.people.services import note_subjects_of
from noaber.privacy.web import NAMES_NO_ONE
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber.web.pagination import DEFAULT_PAGE_SIZE, Page
from noaber.web.params import PageNumber, PageSize
from noaber_gezinslab import figures as figures_module
from noaber_gezinslab import services
from noaber_gezinslab.models import LessonKind, TrajectoryStatus
from noaber_gezinslab.privacy import note_team, note_trajectories
from noaber_gezinslab.schemas import (
    ActionDoneIn,
    ActionIn,
    ActionOut,
    AvoidedCostIn,
    AvoidedCostOut,
    CloseIn,
    Figures,
    GoalIn,
    GoalOut,
    GoalReachedIn,
    LedgerOut,
    LessonIn,
    LessonOut,
    LessonOverview,
    MeasurementIn,
    TeamMemberIn,
    TeamMemberOut,
    TrajectoryIn,
    TrajectoryOut,
    TrajectorySummary,
)
from noaber_gezinslab.settings import GezinslabSettings, settings_of
from noaber_gezinslab.zrm import DOMAIN_LABELS, SCORE_LABELS

From = Annotated[date | None, QueryParameter(name="from", description="First day of the period.")]
To = Annotated[date | None, QueryParameter(name="to", description="Last day of the period.")]
RequiredFrom = Annotated[date, QueryParameter(name="from", description="First day of the period.")]
RequiredTo = Annotated[date, QueryParameter(name="to", description="Last day of the period.")]


def _settings(tenant: CurrentTenant) -> GezinslabSettings | None:
    return settings_of(tenant.municipality.plugin_settings)


def _with_team(db_session: DbSession, out: TrajectoryOut) -> TrajectoryOut:
    """``out``, its team's volunteers named in the access log (from the team it holds)."""
    note_subjects_of(db_session, helper_ids=[m.helper_id for m in out.team])
    return out


class TrajectoryController(Controller):
    path = "/api/gezinslab/trajectories"
    tags = ["gezinslab"]

    @get(
        "/",
        sync_to_thread=True,
        summary="Family trajectories, in the order they were started in the system",
    )
    def list_trajectories(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        status: FromQuery[TrajectoryStatus | None] = None,
    ) -> Page[TrajectorySummary]:
        """One page of the trajectories (of ``status``), the first started first (by
        trajectory id); the access log names the members of the page's families."""
        total = services.count_trajectories(db_session, status=status)
        found = services.list_trajectories(
            db_session, status=status, offset=(page - 1) * page_size, limit=page_size
        )
        note_trajectories(db_session, [t.id for t in found])
        return Page[TrajectorySummary](items=found, total=total, page=page, page_size=page_size)

    @post("/", sync_to_thread=True, summary="Start a trajectory for a household")
    def start(self, db_session: DbSession, data: JSONBody[TrajectoryIn]) -> TrajectoryOut:
        note_subjects_of(db_session, household_ids=[data.household_id])
        trajectory = services.start_trajectory(db_session, data)
        return services.trajectory_out(db_session, trajectory)

    @get("/{trajectory_id:int}", sync_to_thread=True, summary="One trajectory, with progress")
    def get_one(self, db_session: DbSession, trajectory_id: FromPath[int]) -> TrajectoryOut:
        trajectory = services.get_trajectory(db_session, trajectory_id)
        note_trajectories(db_session, [trajectory_id])
        return _with_team(db_session, services.trajectory_out(db_session, trajectory))

    @post("/{trajectory_id:int}/goals", sync_to_thread=True, summary="Add a goal")
    def add_goal(
        self, db_session: DbSession, trajectory_id: FromPath[int], data: JSONBody[GoalIn]
    ) -> GoalOut:
        note_trajectories(db_session, [trajectory_id])
        goal = services.add_goal(db_session, trajectory_id, data)
        return GoalOut.model_validate(goal, from_attributes=True)

    @post(
        "/{trajectory_id:int}/goals/{goal_id:int}/reached",
        sync_to_thread=True,
        summary="Mark a goal reached",
    )
    def goal_reached(
        self,
        db_session: DbSession,
        trajectory_id: FromPath[int],
        goal_id: FromPath[int],
        data: JSONBody[GoalReachedIn],
    ) -> GoalOut:
        note_trajectories(db_session, [trajectory_id])
        goal = services.goal_reached(db_session, trajectory_id, goal_id, data)
        return GoalOut.model_validate(goal, from_attributes=True)

    @post(
        "/{trajectory_id:int}/measurements",
        sync_to_thread=True,
        summary="Record a ZRM measurement (baseline or follow-up)",
    )
    def add_measurement(
        self, db_session: DbSession, trajectory_id: FromPath[int], data: JSONBody[MeasurementIn]
    ) -> TrajectoryOut:
        note_trajectories(db_session, [trajectory_id])
        services.add_measurement(db_session, trajectory_id, data)
        return _with_team(
            db_session,
            services.trajectory_out(db_session, services.get_trajectory(db_session, trajectory_id)),
        )

    @get("/{trajectory_id:int}/team", sync_to_thread=True, summary="The team around the family")
    def team(self, db_session: DbSession, trajectory_id: FromPath[int]) -> list[TeamMemberOut]:
        team = services.team_of(db_session, trajectory_id)
        note_trajectories(db_session, [trajectory_id])
        note_subjects_of(db_session, helper_ids=[m.helper_id for m in team])
        return [TeamMemberOut.model_validate(m, from_attributes=True) for m in team]

    @post("/{trajectory_id:int}/team", sync_to_thread=True, summary="Add a team member")
    def add_member(
        self, db_session: DbSession, trajectory_id: FromPath[int], data: JSONBody[TeamMemberIn]
    ) -> TeamMemberOut:
        note_trajectories(db_session, [trajectory_id])
        note_subjects_of(db_session, helper_ids=[data.helper_id])
        member = services.add_team_member(db_session, trajectory_id, data)
        return TeamMemberOut.model_validate(member, from_attributes=True)

    @post("/{trajectory_id:int}/actions", sync_to_thread=True, summary="Add an action")
    def add_action(
        self, db_session: DbSession, trajectory_id: FromPath[int], data: JSONBody[ActionIn]
    ) -> ActionOut:
        note_trajectories(db_session, [trajectory_id])
        note_team(db_session, member_ids=[data.owner_id])  # the answer names the owner
        action = services.add_action(db_session, trajectory_id, data)
        return action

    @post(
        "/{trajectory_id:int}/actions/{action_id:int}/done",
        sync_to_thread=True,
        summary="Mark an action done",
    )
    def complete_action(
        self,
        db_session: DbSession,
        trajectory_id: FromPath[int],
        action_id: FromPath[int],
        data: JSONBody[ActionDoneIn],
    ) -> ActionOut:
        note_trajectories(db_session, [trajectory_id])
        note_team(db_session, action_ids=[action_id])  # the answer names the owner
        action = services.complete_action(db_session, trajectory_id, action_id, data)
        return action

    @post(
        "/{trajectory_id:int}/avoided-costs",
        sync_to_thread=True,
        summary="Record a cost the trajectory prevented or shortened",
    )
    def add_avoided_cost(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        trajectory_id: FromPath[int],
        data: JSONBody[AvoidedCostIn],
    ) -> AvoidedCostOut:
        note_trajectories(db_session, [trajectory_id])
        entry = services.add_avoided_cost(db_session, _settings(tenant), trajectory_id, data)
        return services.avoided_cost_out(entry)

    @post("/{trajectory_id:int}/close", sync_to_thread=True, summary="Close the trajectory")
    def close(
        self, db_session: DbSession, trajectory_id: FromPath[int], data: JSONBody[CloseIn]
    ) -> TrajectoryOut:
        note_trajectories(db_session, [trajectory_id])
        trajectory = services.close_trajectory(db_session, trajectory_id, data)
        return _with_team(db_session, services.trajectory_out(db_session, trajectory))


class LessonController(Controller):
    path = "/api/gezinslab/lessons"
    tags = ["gezinslab"]

    @get(
        "/",
        sync_to_thread=True,
        summary="Lessons and system blockages, the latest noticed first",
    )
    def list_lessons(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        kind: FromQuery[LessonKind | None] = None,
        tag: FromQuery[str | None] = None,
        period_from: From = None,
        period_to: To = None,
    ) -> Page[LessonOut]:
        """One page of the lessons (of ``kind``, with ``tag``, noticed in the period), the
        latest noticed first and of those the latest shared first (by lesson id), as the
        learning network's page lists them. The access log names the families of the
        page's lessons that come from a trajectory."""
        filters: dict[str, Any] = {
            "kind": kind,
            "tag": tag,
            "period_from": period_from,
            "period_to": period_to,
        }
        total = services.count_lessons(db_session, **filters)
        rows = services.list_lessons(
            db_session, **filters, offset=(page - 1) * page_size, limit=page_size
        )
        note_trajectories(db_session, [r.trajectory_id for r in rows])
        return Page[LessonOut](
            items=[services.lesson_out(r) for r in rows],
            total=total,
            page=page,
            page_size=page_size,
        )

    @post(
        "/",
        sync_to_thread=True,
        summary="Share a lesson or a system blockage",
        opt={NAMES_NO_ONE: "a lesson or system blockage, without personal data"},
    )
    def add_lesson(self, db_session: DbSession, data: JSONBody[LessonIn]) -> LessonOut:
        # A lesson from a trajectory names its family; one without holds no personal data.
        note_trajectories(db_session, [data.trajectory_id])
        lesson = services.add_lesson(db_session, data)
        return services.lesson_out(lesson)

    @get("/overview", sync_to_thread=True, summary="Periodic overview for policy makers")
    def overview(
        self,
        db_session: DbSession,
        period_from: RequiredFrom,
        period_to: RequiredTo,
    ) -> LessonOverview:
        return services.lesson_overview(db_session, period_from, period_to)


class FiguresController(Controller):
    path = "/api/gezinslab"
    tags = ["gezinslab"]

    @get("/figures", sync_to_thread=True, summary="Figures for the municipality")
    def figures(
        self,
        db_session: DbSession,
        period_from: From = None,
        period_to: To = None,
    ) -> Figures:
        return figures_module.figures(db_session, period_from=period_from, period_to=period_to)

    @get("/avoided-costs", sync_to_thread=True, summary="Avoided-cost ledger, per family and year")
    def ledger(
        self,
        db_session: DbSession,
        period_from: From = None,
        period_to: To = None,
    ) -> LedgerOut:
        found = figures_module.ledger(db_session, period_from=period_from, period_to=period_to)
        note_trajectories(db_session, found.per_trajectory)  # the ledger is per family
        return found

    @get("/zrm", sync_to_thread=False, summary="The ZRM domains and scale")
    def zrm(self) -> dict[str, Any]:
        return {
            "domains": [{"domain": d.value, "label": label} for d, label in DOMAIN_LABELS.items()],
            "scale": [{"score": s, "label": label} for s, label in SCORE_LABELS.items()],
        }


CONTROLLERS = [TrajectoryController, LessonController, FiguresController]
