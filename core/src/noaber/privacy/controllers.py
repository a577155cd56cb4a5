"""Privacy routes: audit search, "who accessed my file", consent, sharing a case with a
professional, data-subject export and erasure, and the resident's and volunteer's own
views (``/api/me``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from pydantic import BaseModel, Field
from sqlmodel import col, select

from noaber.accounts.access import current_principal, visible_ids
from noaber.accounts.models import Account
from noaber.accounts.roles import Principal, Role
from noaber.accounts.web import ROLES
from noaber.clock import utcnow
from noaber.errors import Conflict, Forbidden, InvalidInput, NotFound
from noaber.matching.models import Match
from noaber.people.models import HouseholdMember, Organisation, Person
from noaber.people.services import note_subjects_of
from noaber.privacy import access_log, own_log, subject
from noaber.privacy.models import CaseShare, Consent
from noaber.privacy.own_log import MyAccessOut
from noaber.privacy.web import OBJECT_TYPE, PURPOSE
from noaber.requests.models import HelpRequest
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber.web.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from noaber.web.params import PageNumber, PageSize

PRIVACY = ("municipality_admin", "privacy_officer")
CASE_STAFF = ("municipality_admin", "coordinator")
RIGHTS = "data-subject rights"


def _principal() -> Principal:
    principal = current_principal()
    if principal is None:
        raise Forbidden("Log in first.")
    return principal


class AccessLogOut(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_role: str
    on_behalf_of: str | None
    subject_person_id: int | None
    action: str
    object_type: str
    object_id: str | None
    result: str
    origin: str
    purpose: str
    trace_id: str
    route: str | None


class AuditController(Controller):
    """The privacy officer's search through the access log (functioneel beheer)."""

    path = "/api/privacy/access-log"
    tags = ["privacy"]
    opt = {ROLES: PRIVACY, PURPOSE: "privacy supervision", OBJECT_TYPE: "access_log"}

    @get("/", sync_to_thread=True, summary="Search the access log")
    def search(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        actor: FromQuery[str | None] = None,
        subject_person_id: FromQuery[int | None] = None,
        object_type: FromQuery[str | None] = None,
        result: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        trace_id: FromQuery[str | None] = None,
        since: Annotated[datetime | None, QueryParameter(name="from")] = None,
        until: Annotated[datetime | None, QueryParameter(name="to")] = None,
    ) -> Page[AccessLogOut]:
        filters = {
            "actor": actor,
            "subject_person_id": subject_person_id,
            "object_type": object_type,
            "result": result,
            "action": action,
            "trace_id": trace_id,
        }
        statement = access_log.search(filters, since, until)
        rows, total = paginate(db_session, statement, page, page_size)
        return Page(
            items=[AccessLogOut.model_validate(r, from_attributes=True) for r in rows],
            total=total,
            page=page,
            page_size=page_size,
        )


class ConsentIn(BaseModel):
    organisation_id: int
    categories: list[str] = Field(min_length=1, max_length=20)


class ConsentOut(BaseModel):
    id: int
    person_id: int
    organisation_id: int
    categories: list[str]
    granted_at: datetime
    withdrawn_at: datetime | None
    recorded_by: str


class ShareIn(BaseModel):
    account_id: int
    categories: list[str] = Field(min_length=1, max_length=20)
    purpose: str = Field(min_length=3, max_length=100)


class ShareOut(BaseModel):
    id: int
    household_id: int
    account_id: int
    organisation_id: int
    categories: list[str]
    purpose: str
    created_at: datetime
    revoked_at: datetime | None


class EraseIn(BaseModel):
    reason: str = Field(min_length=3, max_length=200)


def _consent_out(row: Consent) -> ConsentOut:
    return ConsentOut.model_validate(row, from_attributes=True)


def _active_consents(session: Any, person_id: int, organisation_id: int) -> list[Consent]:
    return list(
        session.exec(
            select(Consent).where(
                Consent.person_id == person_id,
                Consent.organisation_id == organisation_id,
                col(Consent.withdrawn_at).is_(None),
            )
        ).all()
    )


def consent_covers(
    session: Any, person_id: int, organisation_id: int, categories: list[str]
) -> bool:
    """Has ``person_id`` consented that ``organisation_id`` receives every category?"""
    granted: set[str] = set()
    for consent in _active_consents(session, person_id, organisation_id):
        granted.update(consent.categories)
    return set(categories) <= granted


class ConsentController(Controller):
    path = "/api/people/{person_id:int}/consents"
    tags = ["privacy"]
    opt = {ROLES: CASE_STAFF, PURPOSE: "consent administration"}

    @get("/", sync_to_thread=True, summary="A person's consents for partner organisations")
    def list_consents(self, db_session: DbSession, person_id: FromPath[int]) -> list[ConsentOut]:
        rows = db_session.exec(
            select(Consent).where(Consent.person_id == person_id).order_by(col(Consent.id))
        ).all()
        return [_consent_out(r) for r in rows]

    @post("/", sync_to_thread=True, summary="Record a consent")
    def grant(
        self, db_session: DbSession, person_id: FromPath[int], data: JSONBody[ConsentIn]
    ) -> ConsentOut:
        if db_session.get(Person, person_id) is None:
            raise NotFound(f"No person {person_id}.")
        if db_session.get(Organisation, data.organisation_id) is None:
            raise InvalidInput(f"No organisation {data.organisation_id}.", field="organisation_id")
        row = Consent(
            tenant_id=_tenant(),
            person_id=person_id,
            organisation_id=data.organisation_id,
            categories=sorted(set(data.categories)),
            recorded_by=_principal().actor,
        )
        db_session.add(row)
        db_session.flush()
        return _consent_out(row)

    @post("/{consent_id:int}/withdraw", sync_to_thread=True, status_code=200, summary="Withdraw")
    def withdraw(
        self, db_session: DbSession, person_id: FromPath[int], consent_id: FromPath[int]
    ) -> ConsentOut:
        row = db_session.get(Consent, consent_id)
        if row is None or row.person_id != person_id:
            raise NotFound(f"No consent {consent_id}.")
        row.withdrawn_at = utcnow()
        # Shares that relied on it end too.
        for share in db_session.exec(
            select(CaseShare).where(
                CaseShare.organisation_id == row.organisation_id,
                col(CaseShare.revoked_at).is_(None),
            )
        ).all():
            members = _members(db_session, share.household_id)
            if person_id in members:
                share.revoked_at = utcnow()
        return _consent_out(row)


def _members(session: Any, household_id: int) -> list[int]:
    return list(
        session.exec(
            select(HouseholdMember.person_id).where(HouseholdMember.household_id == household_id)
        ).all()
    )


def _tenant() -> str:
    from noaber.tenancy.context import require_tenant

    return require_tenant()


class ShareController(Controller):
    """Sharing a household's case with a professional: refused without consent."""

    path = "/api/households/{household_id:int}/shares"
    tags = ["privacy"]
    opt = {ROLES: CASE_STAFF, PURPOSE: "sharing with a partner"}

    @get("/", sync_to_thread=True, summary="Who this case is shared with")
    def list_shares(self, db_session: DbSession, household_id: FromPath[int]) -> list[ShareOut]:
        rows = db_session.exec(
            select(CaseShare).where(CaseShare.household_id == household_id)
        ).all()
        note_subjects_of(db_session, household_ids=[household_id])
        return [ShareOut.model_validate(r, from_attributes=True) for r in rows]

    @post("/", sync_to_thread=True, summary="Share the case with a professional")
    def share(
        self, db_session: DbSession, household_id: FromPath[int], data: JSONBody[ShareIn]
    ) -> ShareOut:
        from noaber.people.models import Household, Professional

        if db_session.get(Household, household_id) is None:
            raise NotFound(f"No household {household_id}.")
        account = db_session.get(Account, data.account_id)
        if account is None or account.role != Role.professional or account.disabled:
            raise InvalidInput(
                "Share only with an active professional's account.", field="account_id"
            )
        professional = (
            db_session.get(Professional, account.professional_id)
            if account.professional_id
            else None
        )
        if professional is None:
            raise InvalidInput("This account is not linked to a professional.", field="account_id")
        members = _members(db_session, household_id)
        missing = [
            p
            for p in members
            if not consent_covers(db_session, p, professional.organisation_id, data.categories)
        ]
        if not members or missing:
            raise Conflict(
                "Sharing refused: no consent of every household member for this organisation "
                "and these categories.",
                missing_consent=missing,
            )
        row = CaseShare(
            tenant_id=_tenant(),
            household_id=household_id,
            account_id=data.account_id,
            organisation_id=professional.organisation_id,
            categories=sorted(set(data.categories)),
            purpose=data.purpose,
            shared_by=_principal().actor,
        )
        db_session.add(row)
        db_session.flush()
        access_log.note_subjects(members)
        return ShareOut.model_validate(row, from_attributes=True)

    @post("/{share_id:int}/revoke", sync_to_thread=True, status_code=200, summary="Stop sharing")
    def revoke(
        self, db_session: DbSession, household_id: FromPath[int], share_id: FromPath[int]
    ) -> ShareOut:
        row = db_session.get(CaseShare, share_id)
        if row is None or row.household_id != household_id:
            raise NotFound(f"No share {share_id}.")
        row.revoked_at = utcnow()
        note_subjects_of(db_session, household_ids=[household_id])
        return ShareOut.model_validate(row, from_attributes=True)


def _export_response(export: dict[str, Any], municipality: str, fmt: str) -> Response[Any]:
    if fmt == "html":
        return Response(subject.export_html(export, municipality), media_type="text/html")
    return Response(export, headers={"Content-Disposition": "attachment; filename=export.json"})


class SubjectController(Controller):
    """Data-subject rights carried out by functioneel beheer on a resident's request."""

    path = "/api/people/{person_id:int}"
    tags = ["privacy"]
    opt = {ROLES: PRIVACY, PURPOSE: RIGHTS}

    @get("/export", sync_to_thread=True, summary="Everything about a person (JSON or html)")
    def export(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        person_id: FromPath[int],
        format: FromQuery[str] = "json",
    ) -> Response[Any]:
        data = subject.export_person(db_session, tenant.plugins, person_id)
        return _export_response(data, tenant.municipality.config.name, format)

    @post("/erase", sync_to_thread=True, status_code=200, summary="Erase a person everywhere")
    def erase(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        person_id: FromPath[int],
        data: JSONBody[EraseIn],
    ) -> dict[str, Any]:
        counts = subject.erase_person(
            db_session, tenant.plugins, person_id, principal=current_principal(), reason=data.reason
        )
        return {"person_id": person_id, "erased": counts}


class MeController(Controller):
    """What a resident or volunteer may see of their own."""

    path = "/api/me"
    tags = ["privacy"]
    opt = {
        ROLES: (
            "municipality_admin",
            "privacy_officer",
            "coordinator",
            "professional",
            "volunteer",
            "resident",
        )
    }

    @get("/", sync_to_thread=True, opt={PURPOSE: "own data"}, summary="Your account")
    def me(self) -> dict[str, Any]:
        principal = _principal()
        return {
            "role": principal.role,
            "display_name": principal.label,
            "programmes": sorted(principal.programmes),
            "person_id": principal.person_id,
            "helper_id": principal.helper_id,
        }

    @get(
        "/access-log",
        sync_to_thread=True,
        opt={ROLES: ("resident", "volunteer"), PURPOSE: "own data"},
        summary="Who accessed my file, and why",
    )
    def my_access_log(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[MyAccessOut]:
        principal = _principal()
        if principal.person_id is None:
            return Page[MyAccessOut](items=[], total=0, page=page, page_size=page_size)
        entries, total = own_log.entries_about(
            db_session, principal.person_id, page=page, page_size=page_size
        )
        access_log.note_subjects([principal.person_id])
        return Page[MyAccessOut](items=entries, total=total, page=page, page_size=page_size)

    @get(
        "/export",
        sync_to_thread=True,
        opt={ROLES: ("resident", "volunteer"), PURPOSE: RIGHTS},
        summary="Download everything we hold about you",
    )
    def my_export(
        self, tenant: CurrentTenant, db_session: DbSession, format: FromQuery[str] = "json"
    ) -> Response[Any]:
        principal = _principal()
        if principal.person_id is None:
            raise NotFound("Your account is not linked to a person.")
        data = subject.export_person(db_session, tenant.plugins, principal.person_id)
        access_log.note_subjects([principal.person_id])
        access_log.set_purpose(RIGHTS)
        return _export_response(data, tenant.municipality.config.name, format)

    @get(
        "/requests",
        sync_to_thread=True,
        opt={ROLES: ("resident",), PURPOSE: "own data"},
        summary="Your requests",
    )
    def my_requests(self, db_session: DbSession) -> list[dict[str, Any]]:
        principal = _principal()
        ids = visible_ids(db_session, principal, "request") or set()
        rows = db_session.exec(select(HelpRequest).where(col(HelpRequest.id).in_(ids))).all()
        access_log.note_subjects([principal.person_id])
        return [
            {"id": r.id, "type": r.type, "status": r.status, "description": r.description}
            for r in rows
        ]

    @get(
        "/matches",
        sync_to_thread=True,
        opt={ROLES: ("volunteer",), PURPOSE: "own couplings"},
        summary="Your couplings and jobs, with the minimum about the family",
    )
    def my_matches(self, db_session: DbSession) -> list[dict[str, Any]]:
        principal = _principal()
        if principal.helper_id is None:
            return []
        rows = db_session.exec(select(Match).where(Match.helper_id == principal.helper_id)).all()
        out = []
        for match in rows:
            request = db_session.get(HelpRequest, match.request_id)
            person = (
                db_session.get(Person, request.person_id) if request and request.person_id else None
            )
            if person is not None:
                access_log.note_subjects([person.id])
            out.append(
                {
                    "match_id": match.id,
                    "status": match.status,
                    "request_type": request.type if request else None,
                    "wished_from": request.wished_from if request else None,
                    "availability": request.availability if request else [],
                    "contact_given_name": person.given_name if person else None,
                    "neighbourhood_id": request.neighbourhood_id if request else None,
                }
            )
        return out


CONTROLLERS = [
    AuditController,
    ConsentController,
    ShareController,
    SubjectController,
    MeController,
]
