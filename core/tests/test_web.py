"""The web application: tenant by host, plugin routes per tenant, problem details."""

import pytest

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("slug", ["leeuwarden", "meppel", "amersfoort"])
def test_health_answers_for_each_municipality_host(client_for, slug):
    response = client_for(f"{slug}.localhost").get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "tenant": slug}


def test_host_with_port_and_extra_configured_host(client_for):
    assert client_for("meppel.localhost:8000").get("/health").json()["tenant"] == "meppel"
    assert client_for("noaber.leeuwarden.localhost").get("/health").json()["tenant"] == "leeuwarden"
    assert client_for("MEPPEL.localhost").get("/health").json()["tenant"] == "meppel"


@pytest.mark.parametrize("host", ["zwolle.localhost", "meppel.example.org", "localhost.meppel"])
def test_unknown_host_is_404_never_a_default_tenant(client_for, host):
    for path in ("/health", "/api/municipality", "/api/buurtgezinnen"):
        response = client_for(host).get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM)
        body = response.json()
        assert body["status"] == 404
        assert host.split(":")[0].lower() in body["detail"]


def test_platform_host_serves_health_but_no_tenant_routes(client_for):
    health = client_for("localhost").get("/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "tenants": 3}
    assert client_for("localhost").get("/api/municipality").status_code == 404


def test_municipality_info_is_the_hosts_own(client_for):
    body = client_for("amersfoort").get("/api/municipality").json()
    assert body["cbs_code"] == "GM0307"
    assert body["programmes"] == ["doorbraak"]
    assert "Liendert" in [n["name"] for n in body["neighbourhoods"]]


def test_plugin_routes_answer_only_where_the_plugin_is_enabled(client_for):
    assert client_for("meppel").get("/api/buurtgezinnen").status_code == 200
    assert client_for("leeuwarden").get("/api/wijkbedrijf").status_code == 200
    amersfoort = client_for("amersfoort")
    for programme in ("buurtgezinnen", "wijkbedrijf", "gezinslab"):
        response = amersfoort.get(f"/api/{programme}")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM)
    assert amersfoort.get("/api/doorbraak").status_code == 200


def test_programme_route_shows_the_tenants_settings(client_for):
    meppel = client_for("meppel").get("/api/buurtgezinnen").json()
    leeuwarden = client_for("leeuwarden").get("/api/buurtgezinnen").json()
    assert meppel["settings"]["yearly_budget"] == "58000.00"
    assert leeuwarden["settings"]["yearly_budget"] is None


def test_unknown_path_and_wrong_method_are_problem_details(client_for):
    meppel = client_for("meppel")
    missing = meppel.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
    wrong = meppel.post("/health")
    assert wrong.status_code == 405
    assert wrong.json()["status"] == 405


def test_openapi_document_lists_core_and_plugin_routes(client_for):
    schema = client_for("leeuwarden").get("/schema/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/health", "/api/municipality", "/api/buurtgezinnen", "/api/doorbraak"} <= set(paths)


def test_single_municipality_deployment_serves_every_host_as_that_tenant(make_platform):
    from litestar.testing import TestClient

    from noaber.web.app import create_app

    platform = make_platform(tenant="meppel")
    assert set(platform.tenants) == {"meppel"}
    with TestClient(create_app(platform), base_url="http://buurtgezinnen.meppel.nl") as client:
        assert client.get("/health").json()["tenant"] == "meppel"
        assert client.get("/api/wijkbedrijf").status_code == 404


def test_suspended_tenant_answers_503(platform, client_for):
    from dataclasses import replace

    from noaber.tenancy.models import TenantStatus

    platform.tenants["meppel"] = replace(platform.tenants["meppel"], status=TenantStatus.suspended)
    response = client_for("meppel").get("/health")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith(PROBLEM)
    assert client_for("amersfoort").get("/health").status_code == 200


def test_what_startup_built_is_kept_out_of_full_garbage_collections(platform):
    import gc

    from litestar.testing import TestClient

    from noaber.web.app import create_app

    with TestClient(create_app(platform)):
        frozen = gc.get_freeze_count()
    # The app, its plugins, mappers and schemas: many thousands of objects no full
    # collection scans while it serves (benchmarks/RESULTS.md: the p99 it cost).
    assert frozen > 10_000
    assert gc.get_freeze_count() == 0  # given back when it stopped
