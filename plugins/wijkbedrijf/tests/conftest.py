from __future__ import annotations

import dataclasses
from contextlib import ExitStack
from decimal import Decimal

import pytest
from litestar.testing import TestClient

from noaber.testing import logged_in_client
from noaber.web.app import create_app
from noaber_wijkbedrijf.settings import WijkbedrijfSettings

BASE = "/api/wijkbedrijf"


@pytest.fixture
def lw(client_for):
    return client_for("leeuwarden")


@pytest.fixture
def leeuwarden_with(make_platform, platform):
    """``leeuwarden_with(**settings)``: a client for Leeuwarden with other wijkbedrijf settings."""
    with ExitStack() as stack:

        def factory(**settings):
            leeuwarden = platform.municipalities["leeuwarden"]
            current = leeuwarden.plugin_settings["wijkbedrijf"].model_dump()
            changed = dataclasses.replace(
                leeuwarden,
                plugin_settings={
                    **leeuwarden.plugin_settings,
                    "wijkbedrijf": WijkbedrijfSettings(**{**current, **settings}),
                },
            )
            other = make_platform(provision_all=False, municipalities={"leeuwarden": changed})
            client = stack.enter_context(
                TestClient(create_app(other), raise_server_exceptions=False)
            )
            return logged_in_client(client, other, "leeuwarden")

        yield factory


def ok(r, status=201):
    assert r.status_code == status, r.text
    return r.json()


def person(client, name="Grietje", family="de Vries", **extra):
    body = {"given_name": name, "family_name": family, "postcode": "8926AB", **extra}
    return ok(client.post("/api/people", json=body))["id"]


def volunteer(client, name="Sjoerd", skills=("tuinonderhoud",), **extra):
    body = {
        "kind": "volunteer",
        "display_name": name,
        "skills": list(skills),
        "availability": [
            f"{d}_{p}"
            for d in ("mon", "tue", "wed", "thu", "fri")
            for p in ("morning", "afternoon")
        ],
        "reach_anywhere": True,
        "max_load": 5,
        **extra,
    }
    return ok(client.post("/api/helpers", json=body))["id"]


def job(client, person_id, category="tuinonderhoud", **extra):
    body = {
        "person_id": person_id,
        "channel": "balie",
        "category": category,
        "description": "De heg snoeien en het gras maaien",
        "estimated_hours": "3",
        "wished_from": "2026-03-02",
        "wished_until": "2026-03-06",
        "street": "Bilgaardpark",
        "house_number": "12",
        "postcode": "8926AB",
        "city": "Leeuwarden",
        **extra,
    }
    return client.post(f"{BASE}/jobs/", json=body)


def plan(
    client, job_id, helper_id, start="2026-03-03T09:00:00+01:00", end="2026-03-03T12:00:00+01:00"
):
    return client.post(
        f"{BASE}/jobs/{job_id}/assignments",
        json={"helper_id": helper_id, "starts_at": start, "ends_at": end},
    )


def confirmed(client, job_id, helper_id, **times):
    a = ok(plan(client, job_id, helper_id, **times))
    return ok(client.post(f"{BASE}/assignments/{a['id']}/confirm", json={"actor": "vrijwilliger"}))


def hours(client, job_id, assignment_id, amount, on="2026-03-03"):
    return client.post(
        f"{BASE}/jobs/{job_id}/hours",
        json={"assignment_id": assignment_id, "worked_on": on, "hours": amount},
    )


def approved(client, job_id, assignment_id, amount, on="2026-03-03"):
    h = ok(hours(client, job_id, assignment_id, amount, on))
    return ok(client.post(f"{BASE}/hours/{h['id']}/approve", json={"actor": "coördinator"}))


def invoice(client, **body):
    return client.post(f"{BASE}/invoices/", json=body)


def refused(r, status, field, words):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    if field is not None:
        assert any(e["field"].startswith(field) for e in body.get("errors", [])), body
    text = body["detail"] + " ".join(e.get("message") or "" for e in body.get("errors", []))
    for word in words:
        assert word in text, body
    return body


def money(value):
    return Decimal(str(value))


class Helpers:
    base = BASE
    ok = staticmethod(ok)
    person = staticmethod(person)
    volunteer = staticmethod(volunteer)
    job = staticmethod(job)
    plan = staticmethod(plan)
    confirmed = staticmethod(confirmed)
    hours = staticmethod(hours)
    approved = staticmethod(approved)
    invoice = staticmethod(invoice)
    refused = staticmethod(refused)
    money = staticmethod(money)


@pytest.fixture
def h():
    return Helpers
