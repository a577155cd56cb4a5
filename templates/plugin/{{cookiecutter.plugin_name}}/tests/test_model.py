"""The table, its migration branch, the create/list API and the demo data."""

from __future__ import annotations

from litestar.testing import TestClient
from sqlalchemy import inspect

from noaber.db import migrate
from noaber.demo.seed import seed_demo
from noaber.testing import StaffClient
from noaber.web.app import create_app

URL = "/api/{{ cookiecutter.__url }}/items"
ENABLED = "proefstad.localhost"
NOT_ENABLED = "anderstad.localhost"


def test_migration_branch_ran(programme_platform):
    assert "{{ cookiecutter.plugin_name }}_item" in inspect(programme_platform.engine).get_table_names()
    assert "{{ cookiecutter.plugin_name }}_0001" in migrate.current(programme_platform.engine)
    assert migrate.is_up_to_date(programme_platform.engine, programme_platform.catalog)


def test_create_and_list_items(client):
    created = client.post(URL, json={"title": "Eerste"}, headers={"host": ENABLED})
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "Eerste"
    listed = client.get(URL, headers={"host": ENABLED})
    assert [item["title"] for item in listed.json()["items"]] == ["Eerste"]
    assert listed.json()["total"] == 1
    client.post(URL, json={"title": "Tweede"}, headers={"host": ENABLED})
    second = client.get(URL, params={"page_size": 1, "page": 2}, headers={"host": ENABLED})
    assert [item["title"] for item in second.json()["items"]] == ["Tweede"]
    too_big = client.get(URL, params={"page_size": 101}, headers={"host": ENABLED})
    assert too_big.status_code in (400, 422)
    assert client.get(URL, headers={"host": NOT_ENABLED}).status_code == 404


def test_bad_input_is_refused_and_the_limit_holds(client):
    refused = client.post(URL, json={"title": ""}, headers={"host": ENABLED})
    assert refused.status_code in (400, 422), refused.text
    for n in range(3):
        client.post(URL, json={"title": f"item {n}"}, headers={"host": ENABLED})
    refused = client.post(URL, json={"title": "one too many"}, headers={"host": ENABLED})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_demo_data_only_for_municipalities_that_enable_it(programme_platform):
    seed_demo(programme_platform)
    with TestClient(create_app(programme_platform)) as raw:
        client = StaffClient(raw, programme_platform)
        assert client.get(URL, headers={"host": ENABLED}).json()["items"]
        assert client.get(URL, headers={"host": NOT_ENABLED}).status_code == 404


def move(client, item_id, state):
    return client.post(f"{URL}/{item_id}/state", json={"state": state}, headers={"host": ENABLED})


def test_items_follow_the_workflow(client):
    item = client.post(URL, json={"title": "Verhuizing"}, headers={"host": ENABLED}).json()
    assert item["state"] == "open"
    moved = move(client, item["id"], "active")
    assert moved.status_code == 200, moved.text
    assert moved.json()["state"] == "active"
    assert move(client, item["id"], "open").status_code == 409
    assert move(client, 9999, "closed").status_code == 404


def test_one_municipality_never_sees_another_ones_items(client):
    item = client.post(URL, json={"title": "Alleen Proefstad"}, headers={"host": ENABLED}).json()
    neighbour = {"host": "buurstad.localhost"}
    assert client.get(URL, headers=neighbour).json()["items"] == []
    moved = client.post(f"{URL}/{item['id']}/state", json={"state": "closed"}, headers=neighbour)
    assert moved.status_code == 404
    assert client.get(URL, headers={"host": ENABLED}).json()["items"][0]["state"] == "open"
