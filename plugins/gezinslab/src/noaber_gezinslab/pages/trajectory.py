"""One trajectory's page: its goals in the family's own words, the ZRM progress per
domain, the team around the family, the actions and the avoided costs, with the forms
that add a goal and mark one reached, record a ZRM measurement, add a team member, add
an action and mark one done, close the trajectory and record an avoided cost."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from sqlmodel import Session, col, select

from noaber.clock import dutch_today
from noaber.people.models import HelperProfile, HelperStatus, Organisation, Professional
from noaber.people.services import note_subjects_of
from noaber.privacy import access_log
from noaber.ui.forms import FormState, new_form_token, posted_form, store_form, validate
from noaber.ui.notation import nl_money
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread
from noaber.web.dependencies import DbSession
from noaber_gezinslab import costs, services
from noaber_gezinslab.models import MeasurementKind, TrajectoryStatus
from noaber_gezinslab.pages.common import (
    BASE,
    FIELD_MESSAGES,
    FORMS,
    KIND_NAMES,
    MEMBER_NAMES,
    ROW_FORMS,
    SCORE_PREFIX,
    SERVICE_MESSAGES,
    STATUS_NAMES,
    actor_of,
    cost_options,
    domain_options,
    form_input,
    settings_for,
    share_lesson_url,
    trajectory_url,
)
from noaber_gezinslab.privacy import note_team, note_trajectories
from noaber_gezinslab.zrm import DOMAIN_LABELS, SCORE_LABELS


def team_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """Whom a new team member can be linked to: the municipality's active helpers (so
    the figures count a volunteer once), professionals and organisations. The helpers'
    own persons are named in the access log: the page shows their names, not their
    households."""
    helpers = session.exec(
        select(HelperProfile)
        .where(HelperProfile.status == HelperStatus.active)
        .order_by(col(HelperProfile.display_name))
        .limit(500)
    ).all()
    access_log.note_subjects(h.person_id for h in helpers)
    professionals = session.exec(
        select(Professional, Organisation)
        .join(Organisation, col(Organisation.id) == Professional.organisation_id)
        .order_by(col(Professional.name))
        .limit(500)
    ).all()
    organisations = session.exec(select(Organisation).order_by(col(Organisation.name)).limit(500))
    return {
        "helper_id": [(str(h.id), h.display_name) for h in helpers],
        "professional_id": [(str(p.id), f"{p.name} ({o.name})") for p, o in professionals],
        "organisation_id": [(str(o.id), o.name) for o in organisations],
    }


def _defaults(has_baseline: bool) -> dict[str, dict[str, Any]]:
    """What each form shows when it is opened."""
    today = dutch_today().isoformat()
    kind = MeasurementKind.follow_up if has_baseline else MeasurementKind.baseline
    return {
        "goal": {},
        "reached": {"reached_on": today},
        "measurement": {"kind": kind.value, "measured_on": today},
        "action": {},
        "done": {"done_on": today},
        "member": {"joined_on": today},
        "close": {"closed_on": today},
        "cost": {"avoided_on": today, "quantity": "1", "periods": "1"},
    }


def trajectory_page(
    request: Request[Any, Any, Any],
    session: Session,
    trajectory_id: int,
    *,
    failed: tuple[str, FormState] | None = None,
    refused: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    """The trajectory; ``failed`` is the form that was sent and refused (its key, such
    as ``measurement`` or ``reached-3``, shown with its errors and what was typed),
    ``refused`` what a service said about it."""
    _ = gettext_for(request)
    trajectory = services.get_trajectory(session, trajectory_id)
    out = services.trajectory_out(session, trajectory)
    note_trajectories(session, [trajectory_id])
    note_subjects_of(session, helper_ids=[m.helper_id for m in out.team])  # the team's volunteers
    defaults = _defaults(any(m.kind is MeasurementKind.baseline for m in out.measurements))
    forms: dict[str, FormState] = {
        name: FormState(values=dict(defaults[name]), token=new_form_token())
        for name in FORMS
        if name not in ROW_FORMS
    }
    forms |= {
        f"reached-{g.id}": FormState(values=dict(defaults["reached"]), token=new_form_token())
        for g in out.goals
        if g.reached_on is None
    }
    forms |= {
        f"done-{a.id}": FormState(values=dict(defaults["done"]), token=new_form_token())
        for a in out.actions
        if a.done_on is None
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    labels = {d.value: label for d, label in DOMAIN_LABELS.items()}
    return render(
        request,
        "gezinslab/trajectory.html",
        {
            "page_title": _("Gezinslab: %(family)s") % {"family": out.household_name},
            "t": out,
            "open": out.status is TrajectoryStatus.actief,
            "status_name": _(STATUS_NAMES[out.status.value]),
            "forms": forms,
            "failed": failed[0] if failed else None,
            "refused": list(refused),
            "domains": domain_options(),
            "domain_labels": labels,
            "scores": [(score, label) for score, label in SCORE_LABELS.items()],
            "score_prefix": SCORE_PREFIX,
            "kinds": [(k, _(v)) for k, v in KIND_NAMES.items()],
            "kind_names": {k: _(v) for k, v in KIND_NAMES.items()},
            "member_names": {k: _(v) for k, v in MEMBER_NAMES.items()},
            "team": [(str(m.id), f"{m.name} ({_(MEMBER_NAMES[m.kind.value])})") for m in out.team],
            "member_kinds": [(k, _(v)) for k, v in MEMBER_NAMES.items()],
            "links": team_choices(session) if out.status is TrajectoryStatus.actief else {},
            "cost_kinds": cost_options(settings_for(request)),
            "money": nl_money,
            "assumptions": {
                c.id: costs.assumption_nl(c.unit_amount, c.unit, c.source, c.quantity, c.periods)
                for c in out.avoided_costs
            },
            "base": BASE,
            "url": trajectory_url(trajectory_id),
            "share_lesson_url": share_lesson_url(trajectory_id),
        },
        status_code=status_code,
    )


class TrajectoryPages(Controller):
    path = BASE

    @get("/{trajectory_id:int}", sync_to_thread=True, name="gezinslab-trajectory")
    def trajectory(
        self, request: Request[Any, Any, Any], db_session: DbSession, trajectory_id: FromPath[int]
    ) -> Response[Any]:
        return trajectory_page(request, db_session, trajectory_id)

    async def _submit(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        trajectory_id: int,
        name: str,
        store: Callable[[Any], object],
        row: int | None = None,
        concerns: Callable[[Any], None] | None = None,
    ) -> Response[Any]:
        """Validate and store form ``name``; ``concerns`` names in the access log whom
        else the write concerns besides the family (a team member's volunteer)."""
        form_def = FORMS[name]
        key = name if row is None else f"{name}-{row}"
        _ = gettext_for(request)
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            return trajectory_page(
                request,
                session,
                trajectory_id,
                failed=(key, form),
                refused=refused,
                status_code=status,
            )

        if form.expired:
            return await in_thread(lambda: page(400))
        data = validate(
            form_def.model,
            form_input(name, form.values, form, actor_of(request), _),
            form,
            _,
            field_messages=FIELD_MESSAGES,
            rename=form_def.rename,
        )
        if any(field.startswith(SCORE_PREFIX) for field in form.errors):
            form.errors.pop("scores", None)  # each wrong score has its own message
            data = None
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            store(data)
            return trajectory_url(trajectory_id)

        # The family before the write: a repeated submit (sent where the first went) and
        # a refused one change or show the family's trajectory too.
        def note() -> None:
            note_trajectories(session, [trajectory_id])
            if concerns is not None:
                concerns(data)

        await in_thread(note)
        return await store_form(
            request, session, form, work, page, service_messages=SERVICE_MESSAGES
        )

    @post("/{trajectory_id:int}/doelen", name="gezinslab-goal")
    async def goal(
        self, request: Request[Any, Any, Any], db_session: DbSession, trajectory_id: FromPath[int]
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            trajectory_id,
            "goal",
            lambda data: services.add_goal(db_session, trajectory_id, data),
        )

    @post("/{trajectory_id:int}/doelen/{goal_id:int}/bereikt", name="gezinslab-goal-reached")
    async def reached(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        trajectory_id: FromPath[int],
        goal_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            trajectory_id,
            "reached",
            lambda data: services.goal_reached(db_session, trajectory_id, goal_id, data),
            row=goal_id,
        )

    @post("/{trajectory_id:int}/metingen", name="gezinslab-measurement")
    async def measurement(
        self, request: Request[Any, Any, Any], db_session: DbSession, trajectory_id: FromPath[int]
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            trajectory_id,
            "measurement",
            lambda data: services.add_measurement(db_session, trajectory_id, data),
        )

    @post("/{trajectory_id:int}/acties", name="gezinslab-action")
    async def action(
        self, request: Request[Any, Any, Any], db_session: DbSession, trajectory_id: FromPath[int]
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            trajectory_id,
            "action",
            lambda data: services.add_action(db_session, trajectory_id, data),
            concerns=lambda data: note_team(db_session, member_ids=[data.owner_id]),
        )

    @post("/{trajectory_id:int}/acties/{action_id:int}/gedaan", name="gezinslab-action-done")
    async def done(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        trajectory_id: FromPath[int],
        action_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            trajectory_id,
            "done",
            lambda data: services.complete_action(db_session, trajectory_id, action_id, data),
            row=action_id,
            concerns=lambda _data: note_team(db_session, action_ids=[action_id]),
        )

    @post("/{trajectory_id:int}/team", name="gezinslab-team-member")
    async def member(
        self, request: Request[Any, Any, Any], db_session: DbSession, trajectory_id: FromPath[int]
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            trajectory_id,
            "member",
            lambda data: services.add_team_member(db_session, trajectory_id, data),
            concerns=lambda data: note_subjects_of(db_session, helper_ids=[data.helper_id]),
        )

    @post("/{trajectory_id:int}/afsluiten", name="gezinslab-close")
    async def close(
        self, request: Request[Any, Any, Any], db_session: DbSession, trajectory_id: FromPath[int]
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            trajectory_id,
            "close",
            lambda data: services.close_trajectory(db_session, trajectory_id, data),
        )

    @post("/{trajectory_id:int}/vermeden-kosten", name="gezinslab-avoided-cost")
    async def cost(
        self, request: Request[Any, Any, Any], db_session: DbSession, trajectory_id: FromPath[int]
    ) -> Response[Any]:
        settings = settings_for(request)
        return await self._submit(
            request,
            db_session,
            trajectory_id,
            "cost",
            lambda data: services.add_avoided_cost(db_session, settings, trajectory_id, data),
        )
