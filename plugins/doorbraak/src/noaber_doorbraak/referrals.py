"""Inbound GP referrals: an HL7 FHIR R4 ``ServiceRequest`` (its ``Patient`` contained or in
the same ``Bundle``), validated with the maintained ``fhir.resources`` models, creates a
breakthrough case in the municipality of the host.

FHIR R4 and R4B share ServiceRequest, Patient, Bundle and OperationOutcome; the R4B
models of ``fhir.resources`` (which no longer ships a separate R4 package) validate R4
payloads of these resources. Each referring organisation authenticates with its own
bearer token, issued by a municipality admin or coordinator and stored only as a
SHA-256 hash (the token is 256 random bits, so a fast hash is enough).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pluggy
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from noaber.clock import dutch_today
from noaber.errors import InvalidInput, NotFound
from noaber.people.models import MemberRole, Organisation, utcnow
from noaber.people.schemas import HouseholdIn, MemberIn, PersonIn
from noaber.people.services import create_household, resolve_postcode
from noaber.requests.models import AskedBy
from noaber.tenancy.context import require_tenant
from noaber_doorbraak.models import CaseSource, Referral, ReferrerToken
from noaber_doorbraak.schemas import CaseIn, TokenInfo, TokenOut
from noaber_doorbraak.services import create_case, referring_professional

FHIR_JSON = "application/fhir+json"
TOKEN_PREFIX = "dbk_"  # noqa: S105  (a prefix, not a secret)
STATUSES = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
INTENTS = {
    "proposal",
    "plan",
    "directive",
    "order",
    "original-order",
    "reflex-order",
    "filler-order",
    "instance-order",
    "option",
}
UNASSIGNED = "nog toe te wijzen"


@dataclass
class Issue:
    code: str
    diagnostics: str
    expression: str | None = None
    severity: str = "error"


@dataclass
class FhirError(Exception):
    """A refused referral; the web layer answers with an OperationOutcome."""

    status: int
    issues: list[Issue] = field(default_factory=list)

    def outcome(self) -> dict[str, Any]:
        return operation_outcome(self.issues)


def operation_outcome(issues: Sequence[Issue]) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": i.severity,
                "code": i.code,
                "diagnostics": i.diagnostics,
                **({"expression": [i.expression]} if i.expression else {}),
            }
            for i in issues
        ],
    }


def _refuse(status: int, code: str, diagnostics: str, expression: str | None = None) -> FhirError:
    return FhirError(status, [Issue(code, diagnostics, expression)])


# --- credentials ---------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, organisation_id: int, issued_by: str) -> TokenOut:
    org = session.exec(select(Organisation).where(Organisation.id == organisation_id)).first()
    if org is None:
        raise NotFound(f"organisation {organisation_id} not found")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ReferrerToken(
        tenant_id=require_tenant(),
        organisation_id=organisation_id,
        token_hash=hash_token(token),
        hint=token[: len(TOKEN_PREFIX) + 4],
        issued_by=issued_by,
    )
    session.add(row)
    session.flush()
    return TokenOut(
        id=row.id or 0,
        organisation_id=organisation_id,
        token=token,
        hint=row.hint,
        issued_at=row.issued_at,
    )


def list_tokens(session: Session, organisation_id: int) -> list[TokenInfo]:
    rows = session.exec(
        select(ReferrerToken)
        .where(ReferrerToken.organisation_id == organisation_id)
        .order_by(col(ReferrerToken.id))
    )
    return [TokenInfo.model_validate(r) for r in rows]


def revoke_token(session: Session, organisation_id: int, token_id: int) -> TokenInfo:
    row = session.exec(
        select(ReferrerToken).where(
            ReferrerToken.id == token_id, ReferrerToken.organisation_id == organisation_id
        )
    ).first()
    if row is None:
        raise NotFound(f"token {token_id} of organisation {organisation_id} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.flush()
    return TokenInfo.model_validate(row)


def authenticate(session: Session, authorization: str | None) -> Organisation:
    """The referring organisation of a bearer token of this municipality, else 401."""
    match = re.fullmatch(r"Bearer\s+(\S+)", (authorization or "").strip(), flags=re.IGNORECASE)
    if match is None:
        raise _refuse(401, "login", "a bearer token of the referring organisation is required")
    row = session.exec(
        select(ReferrerToken).where(ReferrerToken.token_hash == hash_token(match.group(1)))
    ).first()
    if row is None or row.revoked_at is not None:
        raise _refuse(401, "login", "the token is unknown or revoked")
    org = session.exec(select(Organisation).where(Organisation.id == row.organisation_id)).first()
    if org is None:  # pragma: no cover - foreign key
        raise _refuse(401, "login", "the token's organisation no longer exists")
    return org


# --- parsing -------------------------------------------------------------------------------


def _loc(root: str, loc: Sequence[Any]) -> str:
    path = root
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.replace(".resource_type", ".resourceType")


def _validate(model: Any, payload: dict[str, Any], root: str) -> Any:
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise FhirError(
            422,
            [
                Issue(
                    "invalid" if e["type"] != "missing" else "required",
                    e["msg"],
                    _loc(root, e["loc"]),
                )
                for e in exc.errors()
            ],
        ) from None


@dataclass(frozen=True)
class ParsedReferral:
    service_request: ServiceRequest
    patient: Patient
    system: str
    value: str


def parse(body: bytes) -> ParsedReferral:
    """Validate a ServiceRequest (Patient contained) or a Bundle holding both."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(400, "structure", f"the body is not JSON: {exc}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("resourceType"), str):
        raise _refuse(400, "structure", "the body is not a FHIR resource (no resourceType)")
    kind = payload["resourceType"]
    try:
        get_fhir_model_class(kind)
    except (ValueError, KeyError):
        raise _refuse(
            422, "not-supported", f"{kind!r} is not a FHIR resource type", "resourceType"
        ) from None
    if kind == "ServiceRequest":
        request = _validate(ServiceRequest, payload, "ServiceRequest")
        patient = _contained_patient(request)
    elif kind == "Bundle":
        bundle = _validate(Bundle, payload, "Bundle")
        request, patient = _from_bundle(bundle)
    else:
        raise _refuse(
            422,
            "not-supported",
            f"a referral is a ServiceRequest (or a Bundle with one), not a {kind}",
            "resourceType",
        )
    return _check(request, patient)


def _contained_patient(request: ServiceRequest) -> Patient:
    ref = request.subject.reference if request.subject is not None else None
    if not ref or not ref.startswith("#"):
        raise _refuse(
            422,
            "required",
            "subject must reference the contained Patient ('#id'), or send a Bundle",
            "ServiceRequest.subject.reference",
        )
    for resource in request.contained or []:
        if isinstance(resource, Patient) and resource.id == ref[1:]:
            return resource
    raise _refuse(
        422, "not-found", f"no contained Patient with id {ref[1:]!r}", "ServiceRequest.contained"
    )


def _from_bundle(bundle: Bundle) -> tuple[ServiceRequest, Patient]:
    entries = bundle.entry or []
    requests = [e for e in entries if isinstance(e.resource, ServiceRequest)]
    if len(requests) != 1:
        raise _refuse(
            422,
            "invalid",
            f"the Bundle must hold exactly one ServiceRequest (found {len(requests)})",
            "Bundle.entry",
        )
    request = requests[0].resource
    assert isinstance(request, ServiceRequest)
    ref = request.subject.reference if request.subject is not None else None
    if ref and ref.startswith("#"):
        return request, _contained_patient(request)
    for entry in entries:
        resource = entry.resource
        if not isinstance(resource, Patient):
            continue
        if ref and (ref == entry.fullUrl or (resource.id and ref == f"Patient/{resource.id}")):
            return request, resource
    raise _refuse(
        422,
        "not-found",
        f"the subject {ref!r} is not a Patient in the Bundle",
        "ServiceRequest.subject.reference",
    )


def _check(request: ServiceRequest, patient: Patient) -> ParsedReferral:
    issues: list[Issue] = []
    if request.status not in STATUSES:
        issues.append(
            Issue(
                "code-invalid",
                f"status {request.status!r} is not a request status",
                "ServiceRequest.status",
            )
        )
    elif request.status != "active":
        issues.append(
            Issue(
                "business-rule",
                f"only an active referral opens a case (status is {request.status!r})",
                "ServiceRequest.status",
            )
        )
    if request.intent not in INTENTS:
        issues.append(
            Issue(
                "code-invalid",
                f"intent {request.intent!r} is not a request intent",
                "ServiceRequest.intent",
            )
        )
    ident = next((i for i in request.identifier or [] if i.system and i.value), None)
    if ident is None:
        issues.append(
            Issue(
                "required",
                "an identifier with system and value is required (it keeps a referral from "
                "being taken twice)",
                "ServiceRequest.identifier",
            )
        )
    if not _postcode(patient):
        issues.append(
            Issue("required", "the patient's postal code is required", "Patient.address.postalCode")
        )
    if not _names(patient)[0]:
        issues.append(Issue("required", "the patient needs a name", "Patient.name"))
    if issues:
        raise FhirError(422, issues)
    assert ident is not None
    assert ident.system is not None
    assert ident.value is not None
    return ParsedReferral(request, patient, ident.system, ident.value)


def _postcode(patient: Patient) -> str | None:
    for address in patient.address or []:
        if address.postalCode:
            return re.sub(r"\s+", "", address.postalCode).upper()
    return None


def _names(patient: Patient) -> tuple[str | None, str | None]:
    for name in patient.name or []:
        given = " ".join(g for g in name.given or [] if g) or None
        if given or name.family:
            return (given or name.family), name.family
    return None, None


def _description(request: ServiceRequest) -> str:
    parts: list[str] = []
    if request.code is not None and request.code.text:
        parts.append(request.code.text)
    for reason in request.reasonCode or []:
        if reason.text:
            parts.append(reason.text)
    for note in request.note or []:
        if note.text:
            parts.append(note.text)
    return "; ".join(parts) or "Verwijzing door de huisarts"


# --- receiving -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    case_id: int
    referral_id: int
    created: bool
    resource: dict[str, Any]


def receive(
    session: Session, pm: pluggy.PluginManager, organisation: Organisation, body: bytes
) -> Received:
    parsed = parse(body)
    assert organisation.id is not None
    existing = session.exec(
        select(Referral).where(
            Referral.organisation_id == organisation.id,
            Referral.identifier_system == parsed.system,
            Referral.identifier_value == parsed.value,
        )
    ).first()
    if existing is not None:
        return Received(existing.case_id, existing.id or 0, False, _resource(parsed, existing))
    postcode = _postcode(parsed.patient)
    assert postcode is not None
    try:
        resolve_postcode(session, pm, postcode)
    except InvalidInput:
        raise _refuse(
            422,
            "business-rule",
            f"postal code {postcode} lies outside this municipality; refer to the "
            "patient's own municipality",
            "Patient.address.postalCode",
        ) from None
    given, family = _names(parsed.patient)
    assert given is not None
    birth = parsed.patient.birthDate
    household = create_household(
        session,
        pm,
        HouseholdIn(
            name=f"Gezin {family or given}",
            members=[
                MemberIn(
                    role=MemberRole.parent,
                    person=PersonIn(
                        given_name=given[:100],
                        family_name=family[:100] if family else None,
                        birth_date=birth if birth and birth <= dutch_today() else None,
                        postcode=postcode,
                    ),
                )
            ],
        ),
    )
    requester = parsed.service_request.requester
    professional = referring_professional(
        session,
        organisation.id,
        (requester.display if requester is not None and requester.display else organisation.name)[
            :200
        ],
    )
    assert household.id is not None
    case = create_case(
        session,
        pm,
        CaseIn(
            household_id=household.id,
            specialist=UNASSIGNED,
            description=_description(parsed.service_request)[:10000],
            opened_on=dutch_today(),
            professional_id=professional.id,
        ),
        source=CaseSource.huisarts,
        asked_by=AskedBy.gp_referral,
    )
    assert case.id is not None
    referral = Referral(
        tenant_id=require_tenant(),
        organisation_id=organisation.id,
        identifier_system=parsed.system,
        identifier_value=parsed.value,
        case_id=case.id,
    )
    session.add(referral)
    try:
        session.flush()
    except IntegrityError:
        # The same referral arrived twice at once and the other one was stored first.
        raise _refuse(
            409,
            "duplicate",
            f"referral {parsed.system}|{parsed.value} is being received already; "
            "resend it to get the case",
            "ServiceRequest.identifier",
        ) from None
    return Received(case.id, referral.id or 0, True, _resource(parsed, referral))


def _resource(parsed: ParsedReferral, referral: Referral) -> dict[str, Any]:
    resource: dict[str, Any] = parsed.service_request.model_dump(mode="json", exclude_none=True)
    resource["id"] = str(referral.id)
    resource["resourceType"] = "ServiceRequest"
    return resource
