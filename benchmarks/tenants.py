"""Throughput of a tenant-scoped list endpoint with 342 tenants provisioned against 1.

    uv run python benchmarks/tenants.py [--seconds 3] [--rounds 3] [--concurrency 4]

Two servers run side by side on 127.0.0.1 (one worker each, PostgreSQL, the app as a
role under row-level security): one on a database with 1 tenant, one with 342 (every
Dutch municipality, made from Meppel's configuration). Rounds alternate between them so
both see the same machine; the median requests/second of each and their ratio (target
>= 0.9) are printed, with the startup time of each server. Bounded in time and count;
both databases are dropped at the end. Never asserted: this machine is shared.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import httpx
from sqlalchemy import create_engine

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
    PostgresDatabases,
    ensure_app_role,
    synthetic_municipalities,
)

APP_ROLE = "noaber_bench_app"
TENANTS = 342
SLUG = "gemeente000"  # the tenant measured in both servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(dbs: PostgresDatabases, count: int) -> tuple[str, str]:
    """A migrated database with ``count`` synthetic tenants; (app URL, admin URL)."""
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
    platform.dispose()
    return app_url, admin_url


def start_server(app_url: str, count: int) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app_url,
        "NOABER_BENCH_TENANTS": str(count),
        "NOABER_RATE_LIMIT_PER_MINUTE": "0",
        "NOABER_TENANT_RATE_LIMIT_PER_MINUTE": "0",
        "NOABER_DB_POOL_SIZE": "8",
    }
    env.pop("NOABER_REDIS_URL", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return proc, base, time.perf_counter() - started
        except httpx.HTTPError:
            time.sleep(0.1)
    stop(proc)
    raise SystemExit("server did not start")


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


def measure(base: str, seconds: float, concurrency: int) -> float:
    """Requests per second of GET /api/neighbourhoods for one tenant, keep-alive clients."""
    done = [0] * concurrency
    errors = [0] * concurrency
    stop_at = time.perf_counter() + seconds

    def worker(i: int) -> None:
        with httpx.Client(base_url=base, headers={"host": f"{SLUG}.localhost"}) as client:
            while time.perf_counter() < stop_at:
                if client.get("/api/neighbourhoods").status_code == 200:
                    done[i] += 1
                else:
                    errors[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if sum(errors):
        raise SystemExit(f"{sum(errors)} requests failed")
    return sum(done) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    admin = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    ensure_app_role(admin, APP_ROLE)
    admin.dispose()
    dbs = PostgresDatabases(POSTGRES_URL)
    created: list[str] = []
    procs: list[subprocess.Popen[bytes]] = []
    try:
        t0 = time.perf_counter()
        one_url, _one_admin = prepare(dbs, 1)
        created.append(one_url.rsplit("/", 1)[1])
        t1 = time.perf_counter()
        many_url, _many_admin = prepare(dbs, TENANTS)
        created.append(many_url.rsplit("/", 1)[1])
        t2 = time.perf_counter()
        print(f"provisioning: 1 tenant {t1 - t0:.2f} s, {TENANTS} tenants {t2 - t1:.2f} s")
        one_proc, one_base, one_start = start_server(one_url, 1)
        procs.append(one_proc)
        many_proc, many_base, many_start = start_server(many_url, TENANTS)
        procs.append(many_proc)
        print(
            f"startup (process start to first answer): 1 tenant {one_start:.2f} s, "
            f"{TENANTS} tenants {many_start:.2f} s"
        )
        measure(one_base, 0.5, args.concurrency)  # warm-up
        measure(many_base, 0.5, args.concurrency)
        ones, manys = [], []
        for _ in range(args.rounds):
            ones.append(measure(one_base, args.seconds, args.concurrency))
            manys.append(measure(many_base, args.seconds, args.concurrency))
        one, many = statistics.median(ones), statistics.median(manys)
        print(f"GET /api/neighbourhoods, {args.concurrency} clients, median of {args.rounds}:")
        print(f"  1 tenant:    {one:8.1f} req/s  ({', '.join(f'{x:.0f}' for x in ones)})")
        print(f"  {TENANTS} tenants: {many:8.1f} req/s  ({', '.join(f'{x:.0f}' for x in manys)})")
        print(f"  ratio {TENANTS}/1: {many / one:.3f} (target >= 0.9)")
    finally:
        for proc in procs:
            stop(proc)
        for name in created:
            dbs.drop(name)
        dbs.engine.dispose()


if __name__ == "__main__":
    main()
