"""What the page modules share: the plugin's URLs and roles, the forms' messages and
names (English message ids the catalogue translates), a trajectory form's definition
(``PageForm``) and the helpers that turn a posted form into a service's input."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Request
from pydantic import BaseModel

from noaber.ui.forms import FormState, as_list
from noaber.ui.identity import viewer_of
from noaber.ui.notation import nl_money, typed_decimal
from noaber.ui.web import pages_of
from noaber.web.dependencies import provide_tenant
from noaber_gezinslab.models import MeasurementKind, TrajectoryStatus
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
from noaber_gezinslab.zrm import DOMAIN_LABELS, ZrmDomain, check_score

ROLES = ("municipality_admin", "coordinator")
"""Who may see the families' trajectories (their pages, and a family's name elsewhere)."""
LEARNING_ROLES = ("municipality_admin", "coordinator", "professional")
"""Who learns along: the lessons, the blockages and the overview for policy makers. A
professional of the team shares lessons too, but sees no family (see :data:`ROLES`)."""
BASE = "/gezinslab/trajecten"
LESSONS = "/gezinslab/lessen"
NEW_LESSON = f"{LESSONS}/nieuw"
OVERVIEW = "/gezinslab/overzicht"
NAV_LABEL = "Gezinslab"
LESSONS_NAV_LABEL = "Gezinslab lessons"
OVERVIEW_NAV_LABEL = "Gezinslab overview"
"""The main navigation's link to the trajectories (an English message id)."""

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
    # Lists of ids: a value that is no number said "Enter a whole number." under a list.
    "helper_id": "Choose a helper from the list.",
    "professional_id": "Choose a professional from the list.",
    "organisation_id": "Choose an organisation from the list.",
    "request_id": "Choose a request from the list.",
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


TRAJECTORY_PARAM = "traject"
"""The lesson form's query parameter: the trajectory the lesson comes from (preselected)."""


def share_lesson_url(trajectory_id: int) -> str:
    """The lesson form, with the trajectory it comes from chosen."""
    return f"{NEW_LESSON}?{TRAJECTORY_PARAM}={trajectory_id}"


def pages_for(total: int) -> int:
    return pages_of(total, PAGE_SIZE)


def sees_trajectories(request: Request[Any, Any, Any]) -> bool:
    """May the viewer see the families' trajectories (and so a family's name)?"""
    return viewer_of(request).has(*ROLES)


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
        (kind, f"{kind}: {nl_money(u.amount)} {u.unit}") for kind, u in sorted(unit_costs.items())
    ]


def domain_options() -> list[tuple[str, str]]:
    # The ZRM's domain labels are Dutch (the API's /zrm shows the same ones).
    return [(d.value, label) for d, label in DOMAIN_LABELS.items()]


def score_field(domain: ZrmDomain | str) -> str:
    return f"{SCORE_PREFIX}{ZrmDomain(domain).value}"


def scores_of(
    values: Mapping[str, Any], form: FormState, _: Callable[[str], str]
) -> dict[str, Any]:
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


def form_input(
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
            data[field] = scores_of(values, form, _)
        elif field == "domains":
            data[field] = as_list(values.get(input_name))
        elif field == "goals":
            text = str(values.get(input_name) or "").strip()
            data[field] = [{"text": text}] if text else []
        else:
            value = values.get(input_name)
            if isinstance(value, str) and value.strip():
                data[field] = typed_decimal(value) if field in DECIMAL_FIELDS else value
    return data
