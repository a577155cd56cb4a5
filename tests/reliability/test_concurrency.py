"""Concurrency: many simultaneous writes to the same helper's capacity, through a real
server process (uvicorn, handlers in its thread pool, its own database pool).

- A helper with room for one coupling gets proposals for many requests at once: at
  most one is stored (no double booking), the others are refused with 409 (or, where
  the database made a writer wait too long, 503): never a 500, never an overbooking.
- The same proposal sent many times at once is stored once.

Budgets and invoice number series arrive with the wijkbedrijf and doorbraak plugins;
their concurrency tests belong beside this one once those writes exist on main.
"""

import threading

import httpx
import pytest

pytestmark = pytest.mark.slow  # tens of seconds: runs first (see conftest.py)

HOST = {"host": "leeuwarden.localhost"}
CALLERS = 12


def ok(response, status=None):
    if status is None:  # any success (creations answer 201, transitions 200 or 201)
        assert 200 <= response.status_code < 300, response.text
    else:
        assert response.status_code == status, response.text
    return response.json()


@pytest.fixture
def auth(server, platform):
    return {**HOST, **server.login(platform, "leeuwarden", HOST["host"])}


@pytest.fixture
def api(server, auth):
    with httpx.Client(base_url=server.base, headers=auth, timeout=30) as client:
        yield client


def make_helper(api, max_load):
    return ok(
        api.post(
            "/api/helpers",
            json={
                "kind": "volunteer",
                "display_name": f"Vrijwilliger {max_load}",
                "max_load": max_load,
                "reach_anywhere": True,
            },
        )
    )["id"]


def make_requests(api, count):
    household = ok(api.post("/api/households", json={"name": "Familie Concurrent"}))["id"]
    ids = []
    for i in range(count):
        request = ok(
            api.post(
                "/api/requests",
                json={
                    "type": "hulpvraag",
                    "asked_by": "self",
                    "household_id": household,
                    "description": f"Boodschappen {i}",
                },
            )
        )
        for to in ("intake", "zoeken"):
            ok(api.post(f"/api/requests/{request['id']}/transitions", json={"to": to}))
        ids.append(request["id"])
    return ids


def all_at_once(server, auth, bodies):
    """POST every body to /api/matches at the same moment, one client each."""
    statuses = [None] * len(bodies)
    barrier = threading.Barrier(len(bodies))

    def call(i):
        with httpx.Client(base_url=server.base, headers=auth, timeout=60) as client:
            barrier.wait()
            statuses[i] = client.post("/api/matches", json=bodies[i]).status_code

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def stored_matches(api, helper):
    return ok(api.get("/api/matches", params={"helper_id": helper, "page_size": 100}), 200)


def test_a_full_helper_is_never_double_booked(server, auth, api):
    helper = make_helper(api, max_load=1)
    requests = make_requests(api, CALLERS)
    statuses = all_at_once(server, auth, [{"request_id": r, "helper_id": helper} for r in requests])
    stored = stored_matches(api, helper)
    print(
        f"\nconcurrency (capacity 1): {CALLERS} simultaneous proposals -> "
        f"{sorted(statuses)}; stored {stored['total']}"
    )
    assert set(statuses) <= {201, 409, 503}
    assert statuses.count(201) == 1
    assert stored["total"] == 1


def test_the_same_proposal_at_once_is_stored_once(server, auth, api):
    helper = make_helper(api, max_load=50)
    [request] = make_requests(api, 1)
    statuses = all_at_once(server, auth, [{"request_id": request, "helper_id": helper}] * CALLERS)
    stored = stored_matches(api, helper)
    print(
        f"\nconcurrency (same proposal): {CALLERS} simultaneous -> {sorted(statuses)}; "
        f"stored {stored['total']}"
    )
    assert set(statuses) <= {201, 409, 503}
    assert statuses.count(201) == 1
    assert stored["total"] == 1


def test_invoice_numbers_are_never_handed_out_twice(platform):
    """The wijkbedrijf's invoice number series, taken by many transactions at once (each
    its own session and thread, committed): every number once, no gaps."""
    from noaber.tenancy.context import tenant_scope
    from noaber_wijkbedrijf.invoices import next_number

    taken, errors = [], []
    barrier = threading.Barrier(CALLERS)

    def take():
        try:
            with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
                barrier.wait()
                taken.append(next_number(session, 2026)[1])
        except Exception as exc:  # reported below, never swallowed
            errors.append(repr(exc))

    threads = [threading.Thread(target=take) for _ in range(CALLERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"\nconcurrency (invoice numbers): {CALLERS} at once -> {sorted(taken)}; errors {errors}")
    assert errors == []
    assert sorted(taken) == [f"WB2026-{n:05d}" for n in range(1, CALLERS + 1)]
