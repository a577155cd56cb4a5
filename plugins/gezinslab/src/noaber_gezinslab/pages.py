"""The coordinator's web pages of the Gezinslab: the families' trajectories (active and
closed), the form that starts one for a household, and one trajectory's page with its goals in the family's own words, the ZRM
progress per domain, the team around the family, the actions and the avoided costs.
On that page the coordinator adds a goal and marks one reached, records a ZRM
measurement (the baseline or a follow-up), adds a member to the team, adds an action
for a team member and marks one done, and closes the trajectory (after which the page
offers no more forms that change it). Avoided costs are recorded from the municipality's
catalogue of unit costs, also after closing (a prevented placement often shows later).

Every form goes through the plugin's services, the same functions the API calls, so the
pages keep the API's rules. They follow core's form conventions (``noaber.ui.forms``):
wrong input shows the page again with status 422, the Dutch message next to the field
and what was typed; a refusal of a service (a ``Conflict``, such as a second baseline)
shows its user message with status 409; nothing is stored then (the transaction is
rolled back). Each form carries a one-time token, so a double submit stores once and is
sent where the first went. After success: 303 back to the trajectory.

Core mounts these routes like every route of the plugin (``route_handlers``): 404 for a
municipality that does not enable the Gezinslab, 403 for an account scoped to other
programmes. The pages name the members of the households they show in the access log
(:func:`~noaber_gezinslab.privacy.note_trajectories`), as the API does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, Router, get, post
from litestar.params import FromPath
from pydantic import BaseModel
from sqlmodel import Session, col, select

from noaber.people.models import (
    HelperProfile,
    HelperStatus,
    Household,
    Organisation,
    Professional,
)
from noaber.people.services import note_subjects_of
from noaber.privacy import access_log
from noaber.ui.forms import (
    FormState,
    as_list,
    new_form_token,
    posted_form,
    store_form,
    validate,
)
from noaber.ui.identity import viewer_of
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, pages_router
from noaber.web.dependencies import DbSession, provide_tenant
from noaber_gezinslab import costs, services
from noaber_gezinslab.models import MeasurementKind, TrajectoryStatus
from noaber_gezinslab.privacy import note_trajectories
from noaber_gezinslab.schemas import (
    ActionDoneIn,
    ActionIn,
    AvoidedCostIn,
    CloseIn,
    GoalIn,
    GoalReachedIn,
    MeasurementIn,
    TeamMemberIn,
    TrajectoryIn,
)
from noaber_gezinslab.settings import GezinslabSettings, settings_of
from noaber_gezinslab.zrm import DOMAIN_LABELS, SCORE_LABELS, ZrmDomain, check_score

ROLES = ("municipality_admin", "coordinator")
BASE = "/gezinslab/trajecten"
NAV_LABEL = "Gezinslab"
"""The main navigation's link to the trajectories (an English message id)."""

STATUS_FILTER = "status"
"""The list's query parameter: ``actief`` or ``afgesloten`` (anything else: all)."""
DECIMAL_FIELDS = ("quantity", "periods")
"""Inputs typed with a Dutch decimal comma (``1,5``)."""
PAGE_PARAM = "pagina"
"""The list's page (1, 2, ...), as on core's requests list."""
PAGE_SIZE = 25
SCORE_PREFIX = "score_"
"""A measurement form's input per ZRM domain: ``score_financien``, ..."""

# English message ids (the catalogue translates them): a form field's own message for
# what validation finds wrong with it, and a field's message for a service's 422 that
# carries no message of its own.
FIELD_MESSAGES = {
    "text": "Write down the goal in the family's own words.",
    "reached_on": "Enter the date on which the goal was reached.",
    "measured_on": "Enter the date of the measurement.",
    "kind": "Choose the baseline or a follow-up measurement.",
    "scores": "Give at least one life domain a score from 1 to 5.",
    "description": "Describe the action.",
    "owner_id": "Choose who carries out the action.",
    "due_on": "Enter the date by which the action is due.",
    "done_on": "Enter the date on which the action was done.",
    "member_kind": "Choose what kind of team member this is.",
    "member_name": "Enter the name of the team member.",
    "contribution": "Describe what this member brings to the team.",
    "joined_on": "Enter the date on which they joined the team.",
    "household_id": "Choose the family's household.",
    "started_on": "Enter the date on which the trajectory starts.",
    "closed_on": "Enter the date on which the trajectory was closed.",
    "cost_kind": "Choose the kind of cost.",
    "cost_description": "Describe what was prevented or shortened, and why you think so.",
    "avoided_on": "Enter the date on which the cost was avoided.",
    "quantity": "Enter how many units, for example 2 or 1,5.",
    "periods": "Enter how many years were avoided, for example 1,5; 1 for a one-off cost.",
}
SERVICE_MESSAGES = {
    "reached_on": "This date is not possible for the goal.",
    "measured_on": "This date is not possible for the measurement.",
    "owner_id": "Choose someone from the team around the family.",
    "due_on": "This date is not possible for the action.",
    "done_on": "This date is not possible for the action.",
    "helper_id": "Choose a helper from the list.",
    "professional_id": "Choose a professional from the list.",
    "organisation_id": "Choose an organisation from the list.",
    "household_id": "Choose a household from the list.",
    "request_id": "Choose a request from the list.",
    "closed_on": "This date is not possible for closing the trajectory.",
    "cost_kind": "Choose the kind of cost.",
    "avoided_on": "This date is not possible for the avoided cost.",
}
SCORE_MESSAGE = "Enter a score from 1 (acute problems) to 5 (fully self-sufficient)."
KIND_NAMES = {
    MeasurementKind.baseline.value: "Baseline measurement",
    MeasurementKind.follow_up.value: "Follow-up measurement",
}
STATUS_NAMES = {
    TrajectoryStatus.actief.value: "Active",
    TrajectoryStatus.afgesloten.value: "Closed",
}
MEMBER_NAMES = {
    "gezin": "The family",
    "vrijwilliger": "Volunteer",
    "ervaringsdeskundige": "Expert by experience",
    "buurtbedrijf": "Neighbourhood business",
    "professional": "Professional",
}


@dataclass(frozen=True)
class PageForm:
    """One form of the trajectory page: the service's input model it fills in."""

    name: str
    model: type[BaseModel]
    rename: Mapping[str, str]
    """The model's field name → the form's input name (input names are unique per page)."""


FORMS = {
    form.name: form
    for form in (
        PageForm("goal", GoalIn, {}),
        PageForm("reached", GoalReachedIn, {}),
        PageForm("measurement", MeasurementIn, {"note": "measurement_note"}),
        PageForm("action", ActionIn, {}),
        PageForm("done", ActionDoneIn, {}),
        PageForm("member", TeamMemberIn, {"kind": "member_kind", "name": "member_name"}),
        PageForm("close", CloseIn, {"note": "closing_note"}),
        PageForm("cost", AvoidedCostIn, {"description": "cost_description"}),
    )
}
START = PageForm("start", TrajectoryIn, {"goals": "goal"})
"""The form that starts a trajectory, on a page of its own (``/nieuw``)."""
ROW_FORMS = ("reached", "done")
"""Forms shown once per goal or action: their state is keyed ``reached-{goal_id}``."""


NEW_URL = f"{BASE}/nieuw"


def trajectory_url(trajectory_id: int) -> str:
    return f"{BASE}/{trajectory_id}"


def actor_of(request: Request[Any, Any, Any]) -> str:
    return viewer_of(request).name or "coordinator"


def settings_for(request: Request[Any, Any, Any]) -> GezinslabSettings | None:
    """The municipality's Gezinslab settings (its unit costs), as the API reads them."""
    tenant = provide_tenant(request.scope)
    return settings_of(tenant.municipality.plugin_settings) if tenant is not None else None


def cost_options(settings: GezinslabSettings | None) -> list[tuple[str, str]]:
    """The municipality's catalogue of avoided costs: each kind with its amount and unit."""
    unit_costs = settings.unit_costs if settings is not None else {}
    return [
        (kind, f"{kind}: {costs.money_nl(u.amount)} {u.unit}")
        for kind, u in sorted(unit_costs.items())
    ]


def domain_options() -> list[tuple[str, str]]:
    # The ZRM's domain labels are Dutch (the API's /zrm shows the same ones).
    return [(d.value, label) for d, label in DOMAIN_LABELS.items()]


def score_field(domain: ZrmDomain | str) -> str:
    return f"{SCORE_PREFIX}{ZrmDomain(domain).value}"


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


# --- the pages ---------------------------------------------------------------------------


def trajectories_page(request: Request[Any, Any, Any], session: Session) -> Response[Any]:
    _ = gettext_for(request)
    raw = request.query_params.get(STATUS_FILTER) or ""
    status = TrajectoryStatus(raw) if raw in TrajectoryStatus.__members__ else None
    page_raw = request.query_params.get(PAGE_PARAM, "1")
    page = int(page_raw) if page_raw.isdigit() and int(page_raw) > 0 else 1
    total = services.count_trajectories(session, status=status)
    rows = services.list_trajectories(
        session,
        status=status,
        newest_first=True,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    note_trajectories(session, [t.id for t in rows])
    return render(
        request,
        "gezinslab/trajectories.html",
        {
            "page_title": _("Gezinslab: trajectories"),
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
            "page_param": PAGE_PARAM,
            "status": status.value if status else "",
            "filter_name": STATUS_FILTER,
            "status_names": {k: _(v) for k, v in STATUS_NAMES.items()},
            "base": BASE,
        },
    )


def new_trajectory_page(
    request: Request[Any, Any, Any],
    session: Session,
    form: FormState,
    *,
    refused: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    """The form that starts a trajectory: the household among the municipality's
    households (their members named in the access log, as core's households page does),
    the start, optionally the Gezinslab request it follows, the life domains and a first
    goal in the family's own words."""
    _ = gettext_for(request)
    households = session.exec(select(Household).order_by(col(Household.name)).limit(500)).all()
    note_subjects_of(session, household_ids=[h.id for h in households])
    names = {h.id: h.name for h in households}
    requests = services.requests_to_start(session)
    note_subjects_of(
        session,
        person_ids=[r.person_id for r in requests],
        household_ids=[r.household_id for r in requests],
    )
    request_options = [
        (
            str(r.id),
            _("Request %(id)s") % {"id": r.id}
            + (f" ({names[r.household_id]})" if r.household_id in names else ""),
        )
        for r in requests
    ]
    return render(
        request,
        "gezinslab/new_trajectory.html",
        {
            "page_title": _("Start a trajectory"),
            "form": form,
            "refused": list(refused),
            "households": [("", _("Choose a household"))]
            + [(str(h.id), h.name) for h in households],
            "requests": [("", _("None")), *request_options],
            "domains": domain_options(),
            "base": BASE,
            "action": NEW_URL,
        },
        status_code=status_code,
    )


def _defaults(has_baseline: bool) -> dict[str, dict[str, Any]]:
    """What each form shows when it is opened."""
    today = date.today().isoformat()
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
            "money": costs.money_nl,
            "assumptions": {
                c.id: costs.assumption_nl(c.unit_amount, c.unit, c.source, c.quantity, c.periods)
                for c in out.avoided_costs
            },
            "base": BASE,
            "url": trajectory_url(trajectory_id),
        },
        status_code=status_code,
    )


# --- reading a form ----------------------------------------------------------------------


def _scores(values: Mapping[str, Any], form: FormState, _: Callable[[str], str]) -> dict[str, Any]:
    """The scores filled in, per domain; a score the ZRM does not have (checked by the
    ZRM's own :func:`~noaber_gezinslab.zrm.check_score`) gets its message next to it."""
    scores: dict[str, Any] = {}
    for domain in ZrmDomain:
        raw = str(values.get(score_field(domain)) or "").strip()
        if not raw:
            continue
        try:
            scores[domain.value] = check_score(domain.value, int(raw))
        except ValueError:
            form.errors[score_field(domain)] = _(SCORE_MESSAGE)
    return scores


def _input(
    name: str, values: Mapping[str, Any], form: FormState, actor: str, _: Callable[[str], str]
) -> dict[str, Any]:
    """The service's input from the form's fields: blanks are left out (the service's
    defaults apply), the acting coordinator is named where the service records one."""
    form_def = START if name == START.name else FORMS[name]
    data: dict[str, Any] = {}
    for field in form_def.model.model_fields:
        input_name = form_def.rename.get(field, field)
        if field in ("measured_by", "recorded_by"):
            data[field] = actor
        elif field == "scores":
            data[field] = _scores(values, form, _)
        elif field == "domains":
            data[field] = as_list(values.get(input_name))
        elif field == "goals":
            text = str(values.get(input_name) or "").strip()
            data[field] = [{"text": text}] if text else []
        else:
            value = values.get(input_name)
            if isinstance(value, str) and value.strip():
                data[field] = value.replace(",", ".") if field in DECIMAL_FIELDS else value
    return data


class TrajectoryPages(Controller):
    path = BASE

    @get("/", sync_to_thread=True, name="gezinslab-trajectories")
    def trajectories(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return trajectories_page(request, db_session)

    @get("/nieuw", sync_to_thread=True, name="gezinslab-new-trajectory")
    def new_trajectory(
        self, request: Request[Any, Any, Any], db_session: DbSession
    ) -> Response[Any]:
        form = FormState(values={"started_on": date.today().isoformat()}, token=new_form_token())
        return new_trajectory_page(request, db_session, form)

    @post("/nieuw", name="gezinslab-start")
    async def start(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        _ = gettext_for(request)
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            return new_trajectory_page(
                request, db_session, form, refused=refused, status_code=status
            )

        if form.expired:
            return await in_thread(lambda: page(400))
        data = validate(
            TrajectoryIn,
            _input(START.name, form.values, form, actor_of(request), _),
            form,
            _,
            field_messages=FIELD_MESSAGES,
            rename=START.rename,
        )
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            assert isinstance(data, TrajectoryIn)
            trajectory = services.start_trajectory(db_session, data)
            note_trajectories(db_session, [trajectory.id])
            return trajectory_url(trajectory.id or 0)

        return await store_form(
            request, db_session, form, work, page, service_messages=SERVICE_MESSAGES
        )

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
    ) -> Response[Any]:
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
            _input(name, form.values, form, actor_of(request), _),
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
            note_trajectories(session, [trajectory_id])
            return trajectory_url(trajectory_id)

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


def router() -> Router:
    """The pages, for the ``route_handlers`` hook (core's page router: the CSRF token
    as a form field, Dutch error pages, the login page for a visitor not logged in)."""
    return pages_router([TrajectoryPages], roles=ROLES)
