"""People, households, organisations, professionals and helper profiles through the API:
validation (422 naming the field), postcode resolution, derived ages, pagination bounds,
filtering and sorting, and tenant isolation."""

from __future__ import annotations

from datetime import date

import pytest

from noaber.clock import dutch_today
from noaber.people.services import age_on
from noaber.web.pagination import MAX_PAGE_SIZE


def hood_id(client, name: str) -> int:
    body = client.get("/api/neighbourhoods/").json()
    items = body["items"] if isinstance(body, dict) else body
    return next(h["id"] for h in items if h["name"] == name)


def fields(response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["field"] for e in response.json()["errors"]]


def test_person_minimal_and_postcode_resolved(client_for):
    meppel = client_for("meppel")
    minimal = meppel.post("/api/people/", json={"given_name": "Anna"})
    assert minimal.status_code == 201, minimal.text
    assert minimal.json()["neighbourhood_id"] is None
    assert minimal.json()["age"] is None

    full = meppel.post(
        "/api/people/",
        json={
            "given_name": "Bram",
            "family_name": "de Vries",
            "birth_date": "1990-06-15",
            "email": "bram@example.nl",
            "phone": "+31 6 1234 5678",
            "street": "Hoofdstraat",
            "house_number": "12a",
            "postcode": "7942 ab",
            "city": "Meppel",
            "languages": ["NL", "fy"],
            "notes": "Liever 's ochtends bellen.",
        },
    )
    assert full.status_code == 201, full.text
    body = full.json()
    assert body["postcode"] == "7942 AB"
    assert body["neighbourhood_id"] == hood_id(meppel, "Koedijkslanden")
    assert body["languages"] == ["nl", "fy"]
    assert body["age"] == age_on(date(1990, 6, 15), None)
    assert meppel.get(f"/api/people/{body['id']}").json()["family_name"] == "de Vries"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "given_name"),
        ({"given_name": ""}, "given_name"),
        ({"given_name": "A", "postcode": "12"}, "postcode"),
        ({"given_name": "A", "postcode": "1234"}, "postcode"),  # not in Meppel
        ({"given_name": "A", "email": "no-at-sign"}, "email"),
        ({"given_name": "A", "languages": ["dutch"]}, "languages.0"),
        ({"given_name": "A", "birth_year": 1800}, "birth_year"),
        ({"given_name": "A", "shoe_size": 43}, "shoe_size"),
    ],
)
def test_person_refused_with_field_named(client_for, body, field):
    meppel = client_for("meppel")
    assert field in fields(meppel.post("/api/people/", json=body))
    assert meppel.get("/api/people/").json()["total"] == 0


def test_person_future_birth_date_refused_and_patch_checks_consistency(client_for):
    meppel = client_for("meppel")
    assert (
        meppel.post(
            "/api/people/", json={"given_name": "A", "birth_date": "2999-01-01"}
        ).status_code
        == 422
    )
    person = meppel.post("/api/people/", json={"given_name": "A", "birth_year": 2000}).json()
    bad = meppel.patch(f"/api/people/{person['id']}", json={"birth_date": "2001-03-01"})
    assert "birth_date" in fields(bad)
    assert meppel.get(f"/api/people/{person['id']}").json()["birth_date"] is None
    moved = meppel.patch(f"/api/people/{person['id']}", json={"postcode": "7943"})
    assert moved.json()["neighbourhood_id"] == hood_id(meppel, "Oosterboer")
    cleared = meppel.patch(f"/api/people/{person['id']}", json={"postcode": None})
    assert cleared.json()["neighbourhood_id"] is None


def test_household_members_roles_children_ages_and_neighbourhood(client_for):
    meppel = client_for("meppel")
    parent = meppel.post("/api/people/", json={"given_name": "Sanne", "postcode": "7944"}).json()
    today = dutch_today()
    created = meppel.post(
        "/api/households/",
        json={
            "name": "Gezin Jansen",
            "members": [
                {"person_id": parent["id"], "role": "parent"},
                {
                    "role": "child",
                    "person": {"given_name": "Tim", "birth_date": f"{today.year - 9}-01-01"},
                },
                {"role": "child", "person": {"given_name": "Eva", "birth_year": today.year - 3}},
                {"role": "other", "person": {"given_name": "Opa", "birth_year": 1950}},
            ],
        },
    )
    assert created.status_code == 201, created.text
    household = created.json()
    assert household["neighbourhood_id"] == hood_id(meppel, "Nieuwveense Landen")
    assert [m["role"] for m in household["members"]] == ["parent", "child", "child", "other"]
    assert household["children_ages"] == [3, 9]

    newborn = meppel.post(
        f"/api/households/{household['id']}/members",
        json={"role": "child", "person": {"given_name": "Noor", "birth_date": today.isoformat()}},
    )
    assert newborn.json()["children_ages"] == [0, 3, 9]
    again = meppel.post(
        f"/api/households/{household['id']}/members",
        json={"role": "parent", "person_id": parent["id"]},
    )
    assert again.status_code == 422
    assert len(meppel.get(f"/api/households/{household['id']}").json()["members"]) == 5


def test_household_refusals_store_nothing(client_for):
    meppel = client_for("meppel")
    bad_member = meppel.post(
        "/api/households/",
        json={
            "name": "Gezin X",
            "members": [
                {"role": "parent", "person": {"given_name": "Ok"}},
                {"role": "child", "person_id": 999},
            ],
        },
    )
    assert "members.1.person_id" in fields(bad_member)
    both = meppel.post(
        "/api/households/",
        json={"name": "Gezin Y", "members": [{"role": "child", "person_id": 1, "person": {}}]},
    )
    assert both.status_code == 422
    assert "members.0.role" in fields(
        meppel.post("/api/households/", json={"name": "Z", "members": [{"person_id": 1}]})
    )
    assert meppel.get("/api/households/").json()["total"] == 0
    assert meppel.get("/api/people/").json()["total"] == 0


def test_organisations_and_professionals(client_for):
    meppel = client_for("meppel")
    org = meppel.post(
        "/api/organisations/",
        json={"name": "Huisartsenpraktijk Centrum", "kind": "gp_practice", "phone": "0522 123456"},
    )
    assert org.status_code == 201, org.text
    school = meppel.post(
        "/api/organisations/", json={"name": "Obs De Tamboerijn", "kind": "school"}
    )
    pro = meppel.post(
        "/api/professionals/",
        json={"organisation_id": org.json()["id"], "name": "Dr. Bakker", "role": "huisarts"},
    )
    assert pro.status_code == 201, pro.text
    assert "organisation_id" in fields(
        meppel.post("/api/professionals/", json={"organisation_id": 999, "name": "X"})
    )
    assert "kind" in fields(meppel.post("/api/organisations/", json={"name": "X", "kind": "bank"}))
    gps = meppel.get("/api/organisations/?kind=gp_practice").json()
    assert [o["name"] for o in gps["items"]] == ["Huisartsenpraktijk Centrum"]
    by_name = meppel.get("/api/organisations/?sort=-name").json()["items"]
    assert [o["name"] for o in by_name] == ["Obs De Tamboerijn", "Huisartsenpraktijk Centrum"]
    assert meppel.get("/api/organisations/?name=tamboer").json()["total"] == 1
    assert "sort" in fields(meppel.get("/api/organisations/?sort=email"))
    assert meppel.get("/api/professionals/?name=bakker&sort=-name").json()["total"] == 1
    by_org = meppel.get(f"/api/professionals/?organisation_id={school.json()['id']}").json()
    assert by_org["total"] == 0
    assert meppel.get(f"/api/professionals/{pro.json()['id']}").json()["role"] == "huisarts"


def helper_body(**changes):
    body = {
        "kind": "volunteer",
        "display_name": "Piet",
        "skills": ["Tuin", "klussen"],
        "languages": ["nl"],
        "availability": ["mon_morning", "sat_afternoon"],
        "max_load": 2,
    }
    body.update(changes)
    return body


def test_helper_profile_defaults_validation_and_pause(client_for):
    meppel = client_for("meppel")
    person = meppel.post("/api/people/", json={"given_name": "Piet", "postcode": "7941"}).json()
    created = meppel.post("/api/helpers/", json=helper_body(person_id=person["id"]))
    assert created.status_code == 201, created.text
    helper = created.json()
    centrum = hood_id(meppel, "Centrum")
    assert helper["home_neighbourhood_id"] == centrum
    assert helper["reach_neighbourhood_ids"] == [centrum]
    assert helper["skills"] == ["tuin", "klussen"]
    assert helper["status"] == "active"

    paused = meppel.patch(f"/api/helpers/{helper['id']}", json={"status": "paused"})
    assert paused.json()["status"] == "paused"
    assert meppel.get("/api/helpers/?status=paused").json()["total"] == 1

    for body, field in [
        (helper_body(availability=["monday"]), "availability.0"),
        (helper_body(max_load=0), "max_load"),
        (helper_body(reach_neighbourhood_ids=[99999]), "reach_neighbourhood_ids.0"),
        (helper_body(person_id=99999), "person_id"),
        (helper_body(kind="robot"), "kind"),
    ]:
        assert field in fields(meppel.post("/api/helpers/", json=body))
    assert (
        meppel.post(
            "/api/helpers/", json=helper_body(child_age_min=10, child_age_max=4)
        ).status_code
        == 422
    )
    assert (
        meppel.post(
            "/api/helpers/",
            json=helper_body(vog_issued_on="2025-01-01", vog_valid_until="2024-01-01"),
        ).status_code
        == 422
    )
    bad_patch = meppel.patch(
        f"/api/helpers/{helper['id']}", json={"child_age_min": 12, "child_age_max": 3}
    )
    assert bad_patch.status_code == 422
    assert meppel.get(f"/api/helpers/{helper['id']}").json()["child_age_min"] is None
    assert meppel.get("/api/helpers/").json()["total"] == 1


def test_pagination_bounds_and_page_contents(client_for):
    meppel = client_for("meppel")
    for i in range(7):
        meppel.post("/api/people/", json={"given_name": f"P{i}", "family_name": f"Naam{6 - i}"})
    first = meppel.get("/api/people/?page=1&page_size=3").json()
    assert (first["total"], first["page"], first["page_size"]) == (7, 1, 3)
    assert [p["given_name"] for p in first["items"]] == ["P0", "P1", "P2"]
    last = meppel.get("/api/people/?page=3&page_size=3").json()
    assert [p["given_name"] for p in last["items"]] == ["P6"]
    assert meppel.get("/api/people/?page=9&page_size=3").json()["items"] == []
    assert meppel.get(f"/api/people/?page_size={MAX_PAGE_SIZE}").status_code == 200
    for query, field in [
        (f"page_size={MAX_PAGE_SIZE + 1}", "page_size"),
        ("page_size=0", "page_size"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("sort=shoe_size", "sort"),
    ]:
        response = meppel.get(f"/api/people/?{query}")
        assert field in fields(response), query
    for path in ("households", "organisations", "professionals", "helpers"):
        assert "page_size" in fields(meppel.get(f"/api/{path}/?page_size=1000"))


def test_filtering_and_sorting(client_for):
    meppel = client_for("meppel")
    for given, family, postcode in [
        ("Anna", "Zwart", "7941"),
        ("Bert", "Akker", "7942"),
        ("Cor", "Mulder", "7941"),
    ]:
        meppel.post(
            "/api/people/", json={"given_name": given, "family_name": family, "postcode": postcode}
        )
    by_name = meppel.get("/api/people/?sort=family_name").json()["items"]
    assert [p["family_name"] for p in by_name] == ["Akker", "Mulder", "Zwart"]
    desc = meppel.get("/api/people/?sort=-family_name").json()["items"]
    assert [p["family_name"] for p in desc] == ["Zwart", "Mulder", "Akker"]
    centrum = hood_id(meppel, "Centrum")
    in_centrum = meppel.get(f"/api/people/?neighbourhood_id={centrum}").json()
    assert sorted(p["given_name"] for p in in_centrum["items"]) == ["Anna", "Cor"]
    assert meppel.get("/api/people/?name=mULD").json()["items"][0]["given_name"] == "Cor"

    for name, skills in [("Els", ["koken"]), ("Frits", ["tuin"]), ("Gijs", ["tuin", "koken"])]:
        meppel.post("/api/helpers/", json=helper_body(display_name=name, skills=skills))
    tuin = meppel.get("/api/helpers/?skill=tuin&sort=-display_name").json()
    assert [h["display_name"] for h in tuin["items"]] == ["Gijs", "Frits"]
    assert tuin["total"] == 2
    meppel.post("/api/households/", json={"name": "Gezin B"})
    meppel.post("/api/households/", json={"name": "Gezin A"})
    names = [h["name"] for h in meppel.get("/api/households/?sort=name").json()["items"]]
    assert names == ["Gezin A", "Gezin B"]


def test_household_of_one_tenant_invisible_from_another(client_for):
    meppel, leeuwarden = client_for("meppel"), client_for("leeuwarden")
    created = meppel.post(
        "/api/households/",
        json={
            "name": "Gezin Geheim",
            "members": [{"role": "parent", "person": {"given_name": "X"}}],
        },
    ).json()
    person_id = created["members"][0]["person_id"]
    assert leeuwarden.get(f"/api/households/{created['id']}").status_code == 404
    assert leeuwarden.get(f"/api/people/{person_id}").status_code == 404
    assert leeuwarden.get("/api/households/").json()["total"] == 0
    assert leeuwarden.get(f"/api/households/{created['id']}/timeline/").status_code == 404
    # Not even as a reference: another tenant's person cannot be made a member.
    own = leeuwarden.post("/api/households/", json={"name": "Gezin L"}).json()
    steal = leeuwarden.post(
        f"/api/households/{own['id']}/members", json={"role": "child", "person_id": person_id}
    )
    assert steal.status_code == 422
    assert meppel.get(f"/api/households/{created['id']}").json()["name"] == "Gezin Geheim"


def test_household_changed_and_member_taken_out(client_for):
    meppel = client_for("meppel")
    created = meppel.post(
        "/api/households/",
        json={
            "name": "Gezin Smit",
            "members": [
                {"role": "parent", "person": {"given_name": "Ans", "postcode": "7941"}},
                {"role": "child", "person": {"given_name": "Bo", "birth_year": 2015}},
            ],
        },
    ).json()
    hid = created["id"]
    renamed = meppel.patch(
        f"/api/households/{hid}", json={"name": "Gezin Smit-de Vries", "notes": "Verhuisd"}
    )
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["notes"]) == ("Gezin Smit-de Vries", "Verhuisd")
    assert "name" in fields(meppel.patch(f"/api/households/{hid}", json={"name": None}))
    assert "neighbourhood_id" in fields(
        meppel.patch(f"/api/households/{hid}", json={"neighbourhood_id": 99999})
    )
    child = created["members"][1]["person_id"]
    out = meppel.delete(f"/api/households/{hid}/members/{child}")
    assert out.status_code == 200, out.text
    assert [m["given_name"] for m in out.json()["members"]] == ["Ans"]
    assert out.json()["children_ages"] == []
    assert meppel.get(f"/api/people/{child}").status_code == 200  # still registered
    assert meppel.delete(f"/api/households/{hid}/members/{child}").status_code == 404
    assert (
        client_for("leeuwarden").patch(f"/api/households/{hid}", json={"notes": "x"}).status_code
        == 404
    )
    assert meppel.get(f"/api/households/{hid}").json()["notes"] == "Verhuisd"
