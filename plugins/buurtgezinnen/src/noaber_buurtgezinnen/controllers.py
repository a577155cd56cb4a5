"""REST endpoints under ``/api/buurtgezinnen``. Handlers only translate HTTP to services.

The two sign-up forms are public (``opt={"public": True}``): families sign up without an
account; the platform's rate limiter applies to them like to every route. Everything
else is for the programme's staff.

Handlers that show or change data of families name the members of those families'
households in the access log (``noaber_buurtgezinnen.privacy.note_families``), so a
resident's "who accessed my file" lists them. A write to a family or coupling that
exists names them before the write, so a refused write is logged with them too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlmodel import Session

from noaber.clock import dutch_today
from noaber.errors import InvalidInput
from noaber.matching.schemas import SuggestionsOut
from noaber.platform import TenantRuntime
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber.web.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from noaber.web.params import PageNumber, PageSize
from noaber_buurtgezinnen import figures as figures_module
from noaber_buurtgezinnen import services
from noaber_buurtgezinnen.models import Coupling, Family, FamilyKind, Phase, SignUpVia
from noaber_buurtgezinnen.privacy import note_couplings, note_families, note_helpers
from noaber_buurtgezinnen.schemas import (
    CompetenceIn,
    CouplingIn,
    CouplingOut,
    CouplingStepIn,
    FamilyOut,
    Figures,
    IntakeDoneIn,
    IntakeIn,
    Referral,
    ReviewIn,
    SignedUp,
    SteungezinEntry,
    SteungezinSignUp,
    VisitIn,
    VisitOut,
    VogIn,
    VraaggezinEntry,
    VraaggezinSignUp,
    WaitingList,
    WorkItem,
)
from noaber_buurtgezinnen.vocabulary import SUPPORT_KINDS, UPBRINGING_VIEWS

BASE = "/api/buurtgezinnen"
From = Annotated[date | None, QueryParameter(name="from", description="First day of the period.")]
To = Annotated[date | None, QueryParameter(name="to", description="Last day of the period.")]
Year = Annotated[
    int | None,
    QueryParameter(ge=2000, le=2100, description="A calendar year (instead of from/to)."),
]
Today = Annotated[
    date | None, QueryParameter(description="The day to compute the list for (default: today).")
]


class SignUpController(Controller):
    """Public sign-up forms (aanmelden) for both sides."""

    path = f"{BASE}/aanmelden"
    tags = ["buurtgezinnen"]
    opt = {"public": True}

    @post("/vraaggezin", sync_to_thread=True, summary="A family asks for a steungezin")
    def vraaggezin(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[VraaggezinSignUp]
    ) -> SignedUp:
        family = services.sign_up_vraaggezin(db_session, tenant, data)
        note_families(db_session, [family.id])
        return SignedUp(
            reference=f"V-{family.id}",
            message="Bedankt voor je aanmelding. De coördinator van Buurtgezinnen neemt "
            "contact met je op voor een kennismakingsgesprek.",
        )

    @post("/steungezin", sync_to_thread=True, summary="A family offers to be a steungezin")
    def steungezin(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[SteungezinSignUp]
    ) -> SignedUp:
        family = services.sign_up_steungezin(db_session, tenant, data)
        note_families(db_session, [family.id])
        return SignedUp(
            reference=f"S-{family.id}",
            message="Bedankt dat je steungezin wilt worden. De coördinator neemt contact "
            "met je op voor een kennismaking.",
        )

    @get("/vocabulary", sync_to_thread=False, summary="Choices of the sign-up forms")
    def vocabulary(self) -> dict[str, Any]:
        return {
            "upbringing_views": [{"key": k, "label": v} for k, v in UPBRINGING_VIEWS.items()],
            "support_kinds": [{"key": k, "label": v} for k, v in SUPPORT_KINDS.items()],
        }


class FamilyController(Controller):
    path = BASE
    tags = ["buurtgezinnen"]

    @post("/vraaggezinnen", sync_to_thread=True, summary="The coordinator enters a vraaggezin")
    def enter_vraaggezin(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[VraaggezinEntry]
    ) -> FamilyOut:
        family = services.sign_up_vraaggezin(db_session, tenant, data, SignUpVia.coordinator)
        return _family_out(db_session, tenant, family)

    @post("/verwijzingen", sync_to_thread=True, summary="A professional refers a vraaggezin")
    def refer(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[Referral]
    ) -> FamilyOut:
        family = services.sign_up_vraaggezin(db_session, tenant, data, SignUpVia.professional)
        return _family_out(db_session, tenant, family)

    @post("/steungezinnen", sync_to_thread=True, summary="The coordinator enters a steungezin")
    def enter_steungezin(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[SteungezinEntry]
    ) -> FamilyOut:
        family = services.sign_up_steungezin(db_session, tenant, data, SignUpVia.coordinator)
        return _family_out(db_session, tenant, family)

    @get("/families", sync_to_thread=True, summary="Vraaggezinnen and steungezinnen")
    def list_families(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        kind: FromQuery[FamilyKind | None] = None,
    ) -> Page[FamilyOut]:
        families, total = paginate(
            db_session, services.list_families_statement(kind), page, page_size
        )
        # families_out names the families' members from what it reads for the answer.
        return Page[FamilyOut](
            items=services.families_out(db_session, tenant, families),
            total=total,
            page=page,
            page_size=page_size,
        )

    @get("/families/{family_id:int}", sync_to_thread=True, summary="One family")
    def get_family(
        self, tenant: CurrentTenant, db_session: DbSession, family_id: FromPath[int]
    ) -> FamilyOut:
        return _family_out(db_session, tenant, services.get_family(db_session, family_id))

    @post("/families/{family_id:int}/visits", sync_to_thread=True, summary="Record an intake visit")
    def add_visit(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
        data: JSONBody[VisitIn],
    ) -> VisitOut:
        note_families(db_session, [family_id])
        visit = services.add_visit(db_session, tenant, family_id, data)
        return VisitOut.model_validate(visit)

    @post(
        "/families/{family_id:int}/intake",
        sync_to_thread=True,
        summary="Record the four intake questions of a vraaggezin",
    )
    def intake(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
        data: JSONBody[IntakeIn],
    ) -> FamilyOut:
        note_families(db_session, [family_id])
        family = services.record_intake(db_session, family_id, data)
        return services.family_out(db_session, tenant, family)

    @post(
        "/families/{family_id:int}/intake/complete",
        sync_to_thread=True,
        summary="Close the intake (a vraaggezin starts looking for a steungezin)",
    )
    def complete_intake(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
        data: JSONBody[IntakeDoneIn],
    ) -> FamilyOut:
        note_families(db_session, [family_id])
        family = services.complete_intake(db_session, tenant, family_id, data)
        return services.family_out(db_session, tenant, family)

    @post("/families/{family_id:int}/vog", sync_to_thread=True, summary="Record a steungezin's VOG")
    def vog(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
        data: JSONBody[VogIn],
    ) -> FamilyOut:
        note_families(db_session, [family_id])
        family = services.record_vog(db_session, tenant, family_id, data)
        return services.family_out(db_session, tenant, family)

    @post(
        "/families/{family_id:int}/competence",
        sync_to_thread=True,
        summary="Record a steungezin's competence check",
    )
    def competence(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
        data: JSONBody[CompetenceIn],
    ) -> FamilyOut:
        note_families(db_session, [family_id])
        family = services.record_competence(db_session, family_id, data)
        return services.family_out(db_session, tenant, family)

    @get(
        "/families/{family_id:int}/suggestions",
        sync_to_thread=True,
        summary="Steungezinnen for a vraaggezin, ranked and explained",
    )
    def suggestions(
        self, tenant: CurrentTenant, db_session: DbSession, family_id: FromPath[int]
    ) -> SuggestionsOut:
        result: SuggestionsOut = services.suggestions_for(db_session, tenant, family_id)
        note_families(db_session, [family_id])
        note_helpers(db_session, [s.helper.id for s in result.suggestions])
        return result


class CouplingController(Controller):
    path = f"{BASE}/couplings"
    tags = ["buurtgezinnen"]

    @get("/", sync_to_thread=True, summary="Couplings, in the order they were made")
    def list_couplings(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        phase: FromQuery[Phase | None] = None,
        family_id: FromQuery[int | None] = None,
    ) -> Page[CouplingOut]:
        couplings, total = paginate(
            db_session, services.list_couplings_statement(phase, family_id), page, page_size
        )
        note_couplings(db_session, [c.id for c in couplings if c.id is not None])
        return Page[CouplingOut](
            items=services.couplings_out(db_session, couplings),
            total=total,
            page=page,
            page_size=page_size,
        )

    @post("/", sync_to_thread=True, summary="Couple a vraaggezin and a steungezin (kennismaking)")
    def create(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[CouplingIn]
    ) -> CouplingOut:
        note_families(db_session, [data.vraaggezin_id, data.steungezin_id])
        coupling = services.create_coupling(db_session, tenant, data)
        return services.coupling_out(db_session, coupling)

    @get("/{coupling_id:int}", sync_to_thread=True, summary="One coupling")
    def get_one(self, db_session: DbSession, coupling_id: FromPath[int]) -> CouplingOut:
        return _coupling_out(db_session, services.get_coupling(db_session, coupling_id))

    @post(
        "/{coupling_id:int}/steps",
        sync_to_thread=True,
        summary="Next step: proefperiode, afspraken, actief or afgesloten",
    )
    def step(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        coupling_id: FromPath[int],
        data: JSONBody[CouplingStepIn],
    ) -> CouplingOut:
        note_couplings(db_session, [coupling_id])
        coupling = services.step(db_session, tenant, coupling_id, data)
        return services.coupling_out(db_session, coupling)

    @post("/{coupling_id:int}/reviews", sync_to_thread=True, summary="Record a review")
    def review(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        coupling_id: FromPath[int],
        data: JSONBody[ReviewIn],
    ) -> CouplingOut:
        note_couplings(db_session, [coupling_id])
        coupling = services.add_review(db_session, tenant, coupling_id, data)
        return services.coupling_out(db_session, coupling)


class OverviewController(Controller):
    path = BASE
    tags = ["buurtgezinnen"]

    @get("/worklist", sync_to_thread=True, summary="Reviews and trial ends due; overdue flagged")
    def worklist(
        self, tenant: CurrentTenant, db_session: DbSession, today: Today = None
    ) -> list[WorkItem]:
        items = figures_module.work_list(db_session, tenant, today or dutch_today())
        note_couplings(db_session, [i.coupling_id for i in items])
        return items

    @get("/waiting-list", sync_to_thread=True, summary="Families waiting, with waiting time")
    def waiting(
        self, tenant: CurrentTenant, db_session: DbSession, today: Today = None
    ) -> WaitingList:
        waiting = figures_module.waiting_list(db_session, tenant, today or dutch_today())
        note_families(db_session, [w.family_id for w in waiting.vraaggezinnen])
        note_families(db_session, [w.family_id for w in waiting.steungezinnen])
        return waiting

    @get("/figures", sync_to_thread=True, summary="Figures for a year or a period")
    def figures(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        year: Year = None,
        period_from: From = None,
        period_to: To = None,
    ) -> Figures:
        start, end = _period(year, period_from, period_to)
        return figures_module.figures(db_session, tenant, start, end)


def _family_out(db_session: Session, tenant: TenantRuntime, family: Family) -> FamilyOut:
    note_families(db_session, [family.id])
    return services.family_out(db_session, tenant, family)


def _coupling_out(db_session: Session, coupling: Coupling) -> CouplingOut:
    note_couplings(db_session, [coupling.id] if coupling.id is not None else [])
    return services.coupling_out(db_session, coupling)


def _period(year: int | None, start: date | None, end: date | None) -> tuple[date, date]:
    def bad(message: str) -> InvalidInput:
        return InvalidInput(
            message, errors=[{"field": "year", "source": "query", "message": message}]
        )

    if year is not None:
        if start is not None or end is not None:
            raise bad("give either year or from/to, not both")
        return date(year, 1, 1), date(year, 12, 31)
    if start is None or end is None:
        if start is None and end is None:
            today = dutch_today()
            return date(today.year, 1, 1), date(today.year, 12, 31)
        raise bad("give both from and to")
    if end < start:
        raise bad(f"to ({end}) lies before from ({start})")
    return start, end


CONTROLLERS = [SignUpController, FamilyController, CouplingController, OverviewController]
