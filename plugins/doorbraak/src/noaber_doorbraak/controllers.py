"""REST endpoints under ``/api/doorbraak``. Handlers only translate HTTP to service calls.

Every route needs a logged-in staff account of the municipality with the doorbraak
programme, except the FHIR referral endpoint (``opt={"public": True}``), which
authenticates the referring organisation with its own bearer token. Issuing and revoking
those tokens is for municipality admins and coordinators only.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter, RawBody
from litestar.types import ControllerRouterHandler

from noaber.clock import dutch_today
from noaber.errors import NoaberError
from noaber.privacy.access_log import note_object
from noaber.privacy.web import NAMES_NO_ONE
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber.web.pagination import DEFAULT_PAGE_SIZE, Page
from noaber.web.params import PageNumber, PageSize
from noaber_doorbraak import budget as budget_module
from noaber_doorbraak import factors as factors_module
from noaber_doorbraak import figures as figures_module
from noaber_doorbraak import privacy, referrals, services
from noaber_doorbraak.schemas import (
    ActionDoneIn,
    ActionIn,
    ActionOut,
    AgencyIn,
    AgencyOut,
    BlockageIn,
    BlockageOut,
    BlockageOverview,
    BudgetOut,
    CaseIn,
    CaseOut,
    CaseSummary,
    CloseIn,
    CostComparison,
    DecisionIn,
    EscalationIn,
    EscalationOut,
    Figures,
    GoalIn,
    ImportResult,
    NeighbourhoodOverview,
    SpendingDecisionIn,
    SpendingIn,
    SpendingOut,
    TokenIn,
    TokenInfo,
    TokenOut,
)
from noaber_doorbraak.settings import DoorbraakSettings

From = Annotated[date | None, QueryParameter(name="from", description="First day of the period.")]
To = Annotated[date | None, QueryParameter(name="to", description="Last day of the period.")]
TOKEN_ROLES = ("municipality_admin", "coordinator")
# Why these routes' writes name no data subject in the access log.
NO_PERSONS_FACTORS = {NAMES_NO_ONE: "neighbourhood figures of the factorenmodel, no persons"}
NO_PERSONS_CREDENTIAL = {NAMES_NO_ONE: "an organisation's FHIR credential"}


def settings_of(tenant: CurrentTenant) -> DoorbraakSettings:
    found = tenant.municipality.plugin_settings.get("doorbraak")
    return found if isinstance(found, DoorbraakSettings) else DoorbraakSettings()


def _case(tenant: CurrentTenant, db_session: DbSession, case_id: int) -> CaseOut:
    case = services.get_case(db_session, case_id)
    privacy.note_households(db_session, [case.household_id])
    return services.case_out(db_session, tenant.plugins, settings_of(tenant), case)


class CaseController(Controller):
    path = "/api/doorbraak/cases"
    tags = ["doorbraak"]

    @get(
        "/",
        sync_to_thread=True,
        summary="Breakthrough cases, in the order they were opened (open_only=true: open only)",
    )
    def list_cases(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        open_only: FromQuery[bool] = False,
    ) -> Page[CaseSummary]:
        """One page of the cases, the first opened first (by case id); the access log
        names the members of the page's households."""
        total = services.count_cases(db_session, open_only=open_only)
        cases = services.list_cases(
            db_session, open_only=open_only, offset=(page - 1) * page_size, limit=page_size
        )
        privacy.note_households(db_session, [c.household_id for c in cases])
        return Page[CaseSummary](items=cases, total=total, page=page, page_size=page_size)

    @post("/", sync_to_thread=True, summary="Open a breakthrough case for a household")
    def create(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[CaseIn]
    ) -> CaseOut:
        privacy.note_households(db_session, [data.household_id])  # a refusal too
        case = services.create_case(db_session, tenant.plugins, data)
        assert case.id is not None
        note_object("doorbraak_case", case.id)
        return services.case_out(db_session, tenant.plugins, settings_of(tenant), case)

    @get("/{case_id:int}", sync_to_thread=True, summary="One case: goal, map, plan, blockages")
    def get_one(
        self, tenant: CurrentTenant, db_session: DbSession, case_id: FromPath[int]
    ) -> CaseOut:
        return _case(tenant, db_session, case_id)

    @put("/{case_id:int}/goal", sync_to_thread=True, summary="The family's one-year goal")
    def set_goal(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
        data: JSONBody[GoalIn],
    ) -> CaseOut:
        privacy.note_cases(db_session, [case_id])
        services.set_goal(db_session, case_id, data)
        return _case(tenant, db_session, case_id)

    @post("/{case_id:int}/agencies", sync_to_thread=True, summary="Add an agency to the map")
    def add_agency(
        self, db_session: DbSession, case_id: FromPath[int], data: JSONBody[AgencyIn]
    ) -> AgencyOut:
        privacy.note_cases(db_session, [case_id])
        agency = services.add_agency(db_session, case_id, data)
        return AgencyOut.model_validate(agency)

    @post("/{case_id:int}/actions", sync_to_thread=True, summary="Add an action to the plan")
    def add_action(
        self, db_session: DbSession, case_id: FromPath[int], data: JSONBody[ActionIn]
    ) -> ActionOut:
        privacy.note_cases(db_session, [case_id])
        action = services.add_action(db_session, case_id, data)
        return ActionOut.model_validate(action)

    @post(
        "/{case_id:int}/actions/{action_id:int}/done",
        sync_to_thread=True,
        summary="Mark an action done",
    )
    def complete_action(
        self,
        db_session: DbSession,
        case_id: FromPath[int],
        action_id: FromPath[int],
        data: JSONBody[ActionDoneIn],
    ) -> ActionOut:
        privacy.note_cases(db_session, [case_id])
        action = services.complete_action(db_session, case_id, action_id, data)
        return ActionOut.model_validate(action)

    @post("/{case_id:int}/blockages", sync_to_thread=True, summary="Record a blockage")
    def add_blockage(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
        data: JSONBody[BlockageIn],
    ) -> BlockageOut:
        privacy.note_cases(db_session, [case_id])
        blockage = services.add_blockage(db_session, case_id, data)
        return services.blockages_out(db_session, settings_of(tenant), [blockage])[0]

    @post("/{case_id:int}/spending", sync_to_thread=True, summary="Ask for maatwerk budget")
    def request_spending(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
        data: JSONBody[SpendingIn],
    ) -> SpendingOut:
        settings = settings_of(tenant)
        privacy.note_cases(db_session, [case_id])
        spending = budget_module.request_spending(db_session, settings, case_id, data)
        return services.spending_out(spending, settings)

    @post(
        "/{case_id:int}/close",
        sync_to_thread=True,
        summary="Close the case with its outcome (the request moves to afgesloten)",
    )
    def close(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        case_id: FromPath[int],
        data: JSONBody[CloseIn],
    ) -> CaseOut:
        privacy.note_cases(db_session, [case_id])
        services.close_case(db_session, tenant.plugins, case_id, data)
        return _case(tenant, db_session, case_id)


class BlockageController(Controller):
    path = "/api/doorbraak"
    tags = ["doorbraak"]

    @get(
        "/blockages",
        sync_to_thread=True,
        summary="Blockages, in the order they were recorded (overdue=true: overdue only)",
    )
    def list_blockages(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        overdue: FromQuery[bool] = False,
    ) -> Page[BlockageOut]:
        """One page of the blockages of every case, open or closed, the first recorded
        first (by blockage id); ``overdue=true``: only those with an escalation whose
        decision is overdue. The access log names the families of the page's cases."""
        total = services.count_blockages(db_session, overdue_only=overdue)
        found = services.list_blockages(
            db_session,
            settings_of(tenant),
            overdue_only=overdue,
            offset=(page - 1) * page_size,
            limit=page_size,
        )
        privacy.note_cases(db_session, [b.case_id for b in found])
        return Page[BlockageOut](items=found, total=total, page=page, page_size=page_size)

    @get("/blockages/overview", sync_to_thread=True, summary="Which rules block most often")
    def overview(
        self, db_session: DbSession, period_from: From = None, period_to: To = None
    ) -> BlockageOverview:
        return services.blockage_overview(db_session, period_from=period_from, period_to=period_to)

    @post(
        "/blockages/{blockage_id:int}/escalations",
        sync_to_thread=True,
        summary="Escalate a blockage to a level of the configured path",
    )
    def escalate(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        blockage_id: FromPath[int],
        data: JSONBody[EscalationIn],
    ) -> EscalationOut:
        privacy.note_blockages(db_session, [blockage_id])
        escalation = services.escalate(db_session, settings_of(tenant), blockage_id, data)
        return services.escalation_out(escalation)

    @post(
        "/escalations/{escalation_id:int}/decision",
        sync_to_thread=True,
        summary="Record the decision on an escalation",
    )
    def decide(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        escalation_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> EscalationOut:
        privacy.note_escalations(db_session, [escalation_id])
        escalation = services.decide_escalation(
            db_session, settings_of(tenant), escalation_id, data
        )
        return services.escalation_out(escalation)


class BudgetController(Controller):
    path = "/api/doorbraak"
    tags = ["doorbraak"]

    @post(
        "/spending/{spending_id:int}/decision",
        sync_to_thread=True,
        summary="Grant or refuse a spending request (never overdraws the budget)",
    )
    def decide(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        spending_id: FromPath[int],
        data: JSONBody[SpendingDecisionIn],
    ) -> SpendingOut:
        settings = settings_of(tenant)
        privacy.note_spending(db_session, [spending_id])
        spending = budget_module.decide_spending(db_session, settings, spending_id, data)
        return services.spending_out(spending, settings)

    @get("/budget", sync_to_thread=True, summary="Maatwerk budget of a year and decision times")
    def budget(
        self, tenant: CurrentTenant, db_session: DbSession, year: FromQuery[int | None] = None
    ) -> BudgetOut:
        return budget_module.budget_out(db_session, settings_of(tenant), year or dutch_today().year)

    @get("/costs", sync_to_thread=True, summary="Cost comparison per case and summed")
    def costs(self, db_session: DbSession) -> CostComparison:
        comparison = services.cost_comparison(db_session)
        privacy.note_cases(db_session, [c.case_id for c in comparison.cases])  # per family
        return comparison

    @get("/figures", sync_to_thread=True, summary="Figures for the municipality")
    def figures(self, tenant: CurrentTenant, db_session: DbSession) -> Figures:
        return figures_module.figures(db_session, settings_of(tenant))


class NeighbourhoodController(Controller):
    path = "/api/doorbraak"
    tags = ["doorbraak"]

    @post(
        "/factors/import",
        sync_to_thread=True,
        summary="Import factorenmodel indicators from CSV (all or nothing)",
        description="Columns: " + ", ".join(factors_module.COLUMNS) + ". Comma or semicolon.",
        opt=NO_PERSONS_FACTORS,
    )
    def import_factors(self, db_session: DbSession, body: RawBody) -> ImportResult:
        return factors_module.import_csv(db_session, body)

    @get(
        "/neighbourhoods",
        sync_to_thread=True,
        summary="Neighbourhoods against the municipality, with programme activity",
    )
    def neighbourhoods(
        self, tenant: CurrentTenant, db_session: DbSession, year: FromQuery[int | None] = None
    ) -> NeighbourhoodOverview:
        threshold = settings_of(tenant).small_count_threshold
        return factors_module.overview(db_session, threshold, year)


class ReferrerController(Controller):
    path = "/api/doorbraak/referrers/{organisation_id:int}/tokens"
    tags = ["doorbraak"]
    opt = {"roles": TOKEN_ROLES}

    @post(
        "/",
        sync_to_thread=True,
        summary="Issue a FHIR credential to a referring organisation",
        opt=NO_PERSONS_CREDENTIAL,
    )
    def issue(
        self, db_session: DbSession, organisation_id: FromPath[int], data: JSONBody[TokenIn]
    ) -> TokenOut:
        return referrals.issue_token(db_session, organisation_id, data.issued_by)

    @get("/", sync_to_thread=True, summary="The organisation's credentials (hints only)")
    def list_tokens(self, db_session: DbSession, organisation_id: FromPath[int]) -> list[TokenInfo]:
        return referrals.list_tokens(db_session, organisation_id)

    @post(
        "/{token_id:int}/revoke",
        sync_to_thread=True,
        summary="Revoke a credential",
        opt=NO_PERSONS_CREDENTIAL,
    )
    def revoke(
        self, db_session: DbSession, organisation_id: FromPath[int], token_id: FromPath[int]
    ) -> TokenInfo:
        return referrals.revoke_token(db_session, organisation_id, token_id)


def _fhir_error(_request: Request[Any, Any, Any], exc: referrals.FhirError) -> Response[Any]:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    return Response(
        exc.outcome(), status_code=exc.status, media_type=referrals.FHIR_JSON, headers=headers
    )


def _domain_error(_request: Request[Any, Any, Any], exc: NoaberError) -> Response[Any]:
    issue = referrals.Issue("invalid" if exc.status < 500 else "exception", exc.detail)
    return Response(
        referrals.operation_outcome([issue]),
        status_code=exc.status,
        media_type=referrals.FHIR_JSON,
    )


class ReferralController(Controller):
    """The inbound FHIR endpoint: public, the referring organisation's token authenticates."""

    path = "/api/doorbraak/fhir"
    tags = ["doorbraak"]
    # Public: no session; the bearer token of the referring organisation authenticates
    # (so no CSRF token either: nothing rides on a browser session here).
    opt = {"public": True, "csrf_exempt": True}
    exception_handlers = {referrals.FhirError: _fhir_error, NoaberError: _domain_error}

    @post(
        "/ServiceRequest",
        sync_to_thread=True,
        summary="Receive a GP referral: a FHIR R4 ServiceRequest with its Patient contained",
        opt={"public": True, "csrf_exempt": True},
    )
    def receive(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        body: RawBody,
        authorization: Annotated[str | None, HeaderParameter(name="Authorization")] = None,
    ) -> Response[Any]:
        return _receive(tenant, db_session, body, authorization)

    @post(
        "/",
        sync_to_thread=True,
        summary="Receive a GP referral as a FHIR R4 Bundle (ServiceRequest and Patient)",
        opt={"public": True, "csrf_exempt": True},
    )
    def receive_bundle(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        body: RawBody,
        authorization: Annotated[str | None, HeaderParameter(name="Authorization")] = None,
    ) -> Response[Any]:
        return _receive(tenant, db_session, body, authorization)


def _receive(
    tenant: CurrentTenant, db_session: DbSession, body: bytes, authorization: str | None
) -> Response[Any]:
    organisation = referrals.authenticate(db_session, authorization)
    received = referrals.receive(db_session, tenant.plugins, organisation, body)
    if received.created:
        note_object("doorbraak_case", received.case_id)
    case = services.get_case(db_session, received.case_id)
    privacy.note_households(db_session, [case.household_id])
    return Response(
        received.resource,
        status_code=201 if received.created else 200,
        media_type=referrals.FHIR_JSON,
        headers={"Location": f"/api/doorbraak/cases/{received.case_id}"},
    )


CONTROLLERS: list[ControllerRouterHandler] = [
    CaseController,
    BlockageController,
    BudgetController,
    NeighbourhoodController,
    ReferrerController,
    ReferralController,
]
