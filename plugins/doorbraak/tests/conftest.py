from __future__ import annotations

from typing import Any

import pytest

BASE = "/api/doorbraak"


@pytest.fixture
def af(client_for):
    return client_for("amersfoort")


@pytest.fixture
def lw(client_for):
    return client_for("leeuwarden")


def make_household(client: Any, name: str = "Gezin Yilmaz", postcode: str = "3816AB") -> int:
    members = [
        {
            "role": "parent",
            "person": {"given_name": "Ayse", "birth_year": 1986, "postcode": postcode},
        },
        {"role": "child", "person": {"given_name": "Emre", "birth_year": 2014}},
    ]
    r = client.post("/api/households", json={"name": name, "members": members})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def open_case(client: Any, household_id: int, **extra: Any) -> dict[str, Any]:
    body = {
        "household_id": household_id,
        "specialist": "Sanne de Vries",
        "description": "Schulden, geen vaste woning, drie hulpverleners die elkaar niet kennen.",
        "opened_on": "2026-01-12",
        **extra,
    }
    r = client.post(f"{BASE}/cases/", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def organisation(client: Any, name: str = "Huisartsenpraktijk Liendert") -> int:
    r = client.post("/api/organisations", json={"name": name, "kind": "gp_practice"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def token_for(client: Any, organisation_id: int) -> str:
    r = client.post(
        f"{BASE}/referrers/{organisation_id}/tokens/", json={"issued_by": "Coördinator"}
    )
    assert r.status_code == 201, r.text
    return str(r.json()["token"])


def service_request(
    identifier: str = "ZD-2026-0001", postcode: str = "3816 AB", **extra: Any
) -> dict[str, Any]:
    return {
        "resourceType": "ServiceRequest",
        "identifier": [{"system": "urn:oid:2.16.840.1.113883.2.4.3.11.999.1", "value": identifier}],
        "status": "active",
        "intent": "order",
        "code": {"text": "Verwijzing sociaal domein"},
        "subject": {"reference": "#patient"},
        "requester": {"display": "Dr. M. Bakker"},
        "reasonCode": [{"text": "Schulden en dreigende huisuitzetting"}],
        "contained": [
            {
                "resourceType": "Patient",
                "id": "patient",
                "name": [{"family": "Jansen", "given": ["Anna"]}],
                "birthDate": "1985-03-01",
                "address": [{"postalCode": postcode, "city": "Amersfoort"}],
            }
        ],
        **extra,
    }


def refused(r: Any, status: int, field: str | None, words: list[str]) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    body = dict(r.json())
    if field is not None:
        assert any((e.get("field") or "").startswith(field) for e in body["errors"]), body
    text = body["detail"] + " ".join(e.get("message") or "" for e in body.get("errors", []))
    for word in words:
        assert word in text, body
    return body


class Helpers:
    base = BASE
    make_household = staticmethod(make_household)
    open_case = staticmethod(open_case)
    organisation = staticmethod(organisation)
    token_for = staticmethod(token_for)
    service_request = staticmethod(service_request)
    refused = staticmethod(refused)


@pytest.fixture
def h() -> type[Helpers]:
    return Helpers
