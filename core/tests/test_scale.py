"""342 municipalities (every Dutch one) in one install: provisioning works, the app
starts with all of them, each host answers with its own data. Times are printed, not
asserted (benchmarks/tenants.py measures throughput)."""

import time

import pytest
from litestar.testing import TestClient

from noaber.testing import synthetic_municipalities
from noaber.web.app import create_app

pytestmark = pytest.mark.slow  # tens of seconds: runs first (see conftest.py)

COUNT = 342


def test_342_municipalities_in_one_install(make_platform, noaber_catalog):
    from noaber.municipalities.loader import discover_municipalities

    template = discover_municipalities(noaber_catalog)["meppel"]
    municipalities = synthetic_municipalities(COUNT, template)
    started = time.perf_counter()
    platform = make_platform(municipalities=municipalities, rate_limit_per_minute=0)
    provisioned = time.perf_counter() - started
    started = time.perf_counter()
    platform.load_tenants()
    app = create_app(platform)
    startup = time.perf_counter() - started
    assert len(platform.tenants) == COUNT
    print(f"\n{COUNT} tenants: provisioned in {provisioned:.2f} s, app built in {startup:.2f} s")
    with TestClient(app, raise_server_exceptions=False) as client:
        for slug in ("gemeente000", "gemeente171", "gemeente341"):
            response = client.get("/api/neighbourhoods", headers={"host": f"{slug}.localhost"})
            assert response.status_code == 200
            number = slug.removeprefix("gemeente").lstrip("0") or "0"
            names = {n["name"] for n in response.json()["items"]}
            assert names
            assert all(name.endswith(f" {number}") for name in names)
        assert client.get("/health", headers={"host": "gemeente342.localhost"}).status_code == 404
