from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
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


# --- a real SMTP server (aiosmtpd) and a Leeuwarden that mails through it ------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Inbox:
    """An SMTP server's handler: keeps what arrives, or refuses every recipient (for
    good with ``550``, or for now with ``refusal="450 4.2.0 ..."``)."""

    def __init__(self, refuse: bool = False, refusal: str = "550 5.1.1 mailbox unavailable"):
        self.refuse = refuse
        self.refusal = refusal
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(
    refuse: bool = False, *, port: int | None = None, refusal: str | None = None
) -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on ``port`` (default: a free one) while the block runs."""
    inbox = Inbox(refuse) if refusal is None else Inbox(True, refusal)
    port = port or free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        yield inbox, port
    finally:
        server.stop()


@contextmanager
def leeuwarden_mailing(make_platform: Any, smtp_url: str, **settings: Any) -> Iterator[Any]:
    """A logged-in Leeuwarden client of an app that mails through ``smtp_url``."""
    other = make_platform(provision_all=False, smtp_url=smtp_url, **settings)
    with TestClient(create_app(other), raise_server_exceptions=False) as client:
        yield logged_in_client(client, other, "leeuwarden")


def plan_and_confirm(client: Any, h: Any, email: str | None = "grietje@example.nl") -> Any:
    extra = {"email": email} if email else {"phone": "0612345678"}
    resident = h.person(client, **extra)
    sjoerd = h.volunteer(client, "Sjoerd Hoekstra")
    job = h.ok(h.job(client, resident))
    a = h.ok(h.plan(client, job["id"], sjoerd))
    r = client.post(f"{h.base}/assignments/{a['id']}/confirm", json={"actor": "vrijwilliger"})
    return job, h.ok(r)


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
    free_port = staticmethod(free_port)
    smtp_server = staticmethod(smtp_server)
    leeuwarden_mailing = staticmethod(leeuwarden_mailing)
    plan_and_confirm = staticmethod(plan_and_confirm)


@pytest.fixture
def h():
    return Helpers
