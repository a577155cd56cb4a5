"""What the page modules share: the plugin's URLs, roles and form messages, a form's
definition (``PageForm``) and the helpers that turn a posted form into a service's input."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from pydantic import BaseModel

from noaber.ui.forms import FormState, as_list
from noaber.ui.identity import viewer_of
from noaber_buurtgezinnen.models import FamilyKind

ROLES = ("municipality_admin", "coordinator")
BASE = "/buurtgezinnen/gezinnen"
COUPLINGS = "/buurtgezinnen/koppelingen"
WAITING = "/buurtgezinnen/wachtlijst"
MAIN = "#inhoud"
"""The main content of every page (``base.html``, the skip link's target)."""
NAV_LABEL = "Buurtgezinnen families"
"""The main navigation's link to the families (an English message id)."""


# English message ids (the catalogue translates them): a form field's own message for
# what validation finds wrong with it, and a field's message for a service's 422 that
# carries no message of its own.
FIELD_MESSAGES = {
    "visited_on": "Enter the date of the visit.",
    "completed_on": "Enter the date on which the intake was completed.",
    "issued_on": "Enter the date on which the VOG was issued.",
    "checked_on": "Enter the date of the competence check.",
    "held_on": "Enter the date of the review.",
    "vraaggezin_continues": "Choose whether the vraaggezin wants to continue.",
    "steungezin_continues": "Choose whether the steungezin wants to continue.",
    "ended_on": "Enter the date on which the coupling ended.",
    "reason": "Choose why the coupling ends.",
    "steungezin_id": "Choose a steungezin.",
    "kennismaking_on": "Enter the date of the kennismaking.",
    "first_review_on": "Enter the date of the first review.",
}

SERVICE_MESSAGES = {
    "visited_on": "This date is not possible for the visit.",
    "completed_on": "This date is not possible for completing the intake.",
    "issued_on": "This date is not possible for the VOG.",
    "checked_on": "This date is not possible for the competence check.",
    "held_on": "This date is not possible for the review.",
    "end_reason": "Choose why the coupling ends.",
    "review_note": "Describe the reason.",
    "ended_on": "This date is not possible for the end of the coupling.",
    "reason": "Choose why the coupling ends.",
    "end_note": "Describe the reason.",
    "kennismaking_on": "This date is not possible for the kennismaking.",
    "first_review_on": "This date is not possible for the first review.",
}


@dataclass(frozen=True)
class PageForm:
    """One form of a page: the service's input model it fills in."""

    name: str
    model: type[BaseModel]
    rename: Mapping[str, str]
    """The model's field name → the form's input name (input names are unique per page)."""
    kinds: frozenset[FamilyKind] = frozenset()
    """The families the family page offers it to."""
    fixed: Mapping[str, Any] = field(default_factory=dict)
    """Input the form does not ask for (the step a form takes)."""

    def service_messages(self) -> dict[str, str]:
        """SERVICE_MESSAGES by the service's field names (a service's 422 names those)."""
        names = {self.rename.get(f, f): f for f in self.model.model_fields}
        return {names[i]: m for i, m in SERVICE_MESSAGES.items() if i in names}

    def errors_by_input(self, form: FormState) -> None:
        """A service's 422 names the model's fields: put them next to the form's inputs."""
        for model_name, input_name in self.rename.items():
            if model_name in form.errors and input_name not in form.errors:
                form.errors[input_name] = form.errors.pop(model_name)


def family_url(family_id: int) -> str:
    return f"{BASE}/{family_id}"


def coupling_url(coupling_id: int) -> str:
    return f"{COUPLINGS}/{coupling_id}"


def _links(request: Request[Any, Any, Any]) -> dict[str, str]:
    """What every page of the plugin's own navigation needs (``_subnav.html``)."""
    return {
        "families_url": BASE,
        "couplings_url": COUPLINGS,
        "waiting_url": WAITING,
        "current_path": request.url.path,
    }


def actor_of(request: Request[Any, Any, Any]) -> str:
    return viewer_of(request).name or "coordinator"


def _input(form: PageForm, values: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """The service's input from the form's fields: blanks are left out (the service's
    defaults apply), the acting coordinator is named where the service records one."""
    inputs = {form.rename.get(f, f): f for f in form.model.model_fields}
    data: dict[str, Any] = dict(form.fixed)
    for input_name, name in inputs.items():
        if name in form.fixed:
            continue
        if name in ("visited_by", "actor"):
            data[name] = actor
        elif name in ("upbringing_views", "expected_support"):
            data[name] = as_list(values.get(input_name))
        else:
            value = values.get(input_name)
            if isinstance(value, str) and value.strip():
                data[name] = value
    return data
