"""Several worker processes behind one PostgreSQL and one Redis: a rate limit holds
across them, and a suspension reaches every worker. Real processes on 127.0.0.1."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from noaber.testing import backend, require_redis

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(backend() != "postgres", reason="workers share PostgreSQL and Redis"),
]

LIMIT = 12


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, deadline):
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


@contextmanager
def workers(database_url, migration_database_url, **settings):
    """``noaber serve --workers 2`` on one PostgreSQL and one Redis (own namespace)."""
    redis_url = require_redis()
    namespace = f"noaber_test_{uuid.uuid4().hex[:10]}"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "NOABER_MIGRATION_DATABASE_URL": migration_database_url,
        "NOABER_REDIS_URL": redis_url,
        "NOABER_REDIS_NAMESPACE": namespace,
        "NOABER_DB_POOL_SIZE": "3",
        "NOABER_REGISTRY_REFRESH_SECONDS": "0.3",
        **settings,
    }
    noaber = Path(sys.executable).parent / "noaber"
    proc = subprocess.Popen(
        [str(noaber), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", time.monotonic() + 30)
        yield f"http://127.0.0.1:{port}", env
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        import redis

        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"{namespace}:*"):
            client.delete(key)
        client.close()


@pytest.fixture
def two_workers(platform, database_url, migration_database_url):
    with workers(
        database_url,
        migration_database_url,
        NOABER_RATE_LIMIT_PER_MINUTE="0",
        NOABER_TENANT_RATE_LIMIT_PER_MINUTE=str(LIMIT),
        NOABER_RATE_LIMIT_WINDOW_SECONDS="600",
    ) as served:
        yield served


def fresh_request(base, host, path="/api/neighbourhoods"):
    # A new connection each time, so the kernel spreads them over both workers.
    with httpx.Client(base_url=base, timeout=10, headers={"host": host}) as client:
        return client.get(path).status_code


def test_a_rate_limit_holds_across_two_workers(two_workers):
    base, _env = two_workers
    attempts = 3 * LIMIT
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(lambda _i: fresh_request(base, "meppel.localhost"), range(attempts))
        )
    print(
        f"\n2 workers, limit {LIMIT}/window for meppel: {attempts} requests, "
        f"{statuses.count(200)} allowed, {statuses.count(429)} limited"
    )
    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == attempts - LIMIT
    # Another municipality is not affected by meppel's exhausted limit.
    assert fresh_request(base, "amersfoort.localhost") == 200


def test_a_suspension_reaches_every_worker(two_workers):
    from click.testing import CliRunner

    from noaber.cli import main

    base, env = two_workers
    assert fresh_request(base, "amersfoort.localhost", "/api/municipality") == 200
    runner = CliRunner(env={k: env[k] for k in ("DATABASE_URL", "NOABER_MIGRATION_DATABASE_URL")})
    assert runner.invoke(main, ["tenants", "suspend", "amersfoort"]).exit_code == 0
    # Every worker re-reads the registry each 0.3 s; on a loaded machine (CI runs two
    # test processes next to the two workers) a refresh can take longer than three
    # intervals, so wait for it, within a bound far below anything a person notices.
    deadline = time.monotonic() + 10
    while True:
        time.sleep(0.5)
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(
                pool.map(
                    lambda _i: fresh_request(base, "amersfoort.localhost", "/api/municipality"),
                    range(12),
                )
            )
        if statuses == [503] * 12 or time.monotonic() > deadline:
            break
    assert statuses == [503] * 12
    assert runner.invoke(main, ["tenants", "resume", "amersfoort"]).exit_code == 0
    time.sleep(1.0)
    assert fresh_request(base, "amersfoort.localhost", "/api/municipality") == 200


def test_a_disabled_account_is_refused_by_every_worker_at_once(
    platform, database_url, migration_database_url
):
    """Each worker keeps a session's principal for a while (here 60 s, so that only the
    broadcast can end it in time); disabling the account with the ``noaber`` command
    reaches both workers over Redis."""
    import pyotp
    from click.testing import CliRunner

    from noaber.cli import main
    from noaber.testing import create_test_account

    identity = create_test_account(platform, "meppel", role="coordinator")
    with workers(
        database_url,
        migration_database_url,
        NOABER_RATE_LIMIT_PER_MINUTE="0",
        NOABER_TENANT_RATE_LIMIT_PER_MINUTE="0",
        NOABER_PRINCIPAL_CACHE_SECONDS="60",
    ) as (base, env):
        login = httpx.post(
            f"{base}/api/auth/login",
            headers={"host": "meppel.localhost"},
            json={
                "email": identity.email,
                "password": identity.password,
                "totp_code": pyotp.TOTP(identity.totp_secret).now(),
            },
            timeout=10,
        )
        assert login.status_code == 200, login.text
        cookie = "; ".join(f"{k}={v}" for k, v in login.cookies.items())

        def people_status(_i: int = 0) -> int:
            headers = {"host": "meppel.localhost", "cookie": cookie}
            with httpx.Client(base_url=base, timeout=10, headers=headers) as client:
                return client.get("/api/people").status_code

        with ThreadPoolExecutor(max_workers=4) as pool:
            assert list(pool.map(people_status, range(16))) == [200] * 16  # cached by both
        names = ("DATABASE_URL", "NOABER_REDIS_URL", "NOABER_REDIS_NAMESPACE")
        runner = CliRunner(env={k: env[k] for k in names})
        result = runner.invoke(main, ["accounts", "disable", "--tenant", "meppel", identity.email])
        assert result.exit_code == 0, result.output
        deadline = time.monotonic() + 10  # far below the 60 s the workers would keep it
        while True:
            with ThreadPoolExecutor(max_workers=4) as pool:
                statuses = list(pool.map(people_status, range(16)))
            if statuses == [401] * 16 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert statuses == [401] * 16


def test_a_list_shows_a_write_made_by_another_worker_at_once(
    platform, database_url, migration_database_url
):
    """Each worker answers repeated lists from memory (noaber.db.read_cache); a commit
    in one worker reaches the other's over Redis before its next answer."""
    with workers(database_url, migration_database_url) as (base, _env):
        lists_see_writes_of_both_workers(platform, base)


def lists_see_writes_of_both_workers(platform, base):
    import pyotp

    from noaber.testing import create_test_account

    host = "meppel.localhost"
    identity = create_test_account(platform, "meppel")
    login = httpx.post(
        f"{base}/api/auth/login",
        headers={"host": host},
        json={
            "email": identity.email,
            "password": identity.password,
            "totp_code": pyotp.TOTP(identity.totp_secret).now(),
        },
    )
    assert login.status_code == 200, login.text
    headers = {
        "host": host,
        "cookie": "; ".join(f"{k}={v}" for k, v in login.cookies.items()),
        "x-csrf-token": login.json()["csrf_token"],
    }

    def total() -> int:
        # A new connection each time, so the kernel spreads them over both workers.
        response = httpx.get(f"{base}/api/households/", headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    for made in range(1, 7):
        for _ in range(4):  # kept by both workers, most likely
            assert total() == made - 1
        body = {"name": f"Gezin {made}", "members": []}
        created = httpx.post(f"{base}/api/households/", headers=headers, json=body, timeout=10)
        assert created.status_code == 201, created.text
        assert [total() for _ in range(4)] == [made] * 4
