"""Resource limits: oversized bodies, huge page sizes, deeply nested JSON and thousands
of multipart parts are refused with 4xx and problem details, nothing is stored, and the
server's memory stays bounded (its resident size grows by less than a fixed bound while
it refuses them again and again)."""

import httpx
import pytest

pytestmark = pytest.mark.slow  # tens of seconds: runs first (see conftest.py)

HOST = {"host": "meppel.localhost"}
ROUNDS = 5
MEMORY_BOUND_KIB = 64 * 1024


def stream(size: int, chunk: bytes = b" " * 65536):
    sent = 0
    yield b'{"description": "'
    while sent < size:
        yield chunk
        sent += len(chunk)
    yield b'"}'


def attacks():
    depth = 100_000
    nested_array = b"[" * depth + b"]" * depth
    nested_object = b'{"a":' * depth + b"1" + b"}" * depth
    parts = {f"field{i}": (None, "x") for i in range(5000)}
    return [
        (
            "50 MB body",
            "POST",
            "/api/requests",
            {
                "content": stream(50_000_000),
                "headers": {**HOST, "content-type": "application/json"},
            },
        ),
        ("page_size 10^9", "GET", "/api/requests?page_size=1000000000", {"headers": HOST}),
        ("page 10^15", "GET", "/api/requests?page=1000000000000000", {"headers": HOST}),
        (
            "100,000-deep array",
            "POST",
            "/api/requests",
            {"content": nested_array, "headers": {**HOST, "content-type": "application/json"}},
        ),
        (
            "100,000-deep object",
            "POST",
            "/api/requests",
            {"content": nested_object, "headers": {**HOST, "content-type": "application/json"}},
        ),
        ("5,000 multipart parts", "POST", "/api/requests", {"files": parts, "headers": HOST}),
    ]


def count_requests(client):
    response = client.get("/api/requests", headers=HOST)
    assert response.status_code == 200
    return response.json()["total"]


def test_bad_input_is_refused_with_bounded_memory(server, platform):
    auth = server.login(platform, "meppel", HOST["host"])
    with httpx.Client(base_url=server.base, headers=auth, timeout=60) as client:
        stored = count_requests(client)
        client.get("/api/requests", headers=HOST)
        baseline = server.rss_kib()
        seen = {}
        for _ in range(ROUNDS):
            for name, method, url, kwargs in attacks():
                try:
                    response = client.request(method, url, **kwargs)
                    seen.setdefault(name, set()).add(response.status_code)
                    if response.status_code != 431 and response.content:
                        assert response.headers["content-type"].startswith(
                            "application/problem+json"
                        ), (name, response.headers, response.text[:200])
                except httpx.RemoteProtocolError:
                    # The server may close the connection after refusing a streamed body.
                    seen.setdefault(name, set()).add("closed")
        grown = server.rss_kib() - baseline
        assert count_requests(client) == stored
    print(
        f"\nresource limits: {len(seen)} kinds x {ROUNDS} rounds refused: "
        + "; ".join(f"{k}: {sorted(map(str, v))}" for k, v in seen.items())
        + f"; resident memory grew {grown / 1024:.1f} MiB (bound {MEMORY_BOUND_KIB // 1024} MiB)"
    )
    for name, statuses in seen.items():
        assert all(s == "closed" or 400 <= s < 500 for s in statuses), (name, statuses)
    assert grown < MEMORY_BOUND_KIB
