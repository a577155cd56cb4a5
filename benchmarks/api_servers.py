"""The contestants of the API-overhead benchmark, each served the same way.

    python -m benchmarks.api_servers bare|common|platform|platform-one-entry|platform-unlogged

Environment: ``BENCH_PORT``; ``DATABASE_URL`` (platform: the application role's URL);
``BENCH_COMMON_URL`` (common: an async SQLAlchemy URL); ``BENCH_JSON`` (bare: a file
holding the platform's answer). Every server answers ``GET /api/requests`` and
``GET /health`` and runs under ``uvicorn.run(app, ...)`` with identical options.
"""

import json
import os
import sys
from typing import Any

import uvicorn
from litestar import Litestar, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

SLUG = "meppel"


def run(app: Any) -> None:
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(os.environ["BENCH_PORT"]),
        log_level="warning",
        access_log=False,
    )


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


def bare() -> Litestar:
    """The floor: the same JSON, from memory, serialised by Litestar."""
    with open(os.environ["BENCH_JSON"], encoding="utf-8") as fh:
        answer = json.load(fh)

    @get("/api/requests", sync_to_thread=False)
    def list_requests() -> dict[str, Any]:
        return answer

    return Litestar([list_requests, health], debug=False)


def common() -> Litestar:
    """The common way: advanced-alchemy's Litestar plugin, an async session per request,
    a repository's ``list_and_count`` filtered by the tenant of the host, Pydantic out.
    No caching."""
    from advanced_alchemy.extensions.litestar import (
        AsyncSessionConfig,
        SQLAlchemyAsyncConfig,
        SQLAlchemyPlugin,
    )
    from advanced_alchemy.filters import LimitOffset
    from advanced_alchemy.repository import SQLAlchemyAsyncRepository
    from sqlalchemy.ext.asyncio import AsyncSession

    from noaber.municipalities.loader import discover_municipalities
    from noaber.plugins import discover_plugins
    from noaber.requests.models import HelpRequest
    from noaber.requests.schemas import RequestOut
    from noaber.requests.types import request_types_of
    from noaber.settings import Settings
    from noaber.web.pagination import Page

    catalog = discover_plugins(Settings())
    pm = discover_municipalities(catalog)[SLUG].plugin_manager(catalog)
    allowed = {
        name: {s: list(t.workflow.allowed(s)) for s in t.workflow.transitions}
        for name, t in request_types_of(pm).types.items()
    }

    class Requests(SQLAlchemyAsyncRepository[HelpRequest]):  # type: ignore[type-var]
        model_type = HelpRequest

    @get("/api/requests")
    async def list_requests(
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_size: FromQuery[int] = 25,
    ) -> Page[RequestOut]:
        slug = request.headers.get("host", "").split(".", 1)[0]
        rows, total = await Requests(session=db_session).list_and_count(
            LimitOffset(limit=page_size, offset=0),
            HelpRequest.tenant_id == slug,
            order_by=(HelpRequest.id, False),
            use_cache=False,
        )
        items = []
        for row in rows:
            out = RequestOut.model_validate(row)
            out.allowed_transitions = allowed.get(row.type, {}).get(row.status, [])
            items.append(out)
        return Page[RequestOut](items=items, total=total, page=1, page_size=page_size)

    config = SQLAlchemyAsyncConfig(
        connection_string=os.environ["BENCH_COMMON_URL"],
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit",
    )
    return Litestar([list_requests, health], plugins=[SQLAlchemyPlugin(config=config)], debug=False)


def platform() -> Litestar:
    """Noaber as deployed: tenant from the host, guarded session, rate limiter on (with
    limits high enough not to refuse the load generator)."""
    from noaber.web.app import create_app

    return create_app()


def platform_one_entry() -> Litestar:
    """Ceiling, not a way to run Noaber: the platform if a list's access log were one
    row (naming no person) instead of one row per person shown. Measures what the rows
    per person cost; only ``benchmarks.api --ceiling`` serves it."""
    from noaber.privacy import access_log, web

    entries_for = web.entries_for

    def first_only(*args: Any) -> access_log.EntryGroup:
        group = entries_for(*args)
        return access_log.EntryGroup(group.shared, group.objects[:1])

    web.entries_for = first_only  # type: ignore[assignment]
    return platform()


def platform_unlogged() -> Litestar:
    """Ceiling, not a way to run Noaber (no setting turns the access log off): the
    platform if it wrote no access log at all. Measures what the log costs against what
    the rest of the request (middleware, session, guard, answer) costs; only
    ``benchmarks.api --ceiling`` serves it."""
    from noaber.privacy import access_log, web

    async def write_nothing(
        _self: web.GroupWriter, _slug: str, _group: access_log.EntryGroup
    ) -> None:
        return None

    web.GroupWriter.write = write_nothing  # type: ignore[method-assign]
    return platform()


KINDS = {
    "bare": bare,
    "common": common,
    "platform": platform,
    "platform-one-entry": platform_one_entry,
    "platform-unlogged": platform_unlogged,
}

if __name__ == "__main__":
    run(KINDS[sys.argv[1]]())
