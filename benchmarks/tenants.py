"""Scale: one install with 342 municipalities of 5,000 households each against 1.

    uv run python -m benchmarks.tenants [--seconds 3] [--rounds 3] [--concurrency 4]
                                        [--households 5000]

Two servers run side by side on 127.0.0.1 (one worker each, PostgreSQL, the app as a
role under row-level security): one on a database with 1 tenant, one with 342 (every
Dutch municipality, made from Meppel's configuration); every tenant in both gets
``--households`` households (342 x 5,000 = 1.71 million rows in the big install).
Rounds alternate between them so both see the same machine; for two endpoints of one
tenant (its neighbourhoods, and a page of 50 of its households with their count) the
median requests/second and p95 of each install and their ratio (target >= 0.9) are
printed, with the startup time of each server. Bounded in time and count; both
databases are dropped at the end. Never asserted: this machine is shared.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

import httpx
from sqlalchemy import create_engine, text

from benchmarks.load import have_wrk, load, login_headers
from noaber.db import migrate
from noaber.db.engine import make_engine, normalise_url
from noaber.db.rls import grant_app_role
from noaber.municipalities.loader import discover_municipalities
from noaber.platform import Platform
from noaber.plugins import discover_plugins
from noaber.settings import Settings
from noaber.tenancy.registry import provision
from noaber.testing import (
    POSTGRES_URL,
    Identity,
    PostgresDatabases,
    create_test_account,
    ensure_app_role,
    synthetic_municipalities,
)

APP_ROLE = "noaber_bench_app"
TENANTS = 342
SLUG = "gemeente000"  # the tenant measured in both servers
HOST = f"{SLUG}.localhost"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ENDPOINTS = ("/api/neighbourhoods", "/api/households?page_size=50")


def fill_households(admin_url: str, households: int) -> None:
    """``households`` households per tenant, in one statement (bulk, server side)."""
    engine = create_engine(normalise_url(admin_url))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO household (tenant_id, name, neighbourhood_id, created_at, updated_at)"
                " SELECT t.slug, 'Huishouden ' || g,"
                " (SELECT min(n.id) FROM neighbourhood n WHERE n.tenant_id = t.slug), now(), now()"
                " FROM tenant t, generate_series(1, :n) g"
            ),
            {"n": households},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # What autovacuum does within a minute of a bulk load (statistics, visibility
        # map): measured is the install as it runs, not the minute after the import.
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def prepare(dbs: PostgresDatabases, count: int) -> tuple[str, str, Identity]:
    """A migrated database with ``count`` synthetic tenants; (app URL, admin URL, the
    municipality admin of the measured tenant that the load logs in as)."""
    name = dbs.create()
    admin_url, app_url = dbs.url_of(name), dbs.url_of(name, role=APP_ROLE)
    catalog = discover_plugins(Settings())
    engine = make_engine(admin_url, pool_size=2)
    migrate.upgrade(engine, catalog)
    grant_app_role(engine, APP_ROLE)
    engine.dispose()
    template = discover_municipalities(catalog)["meppel"]
    municipalities = synthetic_municipalities(count, template)
    platform = Platform.build(
        Settings(database_url=admin_url), catalog=catalog, municipalities=municipalities
    )
    with platform.sessions.begin() as session:
        for municipality in municipalities.values():
            provision(session, municipality)
    platform.load_tenants()
    identity = create_test_account(platform, SLUG)
    platform.dispose()
    return app_url, admin_url, identity


def start_server(app_url: str, count: int) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app_url,
        "NOABER_BENCH_TENANTS": str(count),
        "NOABER_RATE_LIMIT_PER_MINUTE": "0",
        "NOABER_TENANT_RATE_LIMIT_PER_MINUTE": "0",
        "NOABER_DB_POOL_SIZE": "8",
        "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    }
    env.pop("NOABER_REDIS_URL", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.tenants", "--serve", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # 342 tenants on a loaded machine take a while
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return proc, base, time.perf_counter() - started
        except httpx.HTTPError:
            time.sleep(0.1)
    stop(proc)
    raise SystemExit("server did not start within 300 s")


def serve(port: int) -> None:
    """Child process: the platform with the synthetic municipalities, one worker."""
    import uvicorn

    from noaber.web.app import create_app

    settings = Settings()
    catalog = discover_plugins(settings)
    template = discover_municipalities(catalog)["meppel"]
    municipalities = synthetic_municipalities(int(os.environ["NOABER_BENCH_TENANTS"]), template)
    platform = Platform.build(settings, catalog=catalog, municipalities=municipalities)
    platform.load_tenants()
    uvicorn.run(create_app(platform), host="127.0.0.1", port=port, log_level="warning")


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def measure_wrk(
    base: str, path: str, seconds: float, concurrency: int, session: dict[str, str]
) -> tuple[float, float]:
    """(requests/second, p95 ms) of one tenant's ``path``, logged in; errors end the
    benchmark."""
    result = load(
        base + path,
        headers={"Host": HOST, **session},
        seconds=seconds,
        connections=concurrency,
        threads=1,
    )
    if result.errors:
        raise SystemExit(f"{result.errors} requests to {path} failed: {result.detail}")
    return result.rps, result.p95_ms


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--households", type=int, default=5000, help="per tenant")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return []
    admin = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    ensure_app_role(admin, APP_ROLE)
    admin.dispose()
    dbs = PostgresDatabases(POSTGRES_URL)
    created: list[str] = []
    procs: list[subprocess.Popen[bytes]] = []
    try:
        t0 = time.perf_counter()
        one_url, one_admin, one_identity = prepare(dbs, 1)
        created.append(one_url.rsplit("/", 1)[1])
        fill_households(one_admin, args.households)
        t1 = time.perf_counter()
        many_url, many_admin, many_identity = prepare(dbs, TENANTS)
        created.append(many_url.rsplit("/", 1)[1])
        fill_households(many_admin, args.households)
        t2 = time.perf_counter()
        print(
            f"provisioning with {args.households} households per tenant: 1 tenant "
            f"{t1 - t0:.1f} s, {TENANTS} tenants ({TENANTS * args.households:,} households) "
            f"{t2 - t1:.1f} s"
        )
        one_proc, one_base, one_start = start_server(one_url, 1)
        procs.append(one_proc)
        many_proc, many_base, many_start = start_server(many_url, TENANTS)
        procs.append(many_proc)
        one_session = login_headers(one_base, HOST, one_identity)
        many_session = login_headers(many_base, HOST, many_identity)
        print(
            f"startup (process start to first answer): 1 tenant {one_start:.2f} s, "
            f"{TENANTS} tenants {many_start:.2f} s"
        )
        print(
            f"load generator: {'wrk' if have_wrk() else 'python'}, {args.concurrency} connections"
        )
        rows = []
        for path in ENDPOINTS:
            measure_wrk(one_base, path, 1, args.concurrency, one_session)  # warm-up
            measure_wrk(many_base, path, 1, args.concurrency, many_session)
            ones: list[tuple[float, float]] = []
            manys: list[tuple[float, float]] = []
            for _ in range(args.rounds):
                ones.append(
                    measure_wrk(one_base, path, args.seconds, args.concurrency, one_session)
                )
                manys.append(
                    measure_wrk(many_base, path, args.seconds, args.concurrency, many_session)
                )
            one = statistics.median(r for r, _ in ones)
            many = statistics.median(r for r, _ in manys)
            one_p95 = statistics.median(p for _, p in ones)
            many_p95 = statistics.median(p for _, p in manys)
            print(f"GET {path}, median of {args.rounds} rounds of {args.seconds:.0f} s:")
            print(f"  1 tenant:     {one:8.1f} req/s  p95 {one_p95:7.1f} ms")
            print(f"  {TENANTS} tenants: {many:8.1f} req/s  p95 {many_p95:7.1f} ms")
            print(f"  ratio {TENANTS}/1: {many / one:.3f} (target >= 0.9)")
            rows.append(
                {
                    "benchmark": "scale",
                    "what": path,
                    "rps_1": round(one),
                    "rps_342": round(many),
                    "p95_ms_1": one_p95,
                    "p95_ms_342": many_p95,
                    "ratio": round(many / one, 3),
                    "startup_s_1": round(one_start, 2),
                    "startup_s_342": round(many_start, 2),
                }
            )
        return rows
    finally:
        for proc in procs:
            stop(proc)
        for name in created:
            dbs.drop(name)
        dbs.engine.dispose()


if __name__ == "__main__":
    main()
