from __future__ import annotations

import pytest

BASE = "/api/gezinslab/trajectories"


@pytest.fixture
def lw(client_for):
    return client_for("leeuwarden")


def make_household(client, name="Gezin Visser", children=2):
    members = [{"role": "parent", "person": {"given_name": "Ineke", "birth_year": 1988}}]
    members += [
        {"role": "child", "person": {"given_name": f"Kind {i}", "birth_year": 2014 + i}}
        for i in range(children)
    ]
    r = client.post("/api/households", json={"name": name, "members": members})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def start(client, household_id, started_on="2025-02-03", **extra):
    body = {
        "household_id": household_id,
        "started_on": started_on,
        "goals": [
            {
                "text": "Ik wil een huis waar mijn kinderen weer kunnen wonen.",
                "domains": ["huisvesting", "huiselijke_relaties"],
            }
        ],
        **extra,
    }
    r = client.post(BASE + "/", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def add_member(client, tid, kind, name, **extra):
    body = {
        "kind": kind,
        "name": name,
        "contribution": f"{name} helpt mee",
        "joined_on": "2025-02-03",
        **extra,
    }
    r = client.post(f"{BASE}/{tid}/team", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def measure(client, tid, kind, on, scores):
    return client.post(
        f"{BASE}/{tid}/measurements",
        json={"kind": kind, "measured_on": on, "scores": scores},
    )


def make_helper(client, name):
    """A volunteer in the helper pool, with the person behind them."""
    given, family = name.split(" ", 1)
    person = client.post("/api/people", json={"given_name": given, "family_name": family})
    assert person.status_code == 201, person.text
    helper = client.post(
        "/api/helpers",
        json={"kind": "volunteer", "display_name": name, "person_id": person.json()["id"]},
    )
    assert helper.status_code == 201, helper.text
    return {"id": helper.json()["id"], "person": person.json()["id"]}


class Helpers:
    base = BASE
    make_household = staticmethod(make_household)
    make_helper = staticmethod(make_helper)
    start = staticmethod(start)
    add_member = staticmethod(add_member)
    measure = staticmethod(measure)


@pytest.fixture
def h():
    return Helpers
