"""Requests (hulpvragen): creation and validation, workflow enforcement (409 listing the
allowed transitions), timelines per request and per household, filtering and sorting."""

from __future__ import annotations

import pytest

from noaber.requests.types import GENERAL, RequestType, Workflow, request_types_of


def household(client, name="Gezin Jansen", postcode="7941"):
    body = {
        "name": name,
        "members": [
            {"role": "parent", "person": {"given_name": "Sanne", "postcode": postcode}},
            {"role": "child", "person": {"given_name": "Tim", "birth_year": 2018}},
        ],
    }
    response = client.post("/api/households/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def new_request(client, **changes):
    body = {"type": "hulpvraag", "asked_by": "self", "description": "Hulp in de tuin"}
    body.update(changes)
    response = client.post("/api/requests/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def move(client, request_id, to, reason=None):
    body = {"to": to} if reason is None else {"to": to, "reason": reason}
    return client.post(f"/api/requests/{request_id}/transitions", json=body)


def test_request_created_in_initial_status_with_neighbourhood_of_household(client_for):
    meppel = client_for("meppel")
    family = household(meppel)
    created = new_request(meppel, household_id=family["id"], urgency="high")
    assert created["status"] == GENERAL.workflow.initial
    assert created["allowed_transitions"] == ["intake", "geannuleerd"]
    assert created["neighbourhood_id"] == family["neighbourhood_id"]
    assert meppel.get(f"/api/requests/{created['id']}").json()["urgency"] == "high"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": "bestaat_niet"}, "type"),
        ({"asked_by": "professional"}, "professional_id"),
        ({"professional_id": 999, "asked_by": "gp_referral"}, "professional_id"),
        ({"urgency": "meteen"}, "urgency"),
        ({"availability": ["someday"]}, "availability.0"),
        ({"description": ""}, "description"),
        ({"neighbourhood_id": 99999}, "neighbourhood_id"),
    ],
)
def test_request_refused_with_field_named(client_for, changes, field):
    meppel = client_for("meppel")
    person = meppel.post("/api/people/", json={"given_name": "A"}).json()
    body = {
        "type": "hulpvraag",
        "asked_by": "self",
        "description": "x",
        "person_id": person["id"],
        **changes,
    }
    response = meppel.post("/api/requests/", json=body)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert meppel.get("/api/requests/").json()["total"] == 0


def test_request_for_whom_exactly_one(client_for):
    meppel = client_for("meppel")
    person = meppel.post("/api/people/", json={"given_name": "A"}).json()
    family = household(meppel)
    both = {"person_id": person["id"], "household_id": family["id"]}
    for extra in ({}, both):
        body = {"type": "hulpvraag", "asked_by": "self", "description": "x", **extra}
        assert meppel.post("/api/requests/", json=body).status_code == 422
    missing = meppel.post(
        "/api/requests/",
        json={"type": "hulpvraag", "asked_by": "self", "description": "x", "household_id": 999},
    )
    assert [e["field"] for e in missing.json()["errors"]] == ["household_id"]


def test_gp_referral_names_the_professional(client_for):
    meppel = client_for("meppel")
    org = meppel.post("/api/organisations/", json={"name": "Praktijk", "kind": "gp_practice"})
    pro = meppel.post(
        "/api/professionals/", json={"organisation_id": org.json()["id"], "name": "Dr. B"}
    ).json()
    person = meppel.post("/api/people/", json={"given_name": "A", "postcode": "7943"}).json()
    created = new_request(
        meppel, asked_by="gp_referral", professional_id=pro["id"], person_id=person["id"]
    )
    assert created["professional_id"] == pro["id"]
    assert created["neighbourhood_id"] == person["neighbourhood_id"]


def test_workflow_enforced_illegal_transition_is_409_listing_allowed(client_for):
    meppel = client_for("meppel")
    req = new_request(meppel, household_id=household(meppel)["id"])
    skip = move(meppel, req["id"], "gekoppeld")
    assert skip.status_code == 409
    assert skip.headers["content-type"].startswith("application/problem+json")
    problem = skip.json()
    assert problem["allowed"] == ["intake", "geannuleerd"]
    assert problem["current"] == "nieuw"
    assert problem["requested"] == "gekoppeld"
    unknown = move(meppel, req["id"], "verzonnen")
    assert unknown.status_code == 409
    assert meppel.get(f"/api/requests/{req['id']}").json()["status"] == "nieuw"

    assert move(meppel, req["id"], "intake").json()["status"] == "intake"
    assert move(meppel, req["id"], "zoeken").json()["allowed_transitions"] == [
        "gekoppeld",
        "wachtlijst",
        "geannuleerd",
    ]
    # Cancelling needs a reason: 422 naming the field, nothing changed.
    no_reason = move(meppel, req["id"], "geannuleerd")
    assert no_reason.status_code == 422
    assert [e["field"] for e in no_reason.json()["errors"]] == ["reason"]
    assert move(meppel, req["id"], "geannuleerd", "   ").status_code == 422
    done = move(meppel, req["id"], "geannuleerd", "Gezin verhuisd")
    assert done.json()["status"] == "geannuleerd"
    assert done.json()["allowed_transitions"] == []
    final = move(meppel, req["id"], "zoeken")
    assert final.status_code == 409
    assert final.json()["allowed"] == []


def test_plugin_request_type_has_its_own_workflow(client_for, platform):
    """Leeuwarden enables plugins that register request types; each keeps its own
    statuses and the type list tells the client every workflow."""
    leeuwarden = client_for("leeuwarden")
    types = {t["name"]: t for t in leeuwarden.get("/api/request-types/").json()}
    assert "hulpvraag" in types
    registry = request_types_of(platform.tenant_for_host("leeuwarden.localhost").plugins)
    assert set(types) == set(registry.types)
    for name, rtype in registry.types.items():
        assert types[name]["workflow"]["initial"] == rtype.workflow.initial
        assert set(types[name]["open_statuses"]) == set(rtype.open_statuses)
    meppel_types = {t["name"] for t in client_for("meppel").get("/api/request-types/").json()}
    assert meppel_types <= set(types)


def test_workflow_definitions_are_checked():
    with pytest.raises(ValueError, match="unknown status"):
        Workflow(initial="a", transitions={"a": ("b",)})
    with pytest.raises(ValueError, match="initial status"):
        Workflow(initial="x", transitions={"a": ()})
    with pytest.raises(ValueError, match="open status"):
        RequestType(
            name="t",
            title="T",
            workflow=GENERAL.workflow,
            match_lifecycle=GENERAL.match_lifecycle,
            open_statuses=frozenset({"nergens"}),
            load_statuses=GENERAL.load_statuses,
        )


def test_timeline_per_request_and_per_household(client_for):
    meppel = client_for("meppel")
    family = household(meppel)
    req = new_request(meppel, household_id=family["id"], actor="coördinator Els")
    move(meppel, req["id"], "intake")
    note = meppel.post(
        f"/api/requests/{req['id']}/timeline",
        json={"kind": "contact", "text": "Huisbezoek gedaan", "actor": "Els"},
    )
    assert note.status_code == 201, note.text
    forged = meppel.post(
        f"/api/requests/{req['id']}/timeline", json={"kind": "status_change", "text": "x"}
    )
    assert forged.status_code == 422
    family_note = meppel.post(
        f"/api/households/{family['id']}/timeline/", json={"kind": "note", "text": "Vader werkt"}
    )
    assert family_note.status_code == 201

    entries = meppel.get(f"/api/requests/{req['id']}/timeline").json()
    assert entries["total"] == 3
    kinds = [e["kind"] for e in entries["items"]]
    assert kinds == ["contact", "status_change", "status_change"]  # newest first
    created, moved = entries["items"][2], entries["items"][1]
    assert created["actor"] == "coördinator Els"
    assert moved["data"] == {"from": "nieuw", "to": "intake", "reason": None}

    # The household's timeline has its own entries and those of its requests.
    mine = meppel.get(f"/api/households/{family['id']}/timeline/").json()
    assert mine["total"] == 4
    assert mine["items"][0]["text"] == "Vader werkt"
    assert meppel.get(f"/api/requests/{req['id']}/timeline?page_size=101").status_code == 422
    assert meppel.get("/api/requests/999/timeline").status_code == 404


def test_request_filters_and_sorting(client_for):
    meppel = client_for("meppel")
    family = household(meppel)
    other = household(meppel, "Gezin Bakker", postcode="7944")
    low = new_request(meppel, household_id=family["id"], urgency="low")
    crisis = new_request(meppel, household_id=other["id"], urgency="crisis")
    normal = new_request(meppel, household_id=family["id"])
    move(meppel, normal["id"], "intake")

    def ids(query):
        response = meppel.get(f"/api/requests/?{query}")
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["items"]]

    assert ids("status=intake") == [normal["id"]]
    assert ids(f"household_id={family['id']}") == [low["id"], normal["id"]]
    assert ids(f"neighbourhood_id={other['neighbourhood_id']}") == [crisis["id"]]
    assert ids("urgency=crisis") == [crisis["id"]]
    assert ids("type=hulpvraag&sort=-id") == [normal["id"], crisis["id"], low["id"]]
    assert ids("sort=-urgency")[0] == crisis["id"]
    assert ids("sort=urgency")[0] == low["id"]
    response = meppel.get("/api/requests/?urgency=soon")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["urgency"]


def test_requests_of_one_tenant_invisible_from_another(client_for):
    meppel, amersfoort = client_for("meppel"), client_for("amersfoort")
    req = new_request(meppel, household_id=household(meppel)["id"])
    assert amersfoort.get(f"/api/requests/{req['id']}").status_code == 404
    assert move(amersfoort, req["id"], "intake").status_code == 404
    assert amersfoort.get(f"/api/requests/{req['id']}/timeline").status_code == 404
    assert amersfoort.get("/api/requests/").json()["total"] == 0
    assert meppel.get(f"/api/requests/{req['id']}").json()["status"] == "nieuw"


def test_request_details_changed_on_the_timeline(client_for):
    meppel = client_for("meppel")
    req = new_request(meppel, household_id=household(meppel)["id"], skills=["tuin"])
    changed = meppel.patch(
        f"/api/requests/{req['id']}",
        json={
            "urgency": "crisis",
            "skills": ["Koken"],
            "wished_from": "2026-12-01",
            "actor": "Els",
        },
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["urgency"], body["skills"], body["status"]) == ("crisis", ["koken"], "nieuw")
    entry = meppel.get(f"/api/requests/{req['id']}/timeline").json()["items"][0]
    assert (entry["actor"], entry["data"]["changed"]) == (
        "Els",
        ["skills", "urgency", "wished_from"],
    )
    for patch_body, field in [
        ({"status": "afgesloten"}, "status"),
        ({"wished_until": "2026-11-01"}, "wished_until"),
        ({"description": None}, "description"),
        ({"urgency": "soon"}, "urgency"),
    ]:
        refused = meppel.patch(f"/api/requests/{req['id']}", json=patch_body)
        assert refused.status_code == 422, patch_body
        assert field in [e["field"] for e in refused.json()["errors"]], refused.json()
    assert meppel.get(f"/api/requests/{req['id']}").json()["urgency"] == "crisis"
