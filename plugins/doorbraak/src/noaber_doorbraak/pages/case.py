"""One case's page: the family's one-year goal, the map of the agencies involved (each
with its yearly cost and, optionally, one of the municipality's organisations), the plan,
the blockages with their escalations along the municipality's escalation path, and the
maatwerk spending requests.

Its forms set the goal, add an agency to the map, add an action to the plan and mark one
done, record a blockage, escalate it to the next level of the path and record the
decision on an escalation, ask for maatwerk and grant or refuse it against the year's
budget, and close the case with its outcome (after which it shows no forms). Every form
goes through the plugin's services, the same functions the API calls, so the pages keep
the API's rules. They follow core's form conventions (``noaber.ui.forms``): wrong input
shows the page again with status 422, the Dutch message next to the field and what was
typed; a refusal of a service (a ``Conflict``, such as escalating to a level not higher
than one already asked) shows its user message with status 409; nothing is stored then
(the transaction is rolled back). Each form carries a one-time token, so a double submit
stores once and is sent where the first went. After success: 303 back to the case page.
The page and its forms name the family's members in the access log
(:func:`~noaber_doorbraak.privacy.note_households`, ``note_cases``), as the API does; a
form names them before it stores, so its refusal or repeated submit names them too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel
from sqlmodel import Session, col, select

from noaber.clock import dutch_today
from noaber.errors import NotFound
from noaber.people.models import Organisation
from noaber.platform import TenantRuntime
from noaber.ui.forms import (
    FormState,
    new_form_token,
    posted_form,
    store_form,
    validate,
)
from noaber.ui.notation import typed_decimal
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_doorbraak import budget, privacy, services
from noaber_doorbraak.controllers import settings_of
from noaber_doorbraak.models import Escalation, Outcome, Party, SpendingStatus
from noaber_doorbraak.pages.common import BASE, actor_of, case_url
from noaber_doorbraak.schemas import (
    ActionDoneIn,
    ActionIn,
    AgencyIn,
    BlockageIn,
    CaseOut,
    CloseIn,
    DecisionIn,
    EscalationIn,
    GoalIn,
    SpendingDecisionIn,
    SpendingIn,
)
from noaber_doorbraak.workflow import CANCELLED, CLOSED

ORGANISATIONS_SHOWN = 500
"""The agency form's choice of organisations (by name), as core's intake form's."""

# English message ids (the catalogue translates them): a form field's own message for
# what validation finds wrong with it, and a field's message for a service's 422 that
# carries no message of its own.
FIELD_MESSAGES = {
    "goal": "Write down the family's goal in its own words.",
    "recorded_on": "Enter the date on which the goal was recorded.",
    "due_on": "Enter the date by which the action is done.",
    "done_on": "Enter the date on which the action was done.",
    "noticed_on": "Enter the date on which the blockage was noticed.",
    "escalated_on": "Enter the date of the escalation.",
    "deadline": "Enter a date, or leave the deadline empty.",
    "decided_on": "Enter the date of the decision.",
    "resolved": "Say whether the decision removes the blockage.",
    "agency_name": "Fill in the agency's name.",
    "organisation_id": "Choose one of the organisations.",
    "yearly_cost": "Enter the yearly cost in euros, for example 4200 or 1250,50.",
    "yearly_cost_after": (
        "Enter the yearly cost after the breakthrough in euros, for example 1000, "
        "or leave it empty."
    ),
    "amount": "Enter an amount in euros above 0, for example 750 or 125,50.",
    "purpose": "Say what the maatwerk is for.",
    "approve": "Choose whether the maatwerk is granted or refused.",
    "outcome": "Choose how far the family got with its goal.",
    "closed_on": "Enter the date on which the case is closed.",
    "outcome_note": "Write down what changed for the family.",
}
SERVICE_MESSAGES = {
    "recorded_on": "This date is not possible for the goal.",
    "due_on": "This date is not possible for the action.",
    "done_on": "This date is not possible for the action.",
    "noticed_on": "This date is not possible for the blockage.",
    "level": "Choose a level of the escalation path.",
    "escalated_on": "This date is not possible for the escalation.",
    "deadline": "This date is not possible for the deadline.",
    "decided_on": "This date is not possible for the decision.",
    "amount": "This amount is not possible.",
    "organisation_id": "Choose one of the organisations.",
    "closed_on": "This date is not possible for closing the case.",
}
OUTCOME_NAMES = {
    Outcome.behaald.value: "Goal reached",
    Outcome.deels_behaald.value: "Goal partly reached",
    Outcome.niet_behaald.value: "Goal not reached",
}
PARTY_NAMES = {
    Party.gezin.value: "The family",
    Party.netwerk.value: "The network",
    Party.professional.value: "A professional",
}


@dataclass(frozen=True)
class PageForm:
    """One form of the case page: the service's input model it fills in."""

    name: str
    model: type[BaseModel]
    rename: Mapping[str, str]
    """The model's field name → the form's input name (input names are unique per page)."""
    actor: str | None = None
    """The model's field that names the acting coordinator when the form leaves it blank."""
    amounts: tuple[str, ...] = ()
    """The model's fields holding euros, typed the Dutch way (``1.250,50``)."""


FORMS = {
    form.name: form
    for form in (
        PageForm("goal", GoalIn, {"text": "goal"}),
        PageForm(
            "agency",
            AgencyIn,
            {"name": "agency_name"},
            amounts=("yearly_cost", "yearly_cost_after"),
        ),
        PageForm("action", ActionIn, {"description": "action_description"}),
        PageForm("done", ActionDoneIn, {}),
        PageForm("blockage", BlockageIn, {"description": "blockage_description"}),
        PageForm("escalate", EscalationIn, {}, actor="escalated_by"),
        PageForm("decide", DecisionIn, {}, actor="decided_by"),
        PageForm("spending", SpendingIn, {}, actor="requested_by", amounts=("amount",)),
        PageForm(
            "grant",
            SpendingDecisionIn,
            {"decided_by": "spending_decided_by", "note": "decision_note"},
            actor="decided_by",
        ),
        PageForm("close", CloseIn, {"note": "outcome_note"}, actor="actor"),
    )
}
ROW_FORMS = ("done", "escalate", "decide", "grant")
"""Forms the page shows once per action, blockage, escalation or maatwerk request (the
row's id)."""


def organisation_options(session: Session, _: Callable[[str], str]) -> list[tuple[str, str]]:
    """The agency form's choice: none, or one of the municipality's organisations."""
    found = session.exec(
        select(Organisation.id, Organisation.name)
        .order_by(col(Organisation.name), col(Organisation.id))
        .limit(ORGANISATIONS_SHOWN)
    ).all()
    return [("", _("No organisation"))] + [(str(ident), name) for ident, name in found]


def organisation_names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    found = session.exec(
        select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(wanted))
    ).all()
    return {ident or 0: name for ident, name in found}


def _defaults(request: Request[Any, Any, Any], case: CaseOut) -> dict[str, dict[str, Any]]:
    """What each form shows when it is opened."""
    today = dutch_today().isoformat()
    return {
        "goal": {"goal": case.goal or "", "recorded_on": today},
        "agency": {},
        "action": {"party": Party.gezin.value},
        "done": {"done_on": today},
        "blockage": {"noticed_on": today},
        "escalate": {"escalated_on": today},
        "decide": {"decided_by": actor_of(request), "decided_on": today},
        "spending": {},
        "grant": {"spending_decided_by": actor_of(request)},
        "close": {"closed_on": today},
    }


def case_page(
    request: Request[Any, Any, Any],
    tenant: TenantRuntime,
    session: Session,
    case_id: int,
    *,
    failed: tuple[str, int | None, FormState] | None = None,
    refused: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    """The case page; ``failed`` is the form (and its row: an action, blockage or
    escalation) that was sent and refused, shown with its errors and what was typed;
    ``refused`` what a service said about it."""
    _ = gettext_for(request)
    settings = settings_of(tenant)
    case = services.get_case(session, case_id)
    out = services.case_out(session, tenant.plugins, settings, case)
    privacy.note_households(session, [case.household_id])
    defaults = _defaults(request, out)

    def form(name: str, row: int | None = None, **values: Any) -> FormState:
        if failed is not None and failed[0] == name and failed[1] == row:
            return failed[2]
        return FormState(values={**defaults[name], **values}, token=new_form_token())

    actions: list[dict[str, Any]] = [
        {"a": a, "party": _(PARTY_NAMES[party]), "done": form("done", a.id)}
        for party, found in out.actions.items()
        for a in found
    ]
    actions.sort(key=lambda row: (row["a"].due_on, row["a"].id))
    blockages: list[dict[str, Any]] = [
        {
            "b": b,
            "escalate": form("escalate", b.id, level=b.next_levels[0]) if b.next_levels else None,
            "levels": [(level, level) for level in b.next_levels],
            "escalations": [
                {"e": e, "decide": form("decide", e.id) if e.decision is None else None}
                for e in b.escalations
            ],
        }
        for b in out.blockages
    ]
    spending: list[dict[str, Any]] = [
        {
            "s": s,
            "grant": form("grant", s.id) if s.status is SpendingStatus.aangevraagd else None,
        }
        for s in out.spending
    ]
    closed = out.closed_on is not None or out.status == CANCELLED
    # The close form is shown once the plan is carried out and the goal is recorded (the
    # outcome is measured against it).
    closable = bool(out.goal) and CLOSED in out.allowed_transitions
    shown: set[tuple[str, int | None]] = set()  # the forms the page shows
    if not closed:
        shown |= {(name, None) for name in FORMS if name not in ROW_FORMS and name != "close"}
        if closable:
            shown.add(("close", None))
        shown |= {("done", row["a"].id) for row in actions if row["a"].done_on is None}
        shown |= {("escalate", row["b"].id) for row in blockages if row["escalate"]}
        shown |= {
            ("decide", er["e"].id)
            for row in blockages
            for er in row["escalations"]
            if er["decide"] is not None
        }
        shown |= {("grant", row["s"].id) for row in spending if row["grant"] is not None}
    return render(
        request,
        "doorbraak/case.html",
        {
            "page_title": _("Doorbraak: %(family)s") % {"family": out.household_name},
            "c": out,
            "closed": closed,
            "actions": actions,
            "blockages": blockages,
            "spending": spending,
            "budget": budget.budget_out(session, settings, dutch_today().year),
            "organisations": [] if closed else organisation_options(session, _),
            "organisation_names": organisation_names(
                session, [a.organisation_id for a in out.agencies]
            ),
            "forms": {name: form(name) for name in FORMS if name not in ROW_FORMS},
            "failed": failed[:2] if failed else None,
            "refused": list(refused),
            # A refused form the page no longer shows (the case was closed, the
            # escalation decided meanwhile): its refusal above the page.
            "refused_general": list(refused) if failed and failed[:2] not in shown else [],
            "parties": [(p.value, _(PARTY_NAMES[p.value])) for p in Party],
            "outcomes": [("", _("Choose"))]
            + [(o.value, _(OUTCOME_NAMES[o.value])) for o in Outcome],
            "outcome_name": _(OUTCOME_NAMES[out.outcome.value]) if out.outcome else None,
            "closable": closable,
            "deadline_days": settings.escalation_deadline_days,
            "base": BASE,
            "url": case_url(case_id),
        },
        status_code=status_code,
    )


def _input(form: PageForm, values: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """The service's input from the form's fields: blanks are left out (the service's
    defaults apply, or its model says what is missing); the acting coordinator is named
    where the service records who acted."""
    data: dict[str, Any] = {}
    for field in form.model.model_fields:
        value = values.get(form.rename.get(field, field))
        if isinstance(value, str) and value.strip():
            data[field] = typed_decimal(value) if field in form.amounts else value
    if form.actor is not None and form.actor not in data:
        data[form.actor] = actor
    return data


class CasePages(Controller):
    path = BASE

    @get("/{case_id:int}", sync_to_thread=True, name="doorbraak-case")
    def case(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
    ) -> Response[Any]:
        return case_page(request, tenant, db_session, case_id)

    async def _submit(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRuntime,
        session: Session,
        case_id: int,
        name: str,
        row: int | None,
        store: Callable[[Any], object],
    ) -> Response[Any]:
        form_def = FORMS[name]
        _ = gettext_for(request)
        form = await posted_form(request)
        # The family is named before anything is stored, so a refused form and a double
        # submit (sent where the first went, without storing) name it too.
        await in_thread(lambda: privacy.note_cases(session, [case_id]))

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            return case_page(
                request,
                tenant,
                session,
                case_id,
                failed=(name, row, form),
                refused=refused,
                status_code=status,
            )

        if form.expired:
            return await in_thread(lambda: page(400))
        data = validate(
            form_def.model,
            _input(form_def, form.values, actor_of(request)),
            form,
            _,
            field_messages=FIELD_MESSAGES,
            rename=form_def.rename,
        )
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            services.get_case(session, case_id)  # 404 for a case that is not there
            store(data)
            return case_url(case_id)

        return await store_form(
            request, session, form, work, page, service_messages=SERVICE_MESSAGES
        )

    @post("/{case_id:int}/doel", name="doorbraak-goal")
    async def goal(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            case_id,
            "goal",
            None,
            lambda data: services.set_goal(db_session, case_id, data),
        )

    @post("/{case_id:int}/instanties", name="doorbraak-agency")
    async def agency(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            case_id,
            "agency",
            None,
            lambda data: services.add_agency(db_session, case_id, data),
        )

    @post("/{case_id:int}/acties", name="doorbraak-action")
    async def action(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            case_id,
            "action",
            None,
            lambda data: services.add_action(db_session, case_id, data),
        )

    @post("/{case_id:int}/acties/{action_id:int}/gedaan", name="doorbraak-action-done")
    async def action_done(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
        action_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            case_id,
            "done",
            action_id,
            lambda data: services.complete_action(db_session, case_id, action_id, data),
        )

    @post("/{case_id:int}/knelpunten", name="doorbraak-blockage")
    async def blockage(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            case_id,
            "blockage",
            None,
            lambda data: services.add_blockage(db_session, case_id, data),
        )

    @post("/{case_id:int}/knelpunten/{blockage_id:int}/escaleren", name="doorbraak-escalate")
    async def escalate(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
        blockage_id: FromPath[int],
    ) -> Response[Any]:
        def store(data: EscalationIn) -> object:
            if services.get_blockage(db_session, blockage_id).case_id != case_id:
                raise NotFound(f"blockage {blockage_id} is not of case {case_id}")
            return services.escalate(db_session, settings_of(tenant), blockage_id, data)

        return await self._submit(
            request, tenant, db_session, case_id, "escalate", blockage_id, store
        )

    @post("/{case_id:int}/escalaties/{escalation_id:int}/besluit", name="doorbraak-decision")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
        escalation_id: FromPath[int],
    ) -> Response[Any]:
        def store(data: DecisionIn) -> object:
            blockage_id = db_session.exec(
                select(Escalation.blockage_id).where(Escalation.id == escalation_id)
            ).first()
            if blockage_id is None or (
                services.get_blockage(db_session, blockage_id).case_id != case_id
            ):
                raise NotFound(f"escalation {escalation_id} is not of case {case_id}")
            return services.decide_escalation(db_session, settings_of(tenant), escalation_id, data)

        return await self._submit(
            request, tenant, db_session, case_id, "decide", escalation_id, store
        )

    @post("/{case_id:int}/afsluiten", name="doorbraak-close")
    async def close(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            case_id,
            "close",
            None,
            lambda data: services.close_case(db_session, tenant.plugins, case_id, data),
        )

    @post("/{case_id:int}/maatwerk", name="doorbraak-spending")
    async def spending(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            case_id,
            "spending",
            None,
            lambda data: budget.request_spending(db_session, settings_of(tenant), case_id, data),
        )

    @post("/{case_id:int}/maatwerk/{spending_id:int}/besluit", name="doorbraak-spending-decision")
    async def grant(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
        spending_id: FromPath[int],
    ) -> Response[Any]:
        def store(data: SpendingDecisionIn) -> object:
            if budget.get_spending(db_session, spending_id).case_id != case_id:
                raise NotFound(f"spending request {spending_id} is not of case {case_id}")
            return budget.decide_spending(db_session, settings_of(tenant), spending_id, data)

        return await self._submit(request, tenant, db_session, case_id, "grant", spending_id, store)
