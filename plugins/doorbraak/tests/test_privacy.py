"""Privacy of the doorbraakaanpak: the access log names the family members a case
showed (also for the public FHIR endpoint), and a data-subject export and erasure cover
every doorbraak table."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from noaber.privacy.models import AccessLogEntry
from noaber.privacy.subject import ERASED
from noaber.tenancy.context import tenant_scope
from noaber_doorbraak.privacy import TABLES

BASE = "/api/doorbraak"


def subjects(platform, route_part):
    with tenant_scope("amersfoort"), platform.sessions() as session:
        rows = session.exec(select(AccessLogEntry)).all()
    return {e.subject_person_id for e in rows if e.route and route_part in e.route}


def referred_case(af, client_for, h):
    token = h.token_for(af, h.organisation(af))
    gp = client_for("amersfoort", anonymous=True)
    r = gp.post(
        f"{BASE}/fhir/ServiceRequest",
        json=h.service_request("ZD-PRIV-1"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201, r.text
    case = af.get(r.headers["location"]).json()
    household = af.get(f"/api/households/{case['household_id']}").json()
    person_ids = [m["person_id"] for m in household["members"]]
    return case, person_ids


def test_the_access_log_names_the_family_of_a_case(platform, af, client_for, h):
    case, (patient,) = referred_case(af, client_for, h)
    assert patient in subjects(platform, "/fhir/")
    other = h.make_household(af)
    opened = h.open_case(af, other)
    members = [m["person_id"] for m in af.get(f"/api/households/{other}").json()["members"]]
    assert len(members) == 2
    assert set(members) <= subjects(platform, "/cases")
    assert af.get(f"{BASE}/cases/").status_code == 200
    with tenant_scope("amersfoort"), platform.sessions() as session:
        listed = session.exec(select(AccessLogEntry).where(AccessLogEntry.action == "list")).all()
    assert {patient, *members} <= {e.subject_person_id for e in listed}
    assert opened["household_id"] == other
    assert case["household_id"] != other


def test_export_and_erasure_cover_every_doorbraak_table(platform, af, client_for, h):
    case, (patient,) = referred_case(af, client_for, h)
    cid = case["id"]
    goal = af.put(
        f"{BASE}/cases/{cid}/goal",
        json={"text": "Een eigen huis zonder deurwaarder", "recorded_on": case["opened_on"]},
    )
    assert goal.status_code == 200, goal.text
    steps = [
        (
            f"{BASE}/cases/{cid}/agencies",
            {"name": "Wijkteam", "involvement": "Anna komt wekelijks", "yearly_cost": "4200.00"},
        ),
        (
            f"{BASE}/cases/{cid}/actions",
            {
                "party": "gezin",
                "description": "Anna belt de corporatie",
                "owner": "Anna",
                "due_on": str(date.fromisoformat(case["opened_on"]) + timedelta(days=14)),
            },
        ),
        (
            f"{BASE}/cases/{cid}/blockages",
            {
                "rule": "Geen urgentie zonder inschrijfduur",
                "owner_organisation": "Woningcorporatie",
                "description": "Anna heeft schulden bij de corporatie",
                "noticed_on": case["opened_on"],
            },
        ),
        (
            f"{BASE}/cases/{cid}/spending",
            {"amount": "750.00", "purpose": "Borg voor Anna's woning"},
        ),
    ]
    for url, body in steps:
        r = af.post(url, json=body)
        assert r.status_code == 201, r.text
    blockage = af.get(f"{BASE}/cases/{cid}").json()["blockages"][0]["id"]
    esc = af.post(
        f"{BASE}/blockages/{blockage}/escalations",
        json={
            "level": "teamleider",
            "question": "Urgentie voor Anna?",
            "escalated_on": case["opened_on"],
        },
    )
    assert esc.status_code == 201, esc.text

    exported = af.get(f"/api/people/{patient}/export")
    assert exported.status_code == 200, exported.text
    mine = exported.json()["doorbraak"]
    personal = {t for t, kind in TABLES.items() if kind == "personal"}
    assert set(mine) == personal
    assert all(len(mine[t]) == 1 for t in personal), mine
    assert mine["doorbraak_case"][0]["goal"] == "Een eigen huis zonder deurwaarder"
    assert mine["doorbraak_referral"][0]["identifier_value"] == "ZD-PRIV-1"
    assert "token_hash" not in exported.text

    # Another household's case is not in this person's export, nor touched by the erasure.
    other = h.make_household(af)
    other_case = h.open_case(af, other)
    af.put(
        f"{BASE}/cases/{other_case['id']}/goal",
        json={"text": "Weer naar school", "recorded_on": "2026-01-12"},
    )

    erased = af.post(f"/api/people/{patient}/erase", json={"reason": "verzoek betrokkene"})
    assert erased.status_code == 200, erased.text
    counts = erased.json()["erased"]
    assert {t: counts[t] for t in personal} == dict.fromkeys(personal, 1)
    after = af.get(f"{BASE}/cases/{cid}").json()
    assert after["goal"] == ERASED
    assert after["agencies"][0]["involvement"] == ERASED
    assert after["agencies"][0]["name"] == "Wijkteam"
    actions = [a for group in after["actions"].values() for a in group]
    assert [(a["description"], a["owner"]) for a in actions] == [(ERASED, ERASED)]
    assert after["blockages"][0]["description"] == ERASED
    assert after["blockages"][0]["rule"] == "Geen urgentie zonder inschrijfduur"
    assert "Anna" not in af.get(f"/api/people/{patient}/export").text
    again = af.get(f"/api/people/{patient}/export").json()["doorbraak"]
    assert again["doorbraak_referral"] == []
    assert again["doorbraak_escalation"][0]["question"] == ERASED
    assert again["doorbraak_spending"][0]["purpose"] == ERASED
    assert again["doorbraak_spending"][0]["amount"] == "750.00"
    # The rule still counts in the overview of blocking rules.
    overview = af.get(f"{BASE}/blockages/overview").json()
    assert "Geen urgentie zonder inschrijfduur" in str(overview)
    assert af.get(f"{BASE}/cases/{other_case['id']}").json()["goal"] == "Weer naar school"


def _named(platform, response) -> set[int]:
    """The data subjects of one request's access-log entries."""
    trace = response.headers["x-trace-id"]
    with tenant_scope("amersfoort"), platform.sessions() as session:
        rows = session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace)).all()
    return {e.subject_person_id for e in rows if e.subject_person_id is not None}


def test_plans_blockages_escalations_maatwerk_and_costs_name_the_family(platform, af, h):
    household = h.make_household(af)
    members = {m["person_id"] for m in af.get(f"/api/households/{household}").json()["members"]}
    assert len(members) == 2
    case = h.open_case(af, household)
    cid, opened = case["id"], case["opened_on"]

    def named(response, status: int = 201) -> set[int]:
        assert response.status_code == status, response.text
        return _named(platform, response)

    agency = {"name": "Wijkteam", "involvement": "wekelijks", "yearly_cost": "4200.00"}
    assert named(af.post(f"{BASE}/cases/{cid}/agencies", json=agency)) == members
    action = af.post(
        f"{BASE}/cases/{cid}/actions",
        json={"party": "gezin", "description": "Bellen", "owner": "Ayse", "due_on": opened},
    )
    assert named(action) == members
    done = af.post(
        f"{BASE}/cases/{cid}/actions/{action.json()['id']}/done", json={"done_on": opened}
    )
    assert named(done) == members
    blockage = af.post(
        f"{BASE}/cases/{cid}/blockages",
        json={
            "rule": "Kostendelersnorm",
            "owner_organisation": "Gemeente Amersfoort",
            "description": "blokkeert",
            "noticed_on": opened,
        },
    )
    assert named(blockage) == members
    assert named(af.get(f"{BASE}/blockages"), 200) == members
    escalation = af.post(
        f"{BASE}/blockages/{blockage.json()['id']}/escalations",
        json={"level": "teamleider", "question": "Uitzondering?", "escalated_on": opened},
    )
    assert named(escalation) == members
    decision = af.post(
        f"{BASE}/escalations/{escalation.json()['id']}/decision",
        json={
            "decision": "Toegestaan",
            "decided_by": "Teamleider",
            "decided_on": opened,
            "resolved": True,
        },
    )
    assert named(decision) == members
    spending = af.post(f"{BASE}/cases/{cid}/spending", json={"amount": "250.00", "purpose": "Borg"})
    assert named(spending) == members
    granted = af.post(
        f"{BASE}/spending/{spending.json()['id']}/decision",
        json={"approve": True, "decided_by": "Teamleider"},
    )
    assert named(granted) == members
    assert named(af.get(f"{BASE}/costs"), 200) == members  # per case
    assert named(af.get(f"{BASE}/figures"), 200) == set()  # aggregates name nobody
