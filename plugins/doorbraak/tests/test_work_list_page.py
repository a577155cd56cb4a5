"""The coordinator's work list shows doorbraak escalations waiting for their decision."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import col, select

from noaber.clock import dutch_today
from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope

BASE = "/api/doorbraak"


def _section(page: str, name: str) -> str:
    return page.split(f'id="werk-{name}"', 1)[1].split("</section>", 1)[0]


def _escalate(client, blockage_id: int, level: str, deadline: date):
    return client.post(
        f"{BASE}/blockages/{blockage_id}/escalations",
        json={
            "level": level,
            "question": "Uitzondering?",
            "escalated_on": (deadline - timedelta(days=10)).isoformat(),
            "deadline": deadline.isoformat(),
        },
    )


def test_escalations_awaiting_a_decision_are_on_the_work_list(platform, af, h, client_for):
    today = dutch_today()
    household = h.make_household(af, "Gezin Yilmaz")
    case = h.open_case(af, household, opened_on=(today - timedelta(days=60)).isoformat())
    blockages = []
    for rule in ("Kostendelersnorm", "Wachttijd schuldhulp", "Eigen bijdrage"):
        made = af.post(
            f"{BASE}/cases/{case['id']}/blockages",
            json={
                "rule": rule,
                "owner_organisation": "Gemeente Amersfoort",
                "description": "blokkeert",
                "noticed_on": (today - timedelta(days=30)).isoformat(),
            },
        )
        assert made.status_code == 201, made.text
        blockages.append(made.json()["id"])
    overdue, due_soon, later = blockages
    first_escalation = _escalate(af, overdue, "programmamanager", today - timedelta(days=3))
    assert first_escalation.status_code == 201
    assert _escalate(af, due_soon, "teamleider", today + timedelta(days=2)).status_code == 201
    assert _escalate(af, later, "teamleider", today + timedelta(days=30)).status_code == 201

    coordinator = client_for("amersfoort", role="coordinator", programme="doorbraak")
    page = coordinator.get("/werk")
    assert page.status_code == 200
    escalations = _section(page.text, "escalation")
    link = f'href="/doorbraak/casussen/{case["id"]}#knelpunt-'
    assert escalations.count(link) == 2  # not the one due in a month
    # Each line leads to its blockage on the case's page.
    assert f'{link}{overdue}"' in escalations
    assert f'{link}{due_soon}"' in escalations
    case_page = coordinator.get(f"/doorbraak/casussen/{case['id']}")
    assert case_page.status_code == 200
    assert f'id="knelpunt-{overdue}"' in case_page.text
    first, second = escalations.split(link)[1:]
    assert "Gezin Yilmaz · Kostendelersnorm" in first
    assert "geëscaleerd naar programmamanager, besluit verwacht" in first
    assert "noaber-overdue" in first
    assert "Gezin Yilmaz · Wachttijd schuldhulp" in second
    assert "noaber-overdue" not in second

    trace = page.headers["x-trace-id"]
    with tenant_scope("amersfoort"), platform.sessions.begin() as session:
        subjects = set(
            session.exec(
                select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
            )
        )
        members = set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id) == household
                )
            )
        )
    assert members
    assert subjects >= members

    # Another programme's coordinator does not see them.
    other = client_for("amersfoort", role="coordinator", programme="wijkbedrijf")
    assert link not in _section(other.get("/werk").text, "escalation")
    # A decided escalation leaves the list.
    decided = af.post(
        f"{BASE}/escalations/{first_escalation.json()['id']}/decision",
        json={
            "decision": "Uitzondering toegestaan",
            "decided_by": "Programmamanager",
            "decided_on": today.isoformat(),
            "resolved": False,
        },
    )
    assert decided.status_code in (200, 201), decided.text
    remaining = _section(coordinator.get("/werk").text, "escalation")
    assert remaining.count(link) == 1
    assert "Kostendelersnorm" not in remaining
