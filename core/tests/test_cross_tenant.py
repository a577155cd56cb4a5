"""Cross-tenant matrix, generated from the live route table.

For every route and method of the running app, tenant A's host is sent tenant B's row
IDs (path parameters filled from B's rows of the matching table, found through the
metadata, so routes added later are covered without editing this file), B's IDs in
every ``*_id`` field of a body, and a forged tenant in headers and body. A leak is:
any of B's distinctive values in a response, a different answer for B's ID than for an
ID that does not exist, or any change to B's rows. The count of attempts is printed.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter

import pytest
from litestar.testing import AsyncTestClient, TestClient

from noaber.db.rls import TENANT_COLUMN
from noaber.demo.seed import seed_demo
from noaber.tenancy.archive import read_tenant, tenant_transaction
from noaber.testing import candidate_tables, fill_path, ids_by_table, live_routes
from noaber.web.app import create_app

A, B = "meppel", "leeuwarden"
MISSING_ID = 987654321
FORGED_HEADERS = {
    "x-tenant": B,
    "x-tenant-id": B,
    "x-forwarded-host": f"{B}.localhost",
    "forwarded": f"host={B}.localhost",
}


def fingerprints(platform, own, other):
    """Strings of ``other``'s rows that never occur in ``own``'s: seeing one is a leak."""

    def strings(slug):
        with tenant_transaction(platform.admin_engine, slug) as conn:
            data = read_tenant(conn, slug)
        out = set()
        for table, rows in data.items():
            if table in {"tenant", "tenant_host"}:
                continue
            for row in rows:
                for key, value in row.items():
                    # Lowercase words (enum values like "professional", role names like
                    # "coördinator") are vocabulary shared by every tenant, not data.
                    if (
                        isinstance(value, str)
                        and len(value) >= 6
                        and key != TENANT_COLUMN
                        and not (value.islower() and re.fullmatch(r"[^\W\d]+", value))
                    ):
                        out.add(value)
        return out

    mine = strings(own)
    return {s for s in strings(other) if not any(s in m or m in s for m in mine)}


RANDOM_TOKEN = re.compile(r"[A-Za-z0-9_\-]{24,}")


def contains_token(text, value):
    """``value`` in ``text`` as a whole token: B's 8000.00 is not in A's 58000.00."""
    return re.search(rf"(?<![\w.]){re.escape(value)}(?![\w])", text) is not None


def body_with(ids, other_ids, *, missing=False):
    """B's ids in every ``<table>_id`` field (or, ``missing``, ids that exist nowhere) and
    a forged tenant."""
    body = {"tenant_id": B, "tenant": B, "municipality": B}
    for table, values in ids.items():
        if values:
            body[f"{table}_id"] = MISSING_ID if missing else values[0]
    if other_ids:
        body["id"] = MISSING_ID if missing else other_ids[0]
    return body


def b_values(ids, value):
    return {value, *(v[0] for v in ids.values() if v)} - {None}


def normalise(text, value):
    return re.sub(rf"(?<![\w-]){re.escape(str(value))}(?![\w-])", "<id>", text)


@pytest.fixture
def seeded(make_platform):
    # No rate limit: every attempt must reach its handler, not stop at a 429.
    platform = make_platform(rate_limit_per_minute=0, tenant_rate_limit_per_minute=0)
    seed_demo(platform)  # demo rows in every table of core and the installed plugins
    return platform


@pytest.mark.slow
def test_cross_tenant_matrix(seeded, capsys):
    platform = seeded
    b_ids = ids_by_table(platform, B)
    secrets = fingerprints(platform, A, B)
    before = read_b(platform)
    attempts, leaks, routes = 0, [], set()
    statuses: Counter[int] = Counter()
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        for route, method in live_routes(client.app):
            routes.add((route.path_format, method))
            params = list(route.path_parameters)
            per_param = {p: candidate_tables(p, route.path_format, b_ids) for p in params}
            tables = sorted({t for ts in per_param.values() for t in ts}) or [None]
            for table in tables:
                values = b_ids.get(table, []) if table else [None]
                for value in values[:2]:

                    def value_for(name, value=value, table=table, per_param=per_param):
                        return value if table in per_param[name] else MISSING_ID

                    path = fill_path(route.path_format, params, value_for)
                    kwargs = {"headers": {"host": f"{A}.localhost", **FORGED_HEADERS}}
                    if method in {"POST", "PUT", "PATCH"}:
                        kwargs["json"] = body_with(b_ids, [value] if value else [])
                    response = client.request(method, path, **kwargs)
                    attempts += 1
                    statuses[response.status_code] += 1
                    text = response.text
                    hits = [s for s in secrets if contains_token(text, s)][:3]
                    if hits or f'"{B}"' in text:
                        leaks.append(f"{method} {path}: B's data in the response {hits}")
                    has_body = "json" in kwargs
                    if (params and value is not None) or has_body:
                        missing_kwargs = dict(kwargs)
                        if has_body:
                            missing_kwargs["json"] = body_with(
                                b_ids, [value] if value else [], missing=True
                            )
                        missing = client.request(
                            method,
                            fill_path(route.path_format, params, lambda _n: MISSING_ID),
                            **missing_kwargs,
                        )
                        attempts += 1
                        mine, other = text, missing.text
                        for v in b_values(b_ids, value):
                            mine = normalise(mine, v)
                        mine = normalise(mine, MISSING_ID)  # the other parameters
                        other = normalise(other, MISSING_ID)
                        # Forms carry a fresh one-time token and trace ids differ per call.
                        mine, other = (RANDOM_TOKEN.sub("<token>", t) for t in (mine, other))
                        if "html" in response.headers.get("content-type", ""):
                            # A page's markup has numbers of its own (rows="5"); ids in it
                            # cannot be told apart from B's, so compare it without numbers.
                            mine, other = (re.sub(r"<id>|\d+", "<n>", t) for t in (mine, other))
                        # Errors must be identical; successes (a row created or
                        # listed in A) only need the same status: B's data is caught
                        # by the fingerprints above and the snapshot below.
                        differs = response.status_code != missing.status_code or (
                            response.status_code >= 400 and mine != other
                        )
                        if differs:
                            leaks.append(
                                f"{method} {path}: {response.status_code} for B's id, "
                                f"{missing.status_code} for a missing id"
                            )
    after = read_b(platform)
    if after != before:
        leaks.append("tenant B's rows changed")
    print(
        f"\ncross-tenant matrix: {len(routes)} route/method pairs, {attempts} attempts "
        f"with {A}'s host against {B}'s ids ({sum(len(v) for v in b_ids.values())} ids in "
        f"{len(b_ids)} tables), statuses {dict(sorted(statuses.items()))}, {len(leaks)} leaks"
    )
    assert statuses[429] == 0, "rate limiting hid attempts from the handlers"
    assert leaks == []
    assert ("/api/neighbourhoods/{neighbourhood_id}", "GET") in routes
    assert attempts > len(routes)


def read_b(platform):
    with tenant_transaction(platform.admin_engine, B) as conn:
        return json.dumps(read_tenant(conn, B), sort_keys=True, default=str)


@pytest.mark.parametrize("header", sorted(FORGED_HEADERS))
def test_a_forged_tenant_header_is_ignored(client_for, header):
    response = client_for(A).get("/api/municipality", headers={header: FORGED_HEADERS[header]})
    assert response.json()["slug"] == A


def test_concurrent_requests_on_a_small_pool_never_mix_tenants(make_platform):
    """Two connections, many requests of three tenants at once: every answer is the
    requesting tenant's own (no tenant context left on a pooled connection)."""
    platform = make_platform(
        db_pool_size=2, rate_limit_per_minute=0, tenant_rate_limit_per_minute=0
    )
    slugs = ["meppel", "leeuwarden", "amersfoort"]
    own = {}
    for slug in slugs:
        with tenant_transaction(platform.admin_engine, slug) as conn:
            rows = read_tenant(conn, slug)["neighbourhood"]
        own[slug] = {r["id"] for r in rows}

    async def scenario():
        wrong, done = 0, 0
        async with AsyncTestClient(create_app(platform)) as client:

            async def one(i):
                nonlocal wrong, done
                slug = slugs[i % 3]
                response = await client.get(
                    "/api/neighbourhoods", headers={"host": f"{slug}.localhost"}
                )
                assert response.status_code == 200, response.text
                ids = {n["id"] for n in response.json()["items"]}
                wrong += not ids or not ids <= own[slug]
                done += 1

            await asyncio.gather(*(one(i) for i in range(150)))
        return wrong, done

    wrong, done = asyncio.run(scenario())
    print(f"\nconcurrent: {done} requests of 3 tenants over a pool of 2, {wrong} mixed")
    assert (wrong, done) == (0, 150)
