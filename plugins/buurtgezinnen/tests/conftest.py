from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any

import pytest

from noaber.clock import dutch_today

BASE = "/api/buurtgezinnen"
PROBLEM = "application/problem+json"


@pytest.fixture
def platform(make_platform):
    # The Meppel history enters hundreds of records through the API in one test.
    return make_platform(rate_limit_per_minute=0, tenant_rate_limit_per_minute=0)


@pytest.fixture
def mp(client_for):
    return client_for("meppel")


def days_ago(n: int) -> str:
    return (dutch_today() - timedelta(days=n)).isoformat()


def ok(response: Any, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refused(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["detail"]
    return body


def vraaggezin_body(
    name: str = "Gezin Jansen",
    postcode: str = "7941 AB",
    child_years: tuple[int, ...] = (5, 9),
    **extra: Any,
) -> dict[str, Any]:
    today = dutch_today()
    family = name.removeprefix("Gezin ")
    return {
        "name": name,
        "parents": [
            {"given_name": "Sanne", "family_name": family, "postcode": postcode, "birth_year": 1990}
        ],
        "children": [
            {"given_name": f"Kind {i}", "birth_year": today.year - age}
            for i, age in enumerate(child_years)
        ],
        "languages": ["nl"],
        "question": "Af en toe opvang voor de kinderen en iemand om mee te praten.",
        "upbringing_views": ["structuur", "buiten_spelen"],
        "expected_support": ["opvang", "luisterend_oor"],
        **extra,
    }


def steungezin_body(
    name: str = "Gezin de Vries", postcode: str = "7941 CD", **extra: Any
) -> dict[str, Any]:
    family = name.removeprefix("Gezin ")
    return {
        "name": name,
        "adults": [
            {"given_name": "Pieter", "family_name": family, "postcode": postcode},
            {"given_name": "Anne", "family_name": family},
        ],
        "languages": ["nl"],
        "upbringing_views": ["structuur", "buiten_spelen", "sport"],
        "offered_support": ["opvang", "luisterend_oor", "uitjes"],
        "motivation": "Wij hebben ruimte en tijd over.",
        **extra,
    }


INTAKE = {
    "support_needed": "Opvang op woensdagmiddag en een luisterend oor.",
    "upbringing_important": "Rust, structuur en veel buiten spelen.",
    "expectations": "Een gezin in de buurt waar de kinderen welkom zijn.",
    "gives_back": "Wij koken graag een keer voor het steungezin.",
}


def new_vraaggezin(client: Any, signed_up_ago: int = 100, **body: Any) -> dict[str, Any]:
    payload = vraaggezin_body(**body)
    payload["signed_up_on"] = days_ago(signed_up_ago)
    return ok(client.post(f"{BASE}/vraaggezinnen", json=payload))


def ready_vraaggezin(client: Any, signed_up_ago: int = 100, **body: Any) -> dict[str, Any]:
    fam = new_vraaggezin(client, signed_up_ago, **body)
    fid = fam["id"]
    for n in (signed_up_ago - 5, signed_up_ago - 10):
        ok(client.post(f"{BASE}/families/{fid}/visits", json={"visited_on": days_ago(n)}))
    ok(client.post(f"{BASE}/families/{fid}/intake", json=INTAKE))
    return ok(
        client.post(
            f"{BASE}/families/{fid}/intake/complete",
            json={"completed_on": days_ago(signed_up_ago - 10)},
        )
    )


def new_steungezin(client: Any, signed_up_ago: int = 200, **body: Any) -> dict[str, Any]:
    payload = steungezin_body(**body)
    payload["signed_up_on"] = days_ago(signed_up_ago)
    return ok(client.post(f"{BASE}/steungezinnen", json=payload))


def ready_steungezin(client: Any, signed_up_ago: int = 200, **body: Any) -> dict[str, Any]:
    fam = new_steungezin(client, signed_up_ago, **body)
    fid = fam["id"]
    for n in (signed_up_ago - 5, signed_up_ago - 10):
        ok(client.post(f"{BASE}/families/{fid}/visits", json={"visited_on": days_ago(n)}))
    ok(client.post(f"{BASE}/families/{fid}/vog", json={"issued_on": days_ago(signed_up_ago - 3)}))
    return ok(
        client.post(
            f"{BASE}/families/{fid}/competence",
            json={"checked_on": days_ago(signed_up_ago - 10), "checked_by": "Coördinator"},
        )
    )


def couple(client: Any, vraag: int, steun: int, ago: int = 60, **extra: Any) -> Any:
    return client.post(
        f"{BASE}/couplings/",
        json={
            "vraaggezin_id": vraag,
            "steungezin_id": steun,
            "kennismaking_on": days_ago(ago),
            **extra,
        },
    )


def step(client: Any, coupling: int, to: str, ago: int, **extra: Any) -> Any:
    return client.post(
        f"{BASE}/couplings/{coupling}/steps", json={"to": to, "on": days_ago(ago), **extra}
    )


@pytest.fixture
def bg() -> Any:
    """This module: the helpers above (tests are imported in importlib mode)."""
    return sys.modules[__name__]
