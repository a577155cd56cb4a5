"""Shared state: per-tenant rate limits (in process and in Redis), tenant-prefixed
stores, and a clean 503 when Redis is down."""

import uuid

import anyio
import pytest
from litestar.testing import TestClient

from noaber.tenancy import tenant_scope
from noaber.testing import require_redis
from noaber.web.app import create_app

PROBLEM = "application/problem+json"


def get(client, host, path="/api/neighbourhoods"):
    return client.get(path, headers={"host": host})


def test_neighbourhoods_are_paginated_and_the_tenants_own(client_for, platform):
    meppel = client_for("meppel")
    page = meppel.get("/api/neighbourhoods", params={"limit": 2}).json()
    total = len(platform.municipalities["meppel"].config.neighbourhoods)
    assert (page["total"], len(page["items"]), page["limit"], page["offset"]) == (total, 2, 2, 0)
    rest = meppel.get("/api/neighbourhoods", params={"limit": 2, "offset": 2}).json()
    ids = [n["id"] for n in page["items"] + rest["items"]]
    assert len(set(ids)) == min(total, 4)
    assert meppel.get(f"/api/neighbourhoods/{ids[0]}").json()["id"] == ids[0]
    bad = meppel.get("/api/neighbourhoods", params={"limit": 0})
    assert bad.status_code == 400 or bad.status_code == 422
    assert bad.headers["content-type"].startswith(PROBLEM)


def test_one_tenant_over_its_limit_does_not_stop_another(make_platform):
    platform = make_platform(rate_limit_per_minute=0, tenant_rate_limit_per_minute=5)
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        statuses = [get(client, "meppel.localhost").status_code for _ in range(8)]
        assert statuses == [200] * 5 + [429] * 3
        limited = get(client, "meppel.localhost")
        assert limited.headers["content-type"].startswith(PROBLEM)
        assert int(limited.headers["retry-after"]) >= 1
        assert get(client, "amersfoort.localhost").status_code == 200


@pytest.fixture
def redis_settings():
    url = require_redis()
    namespace = f"noaber_test_{uuid.uuid4().hex[:10]}"
    yield {"redis_url": url, "redis_namespace": namespace}
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{namespace}:*", count=500):
        client.delete(key)
    client.close()


def test_a_limit_in_redis_holds_across_workers(make_platform, redis_settings):
    """Two apps with their own platforms (two workers) share one limit per tenant."""
    settings = {**redis_settings, "rate_limit_per_minute": 0, "tenant_rate_limit_per_minute": 6}
    one, two = make_platform(**settings), make_platform(provision_all=False, **settings)
    two.load_tenants()
    with (
        TestClient(create_app(one), raise_server_exceptions=False) as a,
        TestClient(create_app(two), raise_server_exceptions=False) as b,
    ):
        statuses = [get(c, "meppel.localhost").status_code for _ in range(5) for c in (a, b)]
        assert statuses.count(200) == 6, statuses
        assert statuses.count(429) == 4
        assert get(b, "leeuwarden.localhost").status_code == 200

    import redis

    client = redis.Redis.from_url(redis_settings["redis_url"])
    keys = sorted(
        k.decode() for k in client.scan_iter(match=f"{redis_settings['redis_namespace']}:*")
    )
    client.close()
    assert keys == [
        f"{redis_settings['redis_namespace']}:ratelimit:leeuwarden:tenant",
        f"{redis_settings['redis_namespace']}:ratelimit:meppel:tenant",
    ]


def test_stores_are_prefixed_by_tenant(make_platform, redis_settings):
    platform = make_platform(**redis_settings)
    app = create_app(platform)

    async def scenario():
        cache = app.stores.get("cache")
        with tenant_scope("meppel"):
            await cache.set("answer", b"meppel's", expires_in=60)
            assert await cache.get("answer") == b"meppel's"
        with tenant_scope("amersfoort"):
            assert await cache.get("answer") is None
            await cache.set("answer", b"amersfoort's", expires_in=60)
        with tenant_scope("meppel"):
            assert await cache.get("answer") == b"meppel's"
        await app.state.redis.aclose()

    anyio.run(scenario)
    import redis

    client = redis.Redis.from_url(redis_settings["redis_url"])
    keys = sorted(
        k.decode() for k in client.scan_iter(match=f"{redis_settings['redis_namespace']}:*")
    )
    client.close()
    namespace = redis_settings["redis_namespace"]
    assert keys == [f"{namespace}:cache:amersfoort:answer", f"{namespace}:cache:meppel:answer"]


def test_redis_down_is_a_clean_503(make_platform):
    # Nothing listens on port 1: connection refused at once.
    platform = make_platform(redis_url="redis://127.0.0.1:1/0")
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        response = get(client, "meppel.localhost")
        assert response.status_code == 503
        assert response.headers["content-type"].startswith(PROBLEM)
        assert "Redis" in response.json()["detail"]


def test_the_process_store_expires_renews_and_keeps_what_is_set_while_it_sweeps():
    from noaber.web.shared_state import ProcessStore

    async def go() -> None:
        store = ProcessStore()
        await store.set("kept", "a", expires_in=60)
        await store.set("gone", b"b", expires_in=1)
        for i in range(2500):  # enough for the sweep to give the loop back in between
            await store.set(f"old-{i}", b"x", expires_in=1)
        await anyio.sleep(1.1)
        assert await store.get("gone") is None  # expired: not answered, and removed
        assert not await store.exists("gone")

        async def write_meanwhile() -> None:
            for _ in range(2):  # while the sweep gives the loop back, past this key
                await anyio.sleep(0)
            await store.set("old-5", b"new", expires_in=60)

        async with anyio.create_task_group() as tg:
            tg.start_soon(store.delete_expired)
            tg.start_soon(write_meanwhile)
        assert await store.get("old-5") == b"new"
        assert not await store.exists("old-1")
        assert await store.get("kept", renew_for=600) == b"a"
        assert (await store.expires_in("kept") or 0) > 60  # renewed
        await store.delete("kept")
        assert await store.get("kept") is None

    anyio.run(go)
