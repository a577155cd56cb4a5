"""Where the time of one platform list request goes, in process (no network).

    uv run --group bench python -m benchmarks.profile_api [--path /api/requests?page_size=50]
                                                          [--requests 300] [--postgres]

Builds the API benchmark's database (Meppel, 60 requests), logs a municipality admin in
(session in the app's store, second factor done) and sends ``--requests`` GETs through
the whole ASGI stack (tenant from the host, rate limiter, session, principal, CSRF,
access log, guard, handler, commit) with Litestar's test client; prints the mean time
per request and the cProfile lines of the parts that matter. Timings are of this run on
this machine; compare them with each other, not with another day's.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.api import APP_ROLE, HOST, PATH, SLUG, seed


@contextmanager
def database(postgres: bool) -> Iterator[str]:
    if not postgres:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'profile.sqlite'}"
            seed(url)
            yield url
        return
    from sqlalchemy import create_engine

    from noaber.db.engine import normalise_url
    from noaber.testing import POSTGRES_URL, PostgresDatabases, ensure_app_role

    admin = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    ensure_app_role(admin, APP_ROLE)
    admin.dispose()
    dbs = PostgresDatabases(POSTGRES_URL)
    name = dbs.create()
    try:
        seed(dbs.url_of(name), app_role=APP_ROLE)
        yield dbs.url_of(name, role=APP_ROLE)
    finally:
        dbs.drop(name)
        dbs.engine.dispose()


async def put_session(app: Any, platform: Any, identity: Any) -> str:
    """A logged-in session (second factor done) in the app's store, as its cookie."""
    import json
    import secrets

    from noaber.accounts.sessions import COOKIE_NAME, STORE_NAME, new_session_data
    from noaber.tenancy.context import tenant_scope

    data = new_session_data(
        kind="account", account_id=identity.account_id, epoch=0, mfa=True, tenant=SLUG
    )
    session_id = secrets.token_hex(32)
    with tenant_scope(SLUG):
        await app.stores.get(STORE_NAME).set(session_id, json.dumps(data).encode(), 1800)
    return f"{COOKIE_NAME}={session_id}"


def run_inline() -> None:
    """Run every "to a worker thread" hop inline, so one cProfile (one thread) sees the
    whole request. Only for this profile: it changes scheduling, not the work done."""
    import sys

    import anyio.to_thread
    import litestar.concurrency

    async def inline(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.pop("limiter", None)
        kwargs.pop("abandon_on_cancel", None)
        kwargs.pop("cancellable", None)
        return fn(*args, **kwargs)

    original = anyio.to_thread.run_sync
    litestar.concurrency._run_sync_asyncio = inline  # type: ignore[assignment]
    for module in list(sys.modules.values()):
        if getattr(module, "run_sync", None) is original:
            module.run_sync = inline  # type: ignore[attr-defined]
    anyio.to_thread.run_sync = inline  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", default=PATH)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--callees", help="also print what functions matching this call")
    args = parser.parse_args(argv)

    import asyncio

    import noaber.accounts.controllers
    import noaber.privacy.web
    import noaber.ui.web
    import noaber.web.app  # noqa: F401  (imported before run_inline patches them)
    from noaber.platform import Platform
    from noaber.settings import Settings
    from noaber.testing import create_test_account
    from noaber.web.app import create_app

    run_inline()
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    with database(args.postgres) as url:
        platform = Platform.build(
            Settings(
                database_url=url,
                rate_limit_per_minute=100_000_000,
                tenant_rate_limit_per_minute=100_000_000,
            )
        )
        platform.load_tenants()
        identity = create_test_account(platform, SLUG)

        async def go() -> tuple[float, cProfile.Profile]:
            import httpx

            app = create_app(platform)
            async with (
                app.lifespan(),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 40000)),
                    base_url=f"http://{HOST}",
                ) as client,
            ):
                client.headers["cookie"] = await put_session(app, platform, identity)
                first = await client.get(args.path)
                assert first.status_code == 200, first.text
                for _ in range(30):  # warm-up: statement caches, pools
                    await client.get(args.path)
                started = time.perf_counter()
                for _ in range(args.requests):
                    await client.get(args.path)
                per_request = (time.perf_counter() - started) / args.requests * 1000
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.requests):
                    await client.get(args.path)
                profiler.disable()
                return per_request, profiler

        per_request, profiler = asyncio.run(go())
        platform.dispose()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(args.lines)
    if args.callees:
        stats.print_callees(args.callees)
    print(out.getvalue())
    print(
        f"{'postgres' if args.postgres else 'sqlite'} GET {args.path}: "
        f"{per_request:.2f} ms per request (mean of {args.requests}, in process, test client "
        f"included); cProfile times above are for {args.requests} requests"
    )


if __name__ == "__main__":
    main()
