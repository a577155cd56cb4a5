"""Each municipality's rules module contributes real criteria, weighted from its own
``[matching.weights]``, and only to its own tenant."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

from noaber.matching.columns import HelperRow, RequestRow, build_helper_columns, build_request_batch
from noaber.requests.types import request_types_of
from noaber_gemeente_meppel import rules as meppel_rules

TODAY = date(2026, 11, 23)


def _row(**changes):
    base = HelperRow(
        id=1,
        active=True,
        load=0,
        max_load=1,
        availability=[],
        skills=[],
        languages=[],
        reach=[],
        reach_anywhere=True,
        home=1,
        vog_until=None,
        age_min=None,
        age_max=None,
        recent=0,
    )
    return dataclasses.replace(base, **changes)


def first_hood(client):
    return client.get("/api/neighbourhoods/").json()["items"][0]["id"]


def helper(client, name, **changes):
    body = {
        "kind": "volunteer",
        "display_name": name,
        "reach_anywhere": True,
        "home_neighbourhood_id": first_hood(client),
        "vog_issued_on": "2026-01-05",
    }
    body.update(changes)
    response = client.post("/api/helpers/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def searching_request(client, **changes):
    person = client.post("/api/people/", json={"given_name": "Vrager"}).json()
    body = {"type": "hulpvraag", "asked_by": "self", "description": "x", "person_id": person["id"]}
    body.update(changes)
    req = client.post("/api/requests/", json=body).json()
    for to in ("intake", "zoeken"):
        assert client.post(f"/api/requests/{req['id']}/transitions", json={"to": to}).is_success
    return req


def why(client, req, helper_id):
    return client.get(f"/api/requests/{req['id']}/suggestions/{helper_id}").json()["explanation"]


def component(explanation, name):
    return next(c for c in explanation["components"] if c["name"] == name)


def test_meppel_couples_families_only_with_helpers_living_in_meppel(client_for, platform):
    meppel = client_for("meppel")
    inside = helper(meppel, "In Meppel")
    outside = helper(meppel, "Van buiten", home_neighbourhood_id=None)
    tenant = platform.tenant_for_host("meppel.localhost")
    child_type = next(t for t in request_types_of(tenant.plugins) if t.involves_children)
    family = meppel.post(
        "/api/households/",
        json={
            "name": "Gezin M",
            "members": [
                {"role": "parent", "person": {"given_name": "M", "postcode": "7941"}},
                {"role": "child", "person": {"given_name": "K", "birth_year": 2019}},
            ],
        },
    ).json()
    req = meppel.post(
        "/api/requests/",
        json={
            "type": child_type.name,
            "asked_by": "self",
            "description": "Steungezin gezocht",
            "household_id": family["id"],
        },
    ).json()
    failed_outside = [f["filter"] for f in why(meppel, req, outside["id"])["failed_filters"]]
    failed_inside = [f["filter"] for f in why(meppel, req, inside["id"])["failed_filters"]]
    assert "woont_in_meppel" in failed_outside
    assert "woont_in_meppel" not in failed_inside
    # A small job without children may go to a helper from outside.
    small_job = searching_request(meppel)
    assert why(meppel, small_job, outside["id"])["eligible"] is True


@pytest.mark.parametrize(
    ("needs_vog", "home", "kept"), [(True, None, False), (True, 1, True), (False, None, True)]
)
def test_meppel_lives_in_meppel_values(needs_vog, home, kept):
    cols = build_helper_columns([_row(home=home)], [1])
    req = RequestRow(1, "x", [], [], [], 1, needs_vog, [])
    batch = build_request_batch([req], cols, TODAY)
    assert bool(np.asarray(meppel_rules.lives_in_meppel(batch, cols))[0, 0]) is kept


def test_meppel_age_fit_weighted_from_configuration(client_for):
    meppel = client_for("meppel")
    h = helper(meppel, "Steungezin", child_age_min=4, child_age_max=12)
    explanation = why(meppel, searching_request(meppel), h["id"])
    fit = component(explanation, "leeftijdsaansluiting")
    assert fit["weight"] == 2.5  # meppel municipality.toml [matching.weights]
    assert fit["value"] == 1.0  # no children in this request
    assert component(explanation, "proximity")["weight"] == 3.0
    assert component(explanation, "languages")["weight"] == 1.0  # default kept


@pytest.mark.parametrize(
    ("ages", "age_min", "age_max", "value"),
    [
        ([8], 4, 12, 1.0),  # right in the middle
        ([10], 4, 12, 0.5),  # halfway to the edge
        ([12], 4, 12, 0.0),  # at the edge
        ([3, 13], 4, 12, 1.0),  # mean age 8
        ([8], None, None, meppel_rules.NEUTRAL),  # no preference
        ([], 4, 12, 1.0),  # no children
    ],
)
def test_meppel_age_fit_values(ages, age_min, age_max, value):
    cols = build_helper_columns([_row(age_min=age_min, age_max=age_max)], [1])
    req = RequestRow(1, "x", [], [], [], 1, False, ages)
    batch = build_request_batch([req], cols, TODAY)
    assert float(np.asarray(meppel_rules.age_fit(batch, cols))[0, 0]) == pytest.approx(value)


def test_leeuwarden_experts_by_experience_and_frisian(client_for):
    leeuwarden = client_for("leeuwarden")
    expert = helper(leeuwarden, "Ervaringsdeskundige", skills=["ervaringsdeskundige"])
    frisian = helper(leeuwarden, "Fries", languages=["fy", "nl"])
    plain = helper(leeuwarden, "Gewoon", languages=["nl"])
    req = searching_request(leeuwarden, languages=["fy"])
    expert_why = why(leeuwarden, req, expert["id"])
    assert component(expert_why, "ervaringsdeskundigheid") | {"contribution": 0} == {
        "name": "ervaringsdeskundigheid",
        "description": "1 when the helper is an expert by experience (ervaringsdeskundige).",
        "value": 1.0,
        "weight": 1.5,
        "contribution": 0,
    }
    assert component(why(leeuwarden, req, plain["id"]), "ervaringsdeskundigheid")["value"] == 0
    assert component(why(leeuwarden, req, frisian["id"]), "frysk")["value"] == 1.0
    assert component(why(leeuwarden, req, plain["id"]), "frysk")["value"] == 0.0
    dutch = searching_request(leeuwarden, languages=["nl"])
    assert component(why(leeuwarden, dutch, plain["id"]), "frysk")["value"] == 1.0
    # Not Meppel's criteria, and Meppel does not get Leeuwarden's.
    names = {c["name"] for c in expert_why["components"]}
    assert "leeftijdsaansluiting" not in names
    meppel = client_for("meppel")
    meppel_names = {
        c["name"]
        for c in why(meppel, searching_request(meppel), helper(meppel, "M")["id"])["components"]
    }
    assert "ervaringsdeskundigheid" not in meppel_names


def test_amersfoort_asks_every_helper_for_a_vog(client_for):
    amersfoort = client_for("amersfoort")
    without = helper(amersfoort, "Zonder VOG", vog_issued_on=None)
    broad = helper(
        amersfoort,
        "Vaak beschikbaar",
        availability=[
            "mon_morning",
            "tue_morning",
            "wed_morning",
            "thu_morning",
            "fri_morning",
            "sat_morning",
            "sun_morning",
        ],
    )
    narrow = helper(amersfoort, "Soms", availability=["mon_morning", "tue_evening", "sat_morning"])
    req = searching_request(amersfoort)  # a general request, no children involved
    assert why(amersfoort, req, without["id"])["excluded_by"] == "vog_voor_iedereen"
    broad_why = why(amersfoort, req, broad["id"])
    assert broad_why["eligible"] is True
    assert component(broad_why, "ruime_beschikbaarheid")["value"] == 1.0
    assert component(broad_why, "ruime_beschikbaarheid")["weight"] == 1.5
    assert component(broad_why, "fairness")["weight"] == 2.0
    assert component(why(amersfoort, req, narrow["id"]), "ruime_beschikbaarheid")["value"] == 0.5
    # Meppel does not ask it for general requests.
    meppel = client_for("meppel")
    no_vog = helper(meppel, "Zonder VOG", vog_issued_on=None)
    assert why(meppel, searching_request(meppel), no_vog["id"])["eligible"] is True
