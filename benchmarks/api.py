"""API overhead: the platform's tenant-scoped list of 50 requests against two baselines.

    uv run --group bench python -m benchmarks.api [--seconds 5] [--rounds 3] [--soak 30]

Contestants, each a uvicorn process (one worker) on 127.0.0.1, loaded by the same load
generator (wrk when installed) with the same connections, in alternating rounds so all
see the same shared machine:

- **bare**: a Litestar endpoint returning the platform's JSON answer from memory;
- **common** (SQLite, PostgreSQL): the endpoint written the common way, an async
  SQLAlchemy session and an advanced-alchemy repository, no caching;
- **platform** (SQLite, PostgreSQL): ``GET /api/requests?page_size=50`` of Noaber as
  deployed: tenant from the host, logged in as a municipality admin (over HTTP, with
  the TOTP code; the load sends the session cookie), tenant-guarded session (row-level
  security on PostgreSQL, as a role that owns nothing), rate limiter on, access log
  (one entry for the list and one per person shown, committed before the answer).

Printed: median requests/second, p50/p95/p99 latency, errors; the ratios platform/bare
(goal >= 0.40) and platform/common (goal >= 3); then the platform under 64 connections
for ``--soak`` seconds on each database (goal: zero errors, zero timeouts).

``--ceiling`` also serves, on the same databases and in the same rounds, the platform
with one access-log row per list instead of one per person shown, and with no access
log at all: measurements of what the log costs, not ways to run Noaber (no setting
turns the log off; the benchmark patches its own server process).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import create_engine
from sqlmodel import func, select

from benchmarks.load import (
    PYTHON,
    LoadResult,
    Server,
    child_env,
    free_port,
    have_wrk,
    load,
    login_headers,
    start,
    wait_for_next_totp_code,
)

if TYPE_CHECKING:
    from noaber.testing import Identity

SLUG = "meppel"
HOST = f"{SLUG}.localhost"
PATH = "/api/requests?page_size=50"
ROWS = 60  # more than one page, so the count and the limit both matter
APP_ROLE = "noaber_bench_app"
CEILINGS = {  # benchmarks.api_servers kinds served with --ceiling
    "platform-one-entry": "if a list's access log were one row, not one per person shown",
    "platform-unlogged": "if nothing were logged at all: the rest of the request",
}


@dataclass
class Database:
    name: str  # "sqlite" or "postgres"
    app_url: str  # the platform's URL (application role)
    common_url: str  # the common way's async URL
    identity: Identity  # the account the platform's load is logged in as


def seed(admin_url: str, *, app_role: str | None = None) -> Identity:
    """Migrate, provision Meppel with its demo data and top its requests up to ROWS;
    the municipality admin account the load logs in as."""
    from noaber.db import migrate
    from noaber.db.engine import make_engine
    from noaber.demo.seed import seed_demo
    from noaber.municipalities.loader import discover_municipalities
    from noaber.people.models import Household
    from noaber.people.schemas import HouseholdIn
    from noaber.people.services import create_household
    from noaber.platform import Platform
    from noaber.plugins import discover_plugins
    from noaber.requests import services
    from noaber.requests.models import AskedBy, HelpRequest
    from noaber.requests.schemas import RequestIn
    from noaber.requests.types import request_types_of
    from noaber.settings import Settings
    from noaber.tenancy.context import tenant_scope
    from noaber.testing import create_test_account

    catalog = discover_plugins(Settings())
    engine = make_engine(admin_url, pool_size=2)
    migrate.upgrade(engine, catalog)
    if app_role:
        from noaber.db.rls import grant_app_role

        grant_app_role(engine, app_role)
    engine.dispose()
    municipalities = {SLUG: discover_municipalities(catalog)[SLUG]}
    platform = Platform.build(
        Settings(database_url=admin_url), catalog=catalog, municipalities=municipalities
    )
    seed_demo(platform)
    pm = municipalities[SLUG].plugin_manager(catalog)
    rtype = next(iter(request_types_of(pm).types))
    with platform.sessions.begin() as session, tenant_scope(SLUG):
        household = session.exec(select(Household)).first()
        if household is None:
            household = create_household(session, pm, HouseholdIn(name="Familie de Vries"))
        assert household.id is not None
        have = session.exec(select(func.count()).select_from(HelpRequest)).one()
        for i in range(have, ROWS):
            services.create_request(
                session,
                pm,
                RequestIn(
                    type=rtype,
                    asked_by=AskedBy.self,
                    household_id=household.id,
                    description=f"Hulp bij boodschappen en vervoer, verzoek {i}",
                    skills=["boodschappen"],
                ),
            )
    identity = create_test_account(platform, SLUG)
    platform.dispose()
    return identity


@contextmanager
def sqlite_database(tmp: Path) -> Iterator[Database]:
    path = tmp / "bench.sqlite"
    identity = seed(f"sqlite:///{path}")
    yield Database("sqlite", f"sqlite:///{path}", f"sqlite+aiosqlite:///{path}", identity)


@contextmanager
def postgres_database() -> Iterator[Database]:
    from noaber.db.engine import normalise_url
    from noaber.testing import POSTGRES_URL, PostgresDatabases, ensure_app_role

    admin = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    ensure_app_role(admin, APP_ROLE)
    admin.dispose()
    dbs = PostgresDatabases(POSTGRES_URL)
    name = dbs.create()
    try:
        admin_url = dbs.url_of(name)
        identity = seed(admin_url, app_role=APP_ROLE)
        common = normalise_url(admin_url).render_as_string(hide_password=False)
        yield Database("postgres", dbs.url_of(name, role=APP_ROLE), common, identity)
    finally:
        dbs.drop(name)
        dbs.engine.dispose()


def serve(kind: str, **env: str) -> Server:
    return start(
        [PYTHON, "-m", "benchmarks.api_servers", kind],
        child_env(BENCH_PORT=str(free_port()), **env),
        host=HOST,
    )


def platform_env(db: Database) -> dict[str, str]:
    return {
        "DATABASE_URL": db.app_url,
        # The limiter stays in the path; its limits are above what the load reaches.
        "NOABER_RATE_LIMIT_PER_MINUTE": "100000000",
        "NOABER_TENANT_RATE_LIMIT_PER_MINUTE": "100000000",
    }


_session: dict[str, str] = {}


def headers(contestant: str = "") -> dict[str, str]:
    """The request headers of ``contestant``: the platform's carry its session cookie
    (logged in over HTTP, second factor done); the baselines need none."""
    return {"Host": HOST, **(_session.get(contestant) or {})}


def median_result(results: list[LoadResult]) -> LoadResult:
    ordered = sorted(results, key=lambda r: r.rps)
    return ordered[len(ordered) // 2]


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--soak", type=float, default=30.0, help="seconds at 64 connections")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="also serve the platform with one access-log row per list, and with none "
        "(measurements of what the log costs, not ways to run Noaber)",
    )
    args = parser.parse_args(argv)

    print(f"load generator: {'wrk' if have_wrk() else 'python (wrk not installed)'}")
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        dbs = [stack.enter_context(sqlite_database(tmp))]
        if not args.no_postgres:
            dbs.append(stack.enter_context(postgres_database()))
        servers: dict[str, Server] = {}
        for db in dbs:
            servers[f"platform/{db.name}"] = serve("platform", **platform_env(db))
            stack.callback(servers[f"platform/{db.name}"].stop)
            servers[f"common/{db.name}"] = serve("common", BENCH_COMMON_URL=db.common_url)
            stack.callback(servers[f"common/{db.name}"].stop)
            if args.ceiling:
                for kind in CEILINGS:
                    name = f"{kind}/{db.name}"
                    servers[name] = serve(kind, **platform_env(db))
                    stack.callback(servers[name].stop)
        for db in dbs:
            name = f"platform/{db.name}"
            _session[name] = login_headers(servers[name].base, HOST, db.identity)
        if args.ceiling:  # the same account on more servers: one login per TOTP code
            for kind in CEILINGS:
                wait_for_next_totp_code()
                for db in dbs:
                    name = f"{kind}/{db.name}"
                    _session[name] = login_headers(servers[name].base, HOST, db.identity)
        # The bare endpoint answers exactly what the platform answers.
        answer = httpx.get(
            servers["platform/sqlite"].base + PATH, headers=headers("platform/sqlite")
        )
        answer.raise_for_status()
        assert len(answer.json()["items"]) == 50, answer.json()
        (tmp / "answer.json").write_bytes(answer.content)
        servers["bare"] = serve("bare", BENCH_JSON=str(tmp / "answer.json"))
        stack.callback(servers["bare"].stop)
        for name, server in servers.items():  # same shape everywhere
            got = httpx.get(server.base + PATH, headers=headers(name)).json()
            if len(got["items"]) != 50 or got["total"] != answer.json()["total"]:
                raise SystemExit(f"{name} answers a different list: {got}")

        results: dict[str, list[LoadResult]] = {name: [] for name in servers}
        for name, server in servers.items():  # warm-up
            load(server.base + PATH, headers=headers(name), seconds=1, connections=args.connections)
        for _ in range(args.rounds):
            for name, server in servers.items():
                results[name].append(
                    load(
                        server.base + PATH,
                        headers=headers(name),
                        seconds=args.seconds,
                        connections=args.connections,
                        threads=1,
                    )
                )
        rows: list[dict[str, object]] = []
        print(
            f"\nGET {PATH} (50 of {ROWS} requests), {args.connections} connections, "
            f"{args.seconds:.0f} s x {args.rounds} rounds, median round:"
        )
        print(
            f"  {'contestant':<27}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
        )
        medians = {name: median_result(rs) for name, rs in results.items()}
        for name, r in medians.items():
            all_rps = ", ".join(f"{x.rps:.0f}" for x in results[name])
            errors = sum(x.errors for x in results[name])
            print(
                f"  {name:<27}{r.rps:9.0f}{r.p50_ms:9.1f}{r.p95_ms:9.1f}{r.p99_ms:9.1f}"
                f"{errors:8d}   ({all_rps})"
            )
            rows.append(
                {
                    "benchmark": "api",
                    "what": name,
                    "rps": round(r.rps),
                    "p50_ms": r.p50_ms,
                    "p95_ms": r.p95_ms,
                    "p99_ms": r.p99_ms,
                    "errors": errors,
                }
            )
        bare = statistics.median(x.rps for x in results["bare"])
        print("\nratios (median req/s):")
        for db in dbs:
            mine = statistics.median(x.rps for x in results[f"platform/{db.name}"])
            common = statistics.median(x.rps for x in results[f"common/{db.name}"])
            print(
                f"  {db.name:<9} platform/bare {mine / bare:5.2f} (goal >= 0.40)   "
                f"platform/common {mine / common:5.2f} (goal >= 3)"
            )
            rows.append(
                {
                    "benchmark": "api",
                    "what": f"ratio/{db.name}",
                    "platform_over_bare": round(mine / bare, 3),
                    "platform_over_common": round(mine / common, 3),
                }
            )
            for kind, meaning in CEILINGS.items() if args.ceiling else ():
                ceiling = statistics.median(x.rps for x in results[f"{kind}/{db.name}"])
                print(f"  {db.name:<9} {kind}/bare {ceiling / bare:5.2f}   ({meaning})")
                rows.append(
                    {
                        "benchmark": "api",
                        "what": f"ceiling/{kind}/{db.name}",
                        "over_bare": round(ceiling / bare, 3),
                        "over_platform": round(ceiling / mine, 3),
                    }
                )
        if args.soak > 0:
            print(f"\nsoak: 64 connections, {args.soak:.0f} s each:")
            for db in dbs:
                server = servers[f"platform/{db.name}"]
                r = load(
                    server.base + PATH,
                    headers=headers(f"platform/{db.name}"),
                    seconds=args.soak,
                    connections=64,
                    threads=2,
                )
                print(
                    f"  platform/{db.name:<9} {r.requests} requests, {r.rps:.0f} req/s, "
                    f"errors {r.errors} {r.detail}, p99 {r.p99_ms:.0f} ms, max {r.max_ms:.0f} ms"
                )
                rows.append(
                    {
                        "benchmark": "api-soak-64",
                        "what": f"platform/{db.name}",
                        "requests": r.requests,
                        "rps": round(r.rps),
                        "errors": r.errors,
                        "p99_ms": r.p99_ms,
                        "max_ms": r.max_ms,
                    }
                )
        return rows


if __name__ == "__main__":
    print(json.dumps(main()))
