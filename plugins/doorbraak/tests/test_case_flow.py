"""A breakthrough case from a GP referral to its close, through the API only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from noaber.clock import dutch_today

BASE = "/api/doorbraak"


def d(days: int = 0) -> str:
    """A date relative to today (UTC): a referral opens its case today."""
    return (dutch_today() + timedelta(days=days)).isoformat()


def move(client, request_id, to, reason=None):
    body = {"to": to} | ({"reason": reason} if reason else {})
    return client.post(f"/api/requests/{request_id}/transitions", json=body)


def test_a_case_from_referral_to_close(af, h):
    gp = h.organisation(af)
    token = h.token_for(af, gp)
    r = af.post(
        f"{BASE}/fhir/ServiceRequest",
        json=h.service_request(),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("application/fhir+json")
    case_url = r.headers["location"]
    case = af.get(case_url).json()
    assert case["source"] == "huisarts"
    assert case["status"] == "aangemeld"
    assert case["household_name"] == "Gezin Jansen"
    request = af.get(f"/api/requests/{case['request_id']}").json()
    assert request["type"] == "doorbraak"
    assert request["asked_by"] == "gp_referral"
    assert "huisuitzetting" in request["description"]
    hoods = af.get(f"{BASE}/neighbourhoods").json()["neighbourhoods"]
    liendert = next(n for n in hoods if n["name"] == "Liendert")
    assert request["neighbourhood_id"] == liendert["neighbourhood_id"]
    cid, rid = case["id"], case["request_id"]

    assert move(af, rid, "kennismaking").status_code == 201
    goal = af.put(
        f"{BASE}/cases/{cid}/goal",
        json={
            "text": "Over een jaar hebben we een eigen huis en geen deurwaarder meer aan de deur.",
            "recorded_on": d(),
        },
    )
    assert goal.status_code == 200, goal.text
    agencies = [
        ("Schuldhulpverlening", "1800.00", "600.00"),
        ("Wijkteam", "4200.00", "1200.00"),
        ("Jeugdhulp ambulant", "9500.00", None),
    ]
    for name, cost, after in agencies:
        r = af.post(
            f"{BASE}/cases/{cid}/agencies",
            json={
                "name": name,
                "involvement": f"{name} is betrokken",
                "yearly_cost": cost,
                "yearly_cost_after": after,
            },
        )
        assert r.status_code == 201, r.text
    assert move(af, rid, "plan").status_code == 201
    for party, text in [
        ("gezin", "Ayse belt zelf de woningcorporatie"),
        ("netwerk", "Buurvrouw past op tijdens afspraken"),
        ("professional", "Specialist regelt één schuldregeling"),
    ]:
        r = af.post(
            f"{BASE}/cases/{cid}/actions",
            json={"party": party, "description": text, "owner": party.title(), "due_on": d(20)},
        )
        assert r.status_code == 201, r.text
    done = af.post(f"{BASE}/cases/{cid}/actions/{r.json()['id']}/done", json={"done_on": d(5)})
    assert done.status_code == 201, done.text

    blockage = af.post(
        f"{BASE}/cases/{cid}/blockages",
        json={
            "rule": "Geen urgentie zonder inschrijfduur",
            "owner_organisation": "Woningcorporatie Alliantie",
            "legal_basis": "Huisvestingsverordening art. 2.5",
            "description": "Zonder woning geen schuldregeling; zonder schuldregeling geen woning.",
            "noticed_on": d(),
        },
    )
    assert blockage.status_code == 201, blockage.text
    bid = blockage.json()["id"]
    assert blockage.json()["next_levels"] == ["teamleider", "programmamanager", "wethouder"]
    esc = af.post(
        f"{BASE}/blockages/{bid}/escalations",
        json={"level": "teamleider", "question": "Urgentie verlenen?", "escalated_on": d()},
    )
    assert esc.status_code == 201, esc.text
    assert esc.json()["deadline"] == d(14)  # 14 days by default
    refused_low = af.post(
        f"{BASE}/blockages/{bid}/escalations",
        json={"level": "teamleider", "question": "Nog eens?", "escalated_on": d(1)},
    )
    h.refused(refused_low, 409, None, ["already escalated", "programmamanager"])
    decided = af.post(
        f"{BASE}/escalations/{esc.json()['id']}/decision",
        json={
            "decision": "Urgentie verleend als maatwerk",
            "decided_by": "Teamleider Wonen",
            "decided_on": d(1),
            "resolved": True,
        },
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["decided_by"] == "Teamleider Wonen"

    spend = af.post(
        f"{BASE}/cases/{cid}/spending",
        json={"amount": "750.00", "purpose": "Borg voor de nieuwe woning"},
    )
    assert spend.status_code == 201, spend.text
    granted = af.post(
        f"{BASE}/spending/{spend.json()['id']}/decision",
        json={"approve": True, "decided_by": "Programmamanager"},
    )
    assert granted.status_code == 201, granted.text
    assert granted.json()["status"] == "toegekend"
    assert granted.json()["within_target"] is True
    assert move(af, rid, "uitvoering").status_code == 201

    # Closing through core's route without an outcome is refused by the plugin's hook.
    r = move(af, rid, "afgesloten", reason="klaar")
    h.refused(r, 409, None, ["closed with its outcome", "/close"])
    assert af.get(case_url).json()["status"] == "uitvoering"

    closed = af.post(
        f"{BASE}/cases/{cid}/close",
        json={"outcome": "behaald", "closed_on": d(30), "note": "Eigen huis, schulden geregeld"},
    )
    assert closed.status_code == 201, closed.text
    body = closed.json()
    assert body["status"] == "afgesloten"
    assert body["outcome"] == "behaald"
    assert [a["party"] for p in body["actions"].values() for a in p] == [
        "gezin",
        "netwerk",
        "professional",
    ]
    assert body["blockages"][0]["status"] == "opgelost"
    # As before 15,500; after 600 + 1,200 + 9,500 (unchanged) + 750 maatwerk = 12,050.
    assert body["costs"]["as_before"] == "15500.00"
    assert body["costs"]["breakthrough"] == "12050.00"
    assert body["costs"]["difference"] == "3450.00"
    timeline = af.get(f"/api/requests/{rid}/timeline").json()["items"]
    assert timeline[0]["data"]["to"] == "afgesloten"
    assert "behaald" in timeline[0]["text"]

    # A closed case takes no more changes.
    late = af.post(
        f"{BASE}/cases/{cid}/actions",
        json={"party": "gezin", "description": "x", "owner": "x", "due_on": d(40)},
    )
    h.refused(late, 409, None, ["closed"])
    again = af.post(
        f"{BASE}/cases/{cid}/close",
        json={"outcome": "niet_behaald", "closed_on": d(31), "note": "x"},
    )
    h.refused(again, 409, None, ["closed"])
    assert af.get(case_url).json()["outcome"] == "behaald"

    figures = af.get(f"{BASE}/figures").json()
    assert figures["closed"] == 1
    assert figures["outcomes"]["behaald"] == 1
    assert figures["referrals"] == 1
    assert Decimal(figures["budget"]["spent"]) == Decimal("750.00")


def test_cost_comparison_sums_over_cases(af, h):
    totals = []
    for i, (cost, after) in enumerate([("10000.00", "2000.00"), ("3000.00", "3500.00")]):
        cid = h.open_case(af, h.make_household(af, f"Gezin {i}"))["id"]
        r = af.post(
            f"{BASE}/cases/{cid}/agencies",
            json={
                "name": "Wijkteam",
                "involvement": "x",
                "yearly_cost": cost,
                "yearly_cost_after": after,
            },
        )
        assert r.status_code == 201
        totals.append(Decimal(cost) - Decimal(after))
    costs = af.get(f"{BASE}/costs").json()
    assert [Decimal(c["difference"]) for c in costs["cases"]] == totals
    assert Decimal(costs["difference"]) == sum(totals) == Decimal("7500.00")
    assert costs["as_before"] == "13000.00"


def test_overdue_escalations_are_flagged_and_rules_counted(af, h):
    rules = ["Kostendelersnorm", "kostendelersnorm ", "Wachttijd schuldhulp"]
    for i, rule in enumerate(rules):
        cid = h.open_case(af, h.make_household(af, f"Gezin {i}"))["id"]
        r = af.post(
            f"{BASE}/cases/{cid}/blockages",
            json={
                "rule": rule,
                "owner_organisation": "Gemeente Amersfoort",
                "legal_basis": "Participatiewet art. 22a" if i < 2 else None,
                "description": "blokkeert",
                "noticed_on": "2026-01-20",
            },
        )
        assert r.status_code == 201, r.text
        if i == 0:
            esc = af.post(
                f"{BASE}/blockages/{r.json()['id']}/escalations",
                json={
                    "level": "programmamanager",
                    "question": "Uitzondering?",
                    "escalated_on": "2026-01-21",
                    "deadline": "2026-02-01",
                },
            )
            assert esc.status_code == 201, esc.text
            assert esc.json()["overdue"] is True
    overview = af.get(f"{BASE}/blockages/overview").json()
    top = overview["rules"][0]
    assert top["rule"] == "Kostendelersnorm"
    assert (top["cases"], top["blockages"], top["escalated"]) == (2, 2, 1)
    assert top["legal_bases"] == ["Participatiewet art. 22a"]
    assert overview["rules"][1]["cases"] == 1
    assert len(overview["overdue_escalations"]) == 1
    overdue = af.get(f"{BASE}/blockages", params={"overdue": "true"}).json()["items"]
    assert [b["rule"] for b in overdue] == ["Kostendelersnorm"]
    assert overdue[0]["next_levels"] == ["wethouder"]


def test_a_cancelled_case_takes_no_changes_and_the_household_can_start_again(af, h):
    household = h.make_household(af)
    case = h.open_case(af, household)
    again = af.post(
        f"{BASE}/cases/",
        json={"household_id": household, "specialist": "x", "description": "x", "opened_on": d()},
    )
    h.refused(again, 409, None, ["already has an open breakthrough case"])
    assert move(af, case["request_id"], "geannuleerd", reason="Gezin wil niet").status_code == 201
    r = af.post(
        f"{BASE}/cases/{case['id']}/blockages",
        json={"rule": "x", "owner_organisation": "y", "description": "z", "noticed_on": d()},
    )
    h.refused(r, 409, None, ["cancelled"])
    assert af.get(f"{BASE}/figures").json()["open"] == 0
    assert h.open_case(af, household)["status"] == "aangemeld"
