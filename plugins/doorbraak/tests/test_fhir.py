"""The inbound FHIR referral endpoint: credentials, validation errors as OperationOutcome,
duplicates, postcodes outside the municipality; nothing is stored for a refused referral."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlmodel import select

from noaber.people.models import HouseholdMember
from noaber.tenancy.context import tenant_scope
from noaber.testing import logged_subjects, routes_naming_no_one
from noaber_doorbraak.models import Referral, ReferrerToken

URL = "/api/doorbraak/fhir/ServiceRequest"


@pytest.fixture
def gp(af, h):
    org = h.organisation(af)
    return org, h.token_for(af, org)


@pytest.fixture
def fhir(client_for):
    """The referring GP's system: no session, only its bearer token."""
    return client_for("amersfoort", anonymous=True)


def send(client, token, payload, url=URL):
    content = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(
        url,
        content=content,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )


def outcome(r, status, *words, expression=None):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/fhir+json")
    body = r.json()
    assert body["resourceType"] == "OperationOutcome"
    text = " ".join(i["diagnostics"] for i in body["issue"])
    for word in words:
        assert word in text, body
    if expression is not None:
        assert any(expression in e for i in body["issue"] for e in i.get("expression", [])), body
    return body


def counts(client):
    return (
        client.get("/api/doorbraak/cases/").json()["total"],
        client.get("/api/households").json()["total"],
    )


def test_a_referral_in_a_bundle(af, fhir, h, gp):
    _, token = gp
    sr = h.service_request("ZD-B-1")
    patient = sr.pop("contained")[0]
    sr["subject"] = {"reference": "urn:uuid:7d0f3c1e-0000-4000-8000-000000000001"}
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:7d0f3c1e-0000-4000-8000-000000000001", "resource": patient},
            {"resource": sr, "request": {"method": "POST", "url": "ServiceRequest"}},
        ],
    }
    r = send(fhir, token, bundle, url="/api/doorbraak/fhir")
    assert r.status_code == 201, r.text
    case = af.get(r.headers["location"]).json()
    assert case["household_name"] == "Gezin Jansen"


def test_a_duplicate_referral_is_not_created_twice(af, fhir, h, gp):
    _, token = gp
    first = send(fhir, token, h.service_request("ZD-DUP"))
    assert first.status_code == 201
    before = counts(af)
    again = send(fhir, token, h.service_request("ZD-DUP"))
    assert again.status_code == 200
    assert again.headers["location"] == first.headers["location"]
    assert counts(af) == before
    # Another organisation may use the same identifier value for its own referral.
    other = h.token_for(af, h.organisation(af, "Huisartsen Schothorst"))
    assert send(fhir, other, h.service_request("ZD-DUP")).status_code == 201


BAD = [
    ("not json", b"{not json", 400, ["not JSON"], None),
    ("not a resource", b"[1, 2]", 400, ["no resourceType"], None),
    (
        "unknown type",
        {"resourceType": "Foo"},
        422,
        ["'Foo' is not a FHIR resource type"],
        "resourceType",
    ),
    ("other resource", {"resourceType": "Patient"}, 422, ["not a Patient"], "resourceType"),
    ("wrong field type", {"intent": 5}, 422, ["valid string"], "ServiceRequest.intent"),
    ("unknown element", {"colour": "blue"}, 422, [], "ServiceRequest.colour"),
    ("no identifier", {"identifier": []}, 422, ["identifier"], "ServiceRequest.identifier"),
    ("bad status", {"status": "bogus"}, 422, ["'bogus' is not a request status"], "status"),
    ("not active", {"status": "draft"}, 422, ["only an active referral"], "status"),
    ("no subject", {"subject": None}, 422, [], "subject"),
    (
        "dangling subject",
        {"subject": {"reference": "#nobody"}},
        422,
        ["no contained Patient"],
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "change", "status", "words", "expression"), BAD, ids=[b[0] for b in BAD]
)
def test_invalid_fhir_is_refused_with_an_operation_outcome(
    af, fhir, h, gp, name, change, status, words, expression
):
    _, token = gp
    before = counts(af)
    if isinstance(change, bytes) or "resourceType" in change:
        payload = change
    else:
        payload = h.service_request() | change
        payload = {k: v for k, v in payload.items() if v is not None}
    r = send(fhir, token, payload)
    outcome(r, status, *words, expression=expression)
    assert counts(af) == before


def test_patient_without_postcode_or_name(fhir, h, gp):
    _, token = gp
    sr = h.service_request()
    sr["contained"][0].pop("address")
    sr["contained"][0].pop("name")
    body = outcome(send(fhir, token, sr), 422, "postal code", "name")
    assert {e for i in body["issue"] for e in i["expression"]} >= {
        "Patient.address.postalCode",
        "Patient.name",
    }


def test_postcode_outside_the_municipality_is_refused(af, fhir, lw, h, gp):
    _, token = gp
    before = counts(af)
    r = send(fhir, token, h.service_request(postcode="8926 AB"))  # Leeuwarden Bilgaard
    outcome(r, 422, "outside this municipality", expression="Patient.address.postalCode")
    assert counts(af) == before
    assert lw.get("/api/doorbraak/cases/").json()["items"] == []


def test_credentials(af, fhir, client_for, h, gp, platform):
    org, token = gp
    sr = h.service_request()
    outcome(fhir.post(URL, json=sr), 401, "bearer token")
    outcome(send(fhir, "dbk_guess", sr), 401, "unknown or revoked")
    # Amersfoort's token means nothing to Leeuwarden.
    assert send(client_for("leeuwarden", anonymous=True), token, sr).status_code == 401
    # Stored as a hash only; the plain token is never in the database.
    with platform.sessions() as session, tenant_scope("amersfoort"):
        rows = session.exec(select(ReferrerToken)).all()
    assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in {r.hint for r in rows}
    listed = af.get(f"/api/doorbraak/referrers/{org}/tokens/").json()
    assert "token" not in listed[0]
    revoked = af.post(f"/api/doorbraak/referrers/{org}/tokens/{listed[0]['id']}/revoke")
    assert revoked.status_code == 201
    outcome(send(fhir, token, sr), 401, "unknown or revoked")


def test_tokens_only_for_existing_organisations(af, h):
    r = af.post("/api/doorbraak/referrers/4242/tokens/", json={"issued_by": "x"})
    h.refused(r, 404, None, ["organisation 4242"])


@pytest.mark.parametrize("role", ["volunteer", "professional"])
def test_only_admins_and_coordinators_issue_referral_tokens(af, client_for, h, role):
    org = h.organisation(af)
    other = client_for("amersfoort", role=role)
    tokens = f"{h.base}/referrers/{org}/tokens/"
    refused = other.post(tokens, json={"issued_by": "Iemand"})
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert other.get(tokens).status_code == 403
    # Nothing was issued.
    assert af.get(tokens).json() == []
    coordinator = client_for("amersfoort", role="coordinator", programme="doorbraak")
    assert coordinator.post(tokens, json={"issued_by": "Coördinator"}).status_code == 201


def test_token_routes_are_for_admins_and_coordinators_only(platform):
    """The routes declare their audience; the test above shows the auth layer enforcing it."""
    from noaber_doorbraak.controllers import ReferralController, ReferrerController

    assert ReferrerController.opt == {"roles": ("municipality_admin", "coordinator")}
    assert ReferralController.opt == {"public": True, "csrf_exempt": True}


def test_the_access_log_names_the_patient_of_a_referral_and_no_one_for_a_refusal(
    platform, af, fhir, h, gp
):
    """The patient is named for the referral that stores them and for a repeat (which
    reads their case); a refused referral stores nothing, and no person was looked up
    before the refusal, so its entry names no one."""
    _, token = gp
    first = send(fhir, token, h.service_request("ZD-LOG"))
    assert first.status_code == 201, first.text
    with tenant_scope("amersfoort"), platform.sessions() as session:
        case_id = session.exec(select(Referral.case_id)).one()
        household = af.get(f"/api/doorbraak/cases/{case_id}").json()["household_id"]
        (patient,) = session.exec(
            select(HouseholdMember.person_id).where(HouseholdMember.household_id == household)
        ).all()
    assert logged_subjects(platform, "amersfoort", first) == {patient}
    again = send(fhir, token, h.service_request("ZD-LOG"))
    assert again.status_code == 200, again.text
    assert logged_subjects(platform, "amersfoort", again) == {patient}
    before = counts(af)
    outside = send(fhir, token, h.service_request("ZD-LOG-2", postcode="8926 AB"))
    outcome(outside, 422, "outside this municipality")
    assert logged_subjects(platform, "amersfoort", outside) == set()
    assert counts(af) == before


def test_factor_import_and_credential_routes_say_they_name_no_one(af):
    """Their writes concern no person: neighbourhood figures and an organisation's token."""
    assert routes_naming_no_one(af.app) >= {
        "POST /api/doorbraak/factors/import",
        "POST /api/doorbraak/referrers/{organisation_id}/tokens",
        "POST /api/doorbraak/referrers/{organisation_id}/tokens/{token_id}/revoke",
    }
    assert not {r for r in routes_naming_no_one(af.app) if "/fhir" in r}
