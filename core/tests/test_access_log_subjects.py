"""Every core route that shows or changes a household, a request, a helper or a match
names the persons behind it in the access log (one entry per person), so each of them
finds the view under "who saw my data" — not only the list routes and /api/people/{id}."""

from __future__ import annotations

import pytest
from sqlmodel import select

from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import new_request


def _named(platform, response) -> set[int]:
    trace = response.headers["x-trace-id"]
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        rows = session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace))
        return {e.subject_person_id for e in rows if e.subject_person_id is not None}


def _household(client, name: str, given: str) -> dict:
    made = client.post(
        "/api/households",
        json={"name": name, "members": [{"role": "parent", "person": {"given_name": given}}]},
    )
    assert made.status_code == 201, made.text
    return made.json()


@pytest.fixture
def world(platform, client_for):
    """A family with a request in 'zoeken', a volunteer (a person of her own household)
    proposed for it: (client, family's person ids, volunteer's person id, ids)."""
    client = client_for("meppel")
    family = _household(client, "Gezin Prins", "Anna")
    request_id = new_request(client, "intake", "zoeken", household_id=family["id"])
    volunteer = _household(client, "Huishouden Vos", "Vera")["members"][0]["person_id"]
    helper = client.post(
        "/api/helpers",
        json={
            "kind": "volunteer",
            "display_name": "Vera",
            "person_id": volunteer,
            "skills": ["boodschappen"],
            "availability": ["mon_morning"],
            "reach_anywhere": True,
            "max_load": 3,
        },
    )
    assert helper.status_code == 201, helper.text
    match = client.post(
        "/api/matches", json={"request_id": request_id, "helper_id": helper.json()["id"]}
    )
    assert match.status_code == 201, match.text
    members = {m["person_id"] for m in family["members"]}
    ids = {
        "household": family["id"],
        "request": request_id,
        "helper": helper.json()["id"],
        "match": match.json()["id"],
    }
    return client, members, volunteer, ids, (helper, match)


@pytest.mark.parametrize(
    ("path", "family", "helper"),
    [
        ("/api/households/{household}", True, False),
        ("/api/households/{household}/timeline", True, False),
        ("/api/requests/{request}", True, False),
        ("/api/requests/{request}/timeline", True, False),
        ("/api/helpers/{helper}", False, True),
        ("/api/matches", True, True),
        ("/api/matches/{match}", True, True),
        ("/api/requests/{request}/suggestions/{helper}", True, True),
        ("/huishoudens", True, False),
        ("/koppelingen/{match}", True, True),
    ],
)
def test_a_view_names_the_persons_it_shows(platform, world, path, family, helper):
    client, members, volunteer, ids, _made = world
    response = client.get(path.format(**ids))
    assert response.status_code == 200, response.text
    expected = (members if family else set()) | ({volunteer} if helper else set())
    assert _named(platform, response) >= expected


def test_changes_name_the_persons_they_change(platform, world):
    client, members, volunteer, ids, (helper, match) = world
    assert _named(platform, helper) == {volunteer}
    assert _named(platform, match) == members | {volunteer}
    note = {"kind": "note", "text": "Gebeld", "actor": "coördinator"}
    changes = [
        client.patch(f"/api/households/{ids['household']}", json={"notes": "Belt terug"}),
        client.post(f"/api/households/{ids['household']}/timeline/", json=note),
        client.post(f"/api/requests/{ids['request']}/timeline", json=note),
        client.patch(f"/api/requests/{ids['request']}", json={"description": "Boodschappen"}),
        client.post(f"/api/matches/{ids['match']}/transitions", json={"to": "geaccepteerd"}),
    ]
    for response in changes:
        assert response.status_code in (200, 201), response.text
    for response in changes[:-1]:
        assert _named(platform, response) >= members
    assert _named(platform, changes[-1]) >= members | {volunteer}


def test_a_new_person_is_the_subject_of_its_one_create_entry(platform, client_for):
    client = client_for("meppel")
    made = client.post("/api/people", json={"given_name": "Ida", "family_name": "Kok"})
    assert made.status_code == 201, made.text
    trace = made.headers["x-trace-id"]
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        entries = session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace)).all()
    assert [(e.action, e.object_type, e.subject_person_id) for e in entries] == [
        ("create", "person", made.json()["id"])
    ]


def test_a_write_naming_no_one_passes_the_check_only_when_its_route_says_why(platform, client_for):
    # The test client's own check (noaber.testing.check_write_logged) accepts this write
    # because its route declares NAMES_NO_ONE; an app whose routes say nothing refuses it.
    from litestar import Litestar

    from noaber.testing import check_write_logged, routes_naming_no_one

    admin = client_for("meppel")
    created = admin.post(
        "/api/organisations/", json={"name": "Obs De Tamboerijn", "kind": "school"}
    )
    assert created.status_code == 201, created.text
    assert "POST /api/organisations" in routes_naming_no_one(admin.app)
    check_write_logged(platform, admin.host, "/api/organisations/", created, admin.app)
    with pytest.raises(AssertionError, match="NAMES_NO_ONE"):
        check_write_logged(
            platform, admin.host, "/api/organisations/", created, Litestar(route_handlers=[])
        )
