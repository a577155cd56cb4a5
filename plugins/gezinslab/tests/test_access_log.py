"""Every Gezinslab route that shows or changes a family's trajectory names each member of
the household in the access log, so they find it under "who saw my data"; aggregates
name nobody."""

from __future__ import annotations

from sqlmodel import col, select

from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope

BASE = "/api/gezinslab"


def _subjects(platform, response) -> set[int]:
    trace = response.headers["x-trace-id"]
    with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
        return {
            p
            for p in session.exec(
                select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
            )
            if p is not None
        }


def _members(platform, household_id: int) -> set[int]:
    with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
        return set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id) == household_id
                )
            )
        )


def test_the_family_s_members_are_named_for_every_trajectory_route(platform, lw, h):
    visser = h.make_household(lw, "Gezin Visser", children=2)
    bakker = h.make_household(lw, "Gezin Bakker", children=1)
    family, other = _members(platform, visser), _members(platform, bakker)
    assert len(family) == 3
    started = lw.post(
        f"{BASE}/trajectories/",
        json={"household_id": visser, "started_on": "2025-02-03", "goals": []},
    )
    assert started.status_code == 201, started.text
    tid = started.json()["id"]
    h.start(lw, bakker)

    def named(response, status: int = 200) -> set[int]:
        assert response.status_code == status, response.text
        return _subjects(platform, response)

    assert named(started, 201) == family
    assert named(lw.get(f"{BASE}/trajectories/{tid}")) == family
    assert named(lw.get(f"{BASE}/trajectories/{tid}/team")) == family
    assert named(lw.get(f"{BASE}/trajectories/")) == family | other
    goal = lw.post(
        f"{BASE}/trajectories/{tid}/goals",
        json={"text": "Rust in huis", "domains": ["huiselijke_relaties"]},
    )
    assert named(goal, 201) == family
    measured = h.measure(lw, tid, "baseline", "2025-02-10", {"financien": 2})
    assert named(measured, 201) == family
    cost = lw.post(
        f"{BASE}/trajectories/{tid}/avoided-costs",
        json={
            "cost_kind": "uithuisplaatsing",
            "description": "voorkomen",
            "avoided_on": "2025-06-02",
            "quantity": "1",
            "periods": "1",
        },
    )
    assert named(cost, 201) == family
    assert named(lw.get(f"{BASE}/avoided-costs")) == family  # the ledger is per family
    lesson = lw.post(
        f"{BASE}/lessons/",
        json={
            "kind": "knelpunt",
            "title": "Geen urgentie",
            "text": "Geen urgentie voor terugplaatsing.",
            "tags": ["wonen"],
            "noticed_on": "2025-03-20",
            "author": "Gezinslab Oost",
            "trajectory_id": tid,
        },
    )
    assert named(lesson, 201) == family
    assert named(lw.get(f"{BASE}/lessons/")) == family
    # Aggregates name nobody.
    assert named(lw.get(f"{BASE}/figures")) == set()
