"""Every write of a case, through the API and through the case page's forms, names the
members of the family's household in the access log, and no one else: also a refused
write and a double submit (which stores nothing). The generic check of the test client
only asserts that a write names someone."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from noaber.people.models import HouseholdMember
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token, logged_subjects

API = "/api/doorbraak"
PAGES = "/doorbraak/casussen"


def subjects_of(platform: Any, response: Any) -> set[int]:
    return logged_subjects(platform, "amersfoort", response)


def members_of(platform: Any, household_id: int) -> set[int]:
    with tenant_scope("amersfoort"), platform.sessions() as session:
        return set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id) == household_id
                )
            )
        )


def family(platform: Any, af: Any, h: Any) -> tuple[int, set[int]]:
    """A case of a household of two, next to another family's case (never named)."""
    h.open_case(af, h.make_household(af, "Gezin De Boer"))
    household = h.make_household(af, "Gezin Yilmaz")
    opened = af.post(
        f"{API}/cases/",
        json={
            "household_id": household,
            "specialist": "Sanne de Vries",
            "description": "Schulden en drie hulpverleners.",
            "opened_on": "2026-01-12",
        },
    )
    assert opened.status_code == 201, opened.text
    members = members_of(platform, household)
    assert len(members) == 2
    assert subjects_of(platform, opened) == members
    return int(opened.json()["id"]), members


def to_uitvoering(af: Any, case_id: int) -> None:
    request_id = af.get(f"{API}/cases/{case_id}").json()["request_id"]
    for status in ("kennismaking", "plan", "uitvoering"):
        moved = af.post(f"/api/requests/{request_id}/transitions", json={"to": status})
        assert moved.status_code == 201, moved.text


def test_every_api_write_of_a_case_names_the_family(platform, af, h):
    cid, members = family(platform, af, h)

    def named(method: str, url: str, body: dict[str, Any], status: int = 201) -> Any:
        r = af.request(method, url, json=body)
        assert r.status_code == status, r.text
        assert subjects_of(platform, r) == members, url
        return r.json()

    named(
        "PUT",
        f"{API}/cases/{cid}/goal",
        {"text": "Een eigen huis", "recorded_on": "2026-01-19"},
        200,
    )
    named(
        "POST",
        f"{API}/cases/{cid}/agencies",
        {"name": "Wijkteam", "involvement": "Wekelijks", "yearly_cost": "4200.00"},
    )
    action = named(
        "POST",
        f"{API}/cases/{cid}/actions",
        {"party": "gezin", "description": "Bellen", "owner": "Ayse", "due_on": "2026-02-01"},
    )
    # A refused write names the family too.
    named(
        "POST",
        f"{API}/cases/{cid}/actions",
        {"party": "gezin", "description": "Bellen", "owner": "Ayse", "due_on": "2025-12-31"},
        422,
    )
    named("POST", f"{API}/cases/{cid}/actions/{action['id']}/done", {"done_on": "2026-01-30"})
    blockage = named(
        "POST",
        f"{API}/cases/{cid}/blockages",
        {
            "rule": "Kostendelersnorm",
            "owner_organisation": "Gemeente Amersfoort",
            "description": "De bijstand wordt gekort.",
            "noticed_on": "2026-01-20",
        },
    )
    escalation = named(
        "POST",
        f"{API}/blockages/{blockage['id']}/escalations",
        {"level": "teamleider", "question": "Uitzondering?", "escalated_on": "2026-01-21"},
    )
    named(
        "POST",
        f"{API}/escalations/{escalation['id']}/decision",
        {
            "decision": "Ja",
            "decided_by": "Teamleider",
            "decided_on": "2026-01-25",
            "resolved": True,
        },
    )
    spending = named("POST", f"{API}/cases/{cid}/spending", {"amount": "750.00", "purpose": "Borg"})
    named(
        "POST",
        f"{API}/spending/{spending['id']}/decision",
        {"approve": True, "decided_by": "Programmamanager"},
    )
    # Deciding again is refused (409), with the family named.
    named(
        "POST",
        f"{API}/spending/{spending['id']}/decision",
        {"approve": False, "decided_by": "Programmamanager"},
        409,
    )
    to_uitvoering(af, cid)
    named(
        "POST",
        f"{API}/cases/{cid}/close",
        {"outcome": "behaald", "closed_on": "2026-06-01", "note": "Eigen huis gevonden."},
    )


def test_every_form_of_the_case_page_names_the_family(platform, af, h, client_for):
    coordinator = client_for("amersfoort", role="coordinator", programme="doorbraak")
    cid, members = family(platform, af, h)
    page_url = f"{PAGES}/{cid}"

    def token(action: str) -> str:
        return form_token(coordinator.get(page_url), action)

    def post(action: str, fields: dict[str, str], status: int = 303) -> Any:
        r = coordinator.post(action, data=fields, follow_redirects=False)
        assert r.status_code == status, r.text
        if status == 303:
            assert r.headers["location"] == page_url
        assert subjects_of(platform, r) == members, action
        return r

    def send(form: str, status: int = 303, **fields: str) -> Any:
        action = f"{page_url}/{form}"
        return post(action, {"form_token": token(action), **fields}, status)

    def api(path: str = "") -> Any:
        return af.get(f"{API}/cases/{cid}{path}").json()

    send("doel", goal="Een eigen huis", recorded_on="2026-01-19")
    send("instanties", agency_name="Wijkteam", involvement="Wekelijks", yearly_cost="4.200")
    action = f"{page_url}/acties"
    fields = {
        "form_token": token(action),
        "party": "gezin",
        "action_description": "Ayse belt de woningcorporatie.",
        "owner": "Ayse",
        "due_on": "2026-02-01",
    }
    post(action, fields)
    post(action, fields)  # a double submit: sent where the first went, nothing stored
    assert len(api()["actions"]["gezin"]) == 1
    send("acties", 422, party="gezin", action_description="", owner="Ayse", due_on="2026-02-01")
    (stored,) = api()["actions"]["gezin"]
    send(f"acties/{stored['id']}/gedaan", done_on="2026-01-30")
    send(
        "knelpunten",
        rule="Kostendelersnorm",
        owner_organisation="Gemeente Amersfoort",
        blockage_description="De bijstand wordt gekort.",
        noticed_on="2026-01-20",
    )
    (blockage,) = api()["blockages"]
    send(
        f"knelpunten/{blockage['id']}/escaleren",
        level="teamleider",
        question="Uitzondering?",
        escalated_on="2026-01-21",
    )
    (escalation,) = api()["blockages"][0]["escalations"]
    send(
        f"escalaties/{escalation['id']}/besluit",
        decision="Ja",
        decided_by="Teamleider",
        decided_on="2026-01-25",
        resolved="true",
    )
    send("maatwerk", amount="750", purpose="Borg")
    (spending,) = api()["spending"]
    send(f"maatwerk/{spending['id']}/besluit", approve="true", spending_decided_by="Manager")
    to_uitvoering(af, cid)
    send("afsluiten", outcome="behaald", closed_on="2026-06-01", outcome_note="Een eigen huis.")
    assert api()["closed_on"] == "2026-06-01"
