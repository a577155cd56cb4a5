"""Matching through the API: ranked, explained suggestions; "why not X?"; the match
lifecycle (proposed -> accepted/declined with reason -> active -> ended with reason);
batch assignment; a plugin's filter and score component taking part."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest
from litestar.testing import TestClient

from noaber.hookspecs import hookimpl
from noaber.matching.columns import MatchFilter, ScoreComponent
from noaber.platform import Platform
from noaber.plugins import InstalledPlugin
from noaber.settings import Settings
from noaber.tenancy.registry import provision
from noaber.testing import logged_in_client
from noaber.web.app import create_app


def hood(client, name):
    return next(
        h["id"] for h in client.get("/api/neighbourhoods/").json()["items"] if h["name"] == name
    )


def add_helper(client, name, **changes):
    """A helper living in the municipality's first neighbourhood unless told otherwise
    (Meppel's rules suggest only helpers who live in Meppel)."""
    first = client.get("/api/neighbourhoods/").json()["items"][0]["id"]
    body = {
        "home_neighbourhood_id": first,
        "kind": "volunteer",
        "display_name": name,
        "skills": ["tuin"],
        "languages": ["nl"],
        "availability": ["mon_morning", "wed_evening"],
        "reach_anywhere": True,
        "max_load": 1,
    }
    body.update(changes)
    response = client.post("/api/helpers/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def open_request(client, **changes):
    person = client.post("/api/people/", json={"given_name": "Vrager", "postcode": "7941"})
    body = {
        "type": "hulpvraag",
        "asked_by": "self",
        "description": "Tuin bijhouden",
        "person_id": person.json()["id"],
        "skills": ["tuin"],
        "availability": ["mon_morning"],
    }
    body.update(changes)
    created = client.post("/api/requests/", json=body)
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    for status in ("intake", "zoeken"):
        moved = client.post(f"/api/requests/{request_id}/transitions", json={"to": status})
        assert moved.status_code == 201, moved.text
    return created.json()


def test_suggestions_ranked_and_explained(client_for):
    meppel = client_for("meppel")
    centrum = hood(meppel, "Centrum")
    best = add_helper(meppel, "Best", home_neighbourhood_id=centrum)
    far = add_helper(meppel, "Ver weg", home_neighbourhood_id=hood(meppel, "Oosterboer"))
    no_skill = add_helper(meppel, "Geen tuin", skills=["koken"], home_neighbourhood_id=centrum)
    paused = add_helper(meppel, "Gepauzeerd", status="paused", home_neighbourhood_id=centrum)
    busy_evening = add_helper(meppel, "Avond", availability=["wed_evening"])
    req = open_request(meppel)

    response = meppel.get(f"/api/requests/{req['id']}/suggestions/")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["considered"] == 5
    assert body["eligible"] == 3
    assert body["excluded_by_filter"]["active"] == 1
    assert body["excluded_by_filter"]["availability"] == 1
    names = [s["helper"]["display_name"] for s in body["suggestions"]]
    assert names == ["Best", "Ver weg", "Geen tuin"]
    assert [s["rank"] for s in body["suggestions"]] == [1, 2, 3]
    top = body["suggestions"][0]
    parts = {c["name"]: c for c in top["explanation"]["components"]}
    assert parts["skills"]["value"] == 1.0
    assert parts["proximity"]["value"] == 1.0
    assert top["score"] == pytest.approx(sum(c["contribution"] for c in parts.values()), 1e-3)
    second = {c["name"]: c for c in body["suggestions"][1]["explanation"]["components"]}
    assert second["proximity"]["value"] == 0.5
    assert body["suggestions"][0]["score"] > body["suggestions"][1]["score"]

    limited = meppel.get(f"/api/requests/{req['id']}/suggestions/?limit=1").json()
    assert len(limited["suggestions"]) == 1
    assert meppel.get(f"/api/requests/{req['id']}/suggestions/?limit=0").status_code == 422

    # "Why not X?"
    why_paused = meppel.get(f"/api/requests/{req['id']}/suggestions/{paused['id']}").json()
    assert why_paused["rank"] is None
    assert why_paused["explanation"]["eligible"] is False
    assert why_paused["explanation"]["excluded_by"] == "active"
    why_evening = meppel.get(f"/api/requests/{req['id']}/suggestions/{busy_evening['id']}")
    assert why_evening.json()["explanation"]["excluded_by"] == "availability"
    why_no_skill = meppel.get(f"/api/requests/{req['id']}/suggestions/{no_skill['id']}").json()
    assert why_no_skill["rank"] == 3
    skills = next(c for c in why_no_skill["explanation"]["components"] if c["name"] == "skills")
    assert skills["value"] == 0.0
    assert meppel.get(f"/api/requests/{req['id']}/suggestions/{far['id']}").json()["rank"] == 2
    assert best["id"] != far["id"]


def test_vog_required_where_children_are_involved(platform, client_for):
    """A request type that involves children needs helpers with a valid VOG."""
    leeuwarden = client_for("leeuwarden")
    tenant = platform.tenant_for_host("leeuwarden.localhost")
    from noaber.requests.types import request_types_of

    child_types = [t for t in request_types_of(tenant.plugins) if t.involves_children]
    if not child_types:
        pytest.skip("no enabled plugin registers a request type that involves children")
    rtype = child_types[0]
    family = leeuwarden.post(
        "/api/households/",
        json={
            "name": "Gezin K",
            "members": [
                {"role": "parent", "person": {"given_name": "M", "postcode": "8926"}},
                {"role": "child", "person": {"given_name": "K", "birth_year": 2019}},
            ],
        },
    ).json()
    req = leeuwarden.post(
        "/api/requests/",
        json={
            "type": rtype.name,
            "asked_by": "self",
            "description": "Steun",
            "household_id": family["id"],
        },
    ).json()
    no_vog = add_helper(leeuwarden, "Zonder VOG", skills=[], availability=[])
    with_vog = add_helper(
        leeuwarden, "Met VOG", skills=[], availability=[], vog_issued_on="2026-01-10"
    )
    why = leeuwarden.get(f"/api/requests/{req['id']}/suggestions/{no_vog['id']}").json()
    assert why["explanation"]["excluded_by"] == "vog"
    ok = leeuwarden.get(f"/api/requests/{req['id']}/suggestions/{with_vog['id']}").json()
    # (The programme's own filters may still ask for more, e.g. an intake.)
    assert "vog" not in [f["filter"] for f in ok["explanation"]["failed_filters"]]


def transition(client, match_id, to, reason=None):
    body = {"to": to} if reason is None else {"to": to, "reason": reason}
    return client.post(f"/api/matches/{match_id}/transitions", json=body)


def test_match_lifecycle_coordinator_confirms(client_for):
    meppel = client_for("meppel")
    helper = add_helper(meppel, "Piet", max_load=1)
    other = add_helper(meppel, "Klaas", max_load=1)
    req = open_request(meppel)

    # Suggesting couples nothing.
    meppel.get(f"/api/requests/{req['id']}/suggestions/")
    meppel.get("/api/batch-suggestions/")
    assert meppel.get("/api/matches/").json()["total"] == 0

    proposed = meppel.post(
        "/api/matches/", json={"request_id": req["id"], "helper_id": helper["id"]}
    )
    assert proposed.status_code == 201, proposed.text
    match = proposed.json()
    assert match["status"] == "voorgesteld"
    assert match["allowed_transitions"] == ["geaccepteerd", "afgewezen", "ingetrokken"]
    assert match["explanation"]["eligible"] is True
    assert match["score"] == pytest.approx(match["explanation"]["score"])

    # The proposal takes the helper's only place: no second proposal, and a "why".
    again = meppel.post("/api/matches/", json={"request_id": req["id"], "helper_id": helper["id"]})
    assert again.status_code == 409
    full = open_request(meppel)
    busy = meppel.post("/api/matches/", json={"request_id": full["id"], "helper_id": helper["id"]})
    assert busy.status_code == 409
    assert busy.json()["excluded_by"] == "capacity"
    why = meppel.get(f"/api/requests/{full['id']}/suggestions/{helper['id']}").json()
    assert why["explanation"]["excluded_by"] == "capacity"

    skip = transition(meppel, match["id"], "beeindigd", "klaar")
    assert skip.status_code == 409
    assert skip.json()["allowed"] == ["geaccepteerd", "afgewezen", "ingetrokken"]
    assert transition(meppel, match["id"], "geaccepteerd").json()["status"] == "geaccepteerd"
    assert transition(meppel, match["id"], "actief").json()["status"] == "actief"
    no_reason = transition(meppel, match["id"], "beeindigd")
    assert no_reason.status_code == 422
    assert [e["field"] for e in no_reason.json()["errors"]] == ["reason"]
    ended = transition(meppel, match["id"], "beeindigd", "Gezin verhuisd").json()
    assert (ended["status"], ended["reason"], ended["allowed_transitions"]) == (
        "beeindigd",
        "Gezin verhuisd",
        [],
    )
    # Ending frees the helper's place.
    why = meppel.get(f"/api/requests/{full['id']}/suggestions/{helper['id']}").json()
    assert why["explanation"]["eligible"] is True

    declined_match = meppel.post(
        "/api/matches/", json={"request_id": full["id"], "helper_id": other["id"]}
    ).json()
    declined = transition(meppel, declined_match["id"], "afgewezen", "Past niet bij het gezin")
    assert declined.json()["reason"] == "Past niet bij het gezin"

    timeline = meppel.get(f"/api/requests/{req['id']}/timeline").json()["items"]
    match_entries = [e for e in timeline if e["kind"] == "match"]
    assert [e["data"].get("to") for e in match_entries] == [
        "beeindigd",
        "actief",
        "geaccepteerd",
        "voorgesteld",
    ]
    listed = meppel.get(f"/api/matches/?helper_id={helper['id']}").json()
    assert [m["status"] for m in listed["items"]] == ["beeindigd"]
    assert meppel.get("/api/matches/?status=afgewezen").json()["total"] == 1
    newest = meppel.get("/api/matches/?sort=-id").json()["items"]
    assert [m["id"] for m in newest] == [declined_match["id"], match["id"]]
    assert meppel.get("/api/matches/?sort=colour").status_code == 422


def test_match_refusals(client_for):
    meppel = client_for("meppel")
    helper = add_helper(meppel, "Piet")
    person = meppel.post("/api/people/", json={"given_name": "A"}).json()
    new = meppel.post(
        "/api/requests/",
        json={
            "type": "hulpvraag",
            "asked_by": "self",
            "description": "x",
            "person_id": person["id"],
        },
    ).json()
    not_open = meppel.post(
        "/api/matches/", json={"request_id": new["id"], "helper_id": helper["id"]}
    )
    assert not_open.status_code == 409
    assert not_open.json()["allowed"] == ["wachtlijst", "zoeken"]
    req = open_request(meppel)
    assert (
        meppel.post("/api/matches/", json={"request_id": req["id"], "helper_id": 999}).status_code
        == 404
    )
    assert meppel.post("/api/matches/", json={"request_id": req["id"]}).status_code == 422
    assert meppel.get("/api/matches/").json()["total"] == 0
    # Another tenant sees neither the request nor the helper.
    amersfoort = client_for("amersfoort")
    cross = amersfoort.post(
        "/api/matches/", json={"request_id": req["id"], "helper_id": helper["id"]}
    )
    assert cross.status_code == 404
    assert amersfoort.get(f"/api/requests/{req['id']}/suggestions/").status_code == 404


def test_batch_assignment_respects_load_and_spreads_work(client_for):
    meppel = client_for("meppel")
    piet = add_helper(meppel, "Piet", max_load=2)
    klaas = add_helper(meppel, "Klaas", max_load=1)
    add_helper(meppel, "Gepauzeerd", status="paused", max_load=5)
    reqs = [open_request(meppel) for _ in range(4)]
    batch = meppel.get("/api/batch-suggestions/?type=hulpvraag")
    assert batch.status_code == 200, batch.text
    body = batch.json()
    assert body["requests"] == 4
    counts: dict[str, int] = {}
    for a in body["assignments"]:
        counts[a["helper"]["display_name"]] = counts.get(a["helper"]["display_name"], 0) + 1
        assert a["explanation"]["eligible"] is True
    assert counts == {"Piet": 2, "Klaas": 1}
    assert len(body["unassigned_request_ids"]) == 1
    assigned = {a["request_id"] for a in body["assignments"]}
    assert assigned | set(body["unassigned_request_ids"]) == {r["id"] for r in reqs}
    # Only a suggestion: nothing stored.
    assert meppel.get("/api/matches/").json()["total"] == 0
    # Once Piet is proposed for one request, he has one place left in the next batch.
    meppel.post("/api/matches/", json={"request_id": reqs[0]["id"], "helper_id": piet["id"]})
    after = meppel.get("/api/batch-suggestions/").json()
    # The request with a proposal is left out until that proposal is declined or ends.
    assert after["requests"] == 3
    assert after["already_matched_request_ids"] == [reqs[0]["id"]]
    names = sorted(a["helper"]["display_name"] for a in after["assignments"])
    assert names == ["Klaas", "Piet"]
    assert klaas["id"] in {a["helper"]["id"] for a in after["assignments"]}
    assert meppel.get("/api/batch-suggestions/?programme=nope").json()["requests"] == 0


def test_recently_used_helper_weighs_less(client_for):
    meppel = client_for("meppel")
    used = add_helper(meppel, "Vaak gevraagd", max_load=5)
    add_helper(meppel, "Nog niet gevraagd", max_load=5)
    first = open_request(meppel)
    before = meppel.get(f"/api/requests/{first['id']}/suggestions/").json()["suggestions"]
    assert before[0]["helper"]["display_name"] == "Vaak gevraagd"  # tie, lower id first
    meppel.post("/api/matches/", json={"request_id": first["id"], "helper_id": used["id"]})
    second = open_request(meppel)
    after = meppel.get(f"/api/requests/{second['id']}/suggestions/").json()["suggestions"]
    assert after[0]["helper"]["display_name"] == "Nog niet gevraagd"
    fairness = {
        s["helper"]["display_name"]: next(
            c for c in s["explanation"]["components"] if c["name"] == "fairness"
        )["value"]
        for s in after
    }
    assert fairness == {"Vaak gevraagd": 0.5, "Nog niet gevraagd": 1.0}
    batch = meppel.get("/api/batch-suggestions/").json()
    by_request = {a["request_id"]: a["helper"]["display_name"] for a in batch["assignments"]}
    assert by_request == {second["id"]: "Nog niet gevraagd"}
    assert batch["already_matched_request_ids"] == [first["id"]]


# --- a test plugin contributing a filter and a score component ---------------------------


class ScoreTestPlugin:
    """Prefers helpers whose display name starts with "A"; excludes helpers with id 13."""

    def __init__(self) -> None:
        self.preferred: set[int] = set()

    @hookimpl
    def match_filters(self, register: Callable[[MatchFilter], None]) -> None:
        register(
            MatchFilter("not_13", "Helper 13 is unlucky.", lambda r, h: (h.ids != 13)[None, :])
        )

    @hookimpl
    def match_score_components(self, register: Callable[[ScoreComponent], None]) -> None:
        preferred = self.preferred

        def fn(r, h):
            return np.isin(h.ids, list(preferred)).astype(np.float32)[None, :]

        register(ScoreComponent("preferred", "1 for preferred helpers.", fn, default_weight=1.0))


@pytest.fixture
def plugin_client(database_url, migration_database_url, noaber_catalog):
    plugin = ScoreTestPlugin()
    catalog = dataclasses.replace(
        noaber_catalog,
        plugins={
            **noaber_catalog.plugins,
            "scoretest": InstalledPlugin("scoretest", plugin, "0", None),  # type: ignore[arg-type]
        },
    )
    base = Platform.build(
        Settings(database_url=database_url, migration_database_url=migration_database_url),
        catalog=noaber_catalog,
    )
    meppel = base.municipalities["meppel"]
    config = meppel.config.model_copy(
        update={
            "matching": meppel.config.matching.model_copy(update={"weights": {"preferred": 40.0}})
        }
    )
    municipality = dataclasses.replace(
        meppel, config=config, plugin_settings={**meppel.plugin_settings, "scoretest": None}
    )
    base.dispose()
    platform = Platform.build(
        Settings(database_url=database_url, migration_database_url=migration_database_url),
        catalog=catalog,
        municipalities={"meppel": municipality},
    )
    with platform.admin_sessions.begin() as session:
        provision(session, municipality)
    platform.load_tenants()
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield plugin, logged_in_client(client, platform, "meppel")
    platform.dispose()


def test_plugin_hook_contributes_filter_and_score(plugin_client):
    plugin, meppel = plugin_client
    helpers = [add_helper(meppel, f"Helper {i}") for i in range(14)]
    req = open_request(meppel)
    baseline = meppel.get(f"/api/requests/{req['id']}/suggestions/?limit=3").json()
    assert [s["helper"]["id"] for s in baseline["suggestions"]] == [1, 2, 3]
    assert baseline["excluded_by_filter"]["not_13"] == 1

    plugin.preferred = {helpers[9]["id"]}
    ranked = meppel.get(f"/api/requests/{req['id']}/suggestions/?limit=3").json()
    top = ranked["suggestions"][0]
    assert top["helper"]["id"] == helpers[9]["id"]
    preferred = next(c for c in top["explanation"]["components"] if c["name"] == "preferred")
    assert preferred["weight"] == 40.0  # from the municipality's [matching.weights]
    assert preferred["value"] == 1.0
    assert preferred["contribution"] > 0
    assert preferred["description"] == "1 for preferred helpers."
    why = meppel.get(f"/api/requests/{req['id']}/suggestions/13").json()
    assert why["explanation"]["excluded_by"] == "not_13"
    assert why["explanation"]["failed_filters"][0]["description"] == "Helper 13 is unlucky."


def test_radius_reach_and_already_coupled_through_the_api(client_for):
    meppel = client_for("meppel")
    oosterboer = hood(meppel, "Oosterboer")
    near = add_helper(
        meppel,
        "Dichtbij",
        reach_anywhere=False,
        reach_neighbourhood_ids=[oosterboer],
        latitude=52.700,
        longitude=6.220,
        reach_radius_km=3,
        max_load=2,
    )
    far = add_helper(
        meppel,
        "Ver",
        reach_anywhere=False,
        reach_neighbourhood_ids=[oosterboer],
        latitude=52.700,
        longitude=6.300,
        reach_radius_km=3,
    )
    person = meppel.post(
        "/api/people/",
        json={"given_name": "Vrager", "postcode": "7941", "latitude": 52.70, "longitude": 6.19},
    ).json()
    req = open_request(meppel, person_id=person["id"])
    assert (req["latitude"], req["longitude"]) == (52.70, 6.19)  # from the person
    names = [
        s["helper"]["display_name"]
        for s in meppel.get(f"/api/requests/{req['id']}/suggestions/").json()["suggestions"]
    ]
    assert names == ["Dichtbij"]
    why_far = meppel.get(f"/api/requests/{req['id']}/suggestions/{far['id']}").json()
    assert why_far["explanation"]["excluded_by"] == "reach"

    meppel.post("/api/matches/", json={"request_id": req["id"], "helper_id": near["id"]})
    why_near = meppel.get(f"/api/requests/{req['id']}/suggestions/{near['id']}").json()
    assert why_near["explanation"]["excluded_by"] == "not_matched"

    plain = add_helper(meppel, "Zonder coördinaten")
    for body, field in [
        ({"latitude": 52.7}, "latitude"),
        ({"reach_radius_km": 5}, "reach_radius_km"),
        ({"latitude": 91, "longitude": 6.0}, "latitude"),
    ]:
        refused = meppel.patch(f"/api/helpers/{plain['id']}", json=body)
        assert refused.status_code == 422, body
        assert field in [e["field"] for e in refused.json()["errors"]], refused.json()
    half = meppel.post("/api/people/", json={"given_name": "X", "longitude": 6.1})
    assert half.status_code == 422


def test_columns_cache_recounts_loads_without_reloading_helpers(platform, client_for):
    """After a match changes, the cached helper columns are reused with fresh loads; a
    changed helper reloads them."""
    from noaber.matching import services
    from noaber.tenancy.context import tenant_scope

    meppel = client_for("meppel")
    piet = add_helper(meppel, "Piet", max_load=2)
    req = open_request(meppel)
    tenant = platform.tenant_for_host("meppel.localhost")
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        first = services.helper_columns(session, tenant)
        assert services.helper_columns(session, tenant) is first
    meppel.post("/api/matches/", json={"request_id": req["id"], "helper_id": piet["id"]})
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        after_match = services.helper_columns(session, tenant)
        assert after_match is not first
        assert after_match.skills_t is first.skills_t  # helper columns kept
        position = after_match.position(piet["id"])
        assert (int(after_match.load[position]), float(after_match.recent[position])) == (1, 1.0)
    meppel.patch(f"/api/helpers/{piet['id']}", json={"skills": ["koken"]})
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        reloaded = services.helper_columns(session, tenant)
        assert reloaded.skills_t is not first.skills_t
        assert "koken" in reloaded.skill_index
        assert int(reloaded.load[reloaded.position(piet["id"])]) == 1
