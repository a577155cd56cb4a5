"""The application factory. One InitPlugin composes core and plugin routes.

``uvicorn --factory noaber.web.app:create_app`` works: settings come from the environment.
"""

from __future__ import annotations

import gc
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from litestar import Litestar, Request, Response, Router
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.plugins import InitPluginProtocol
from litestar.types import ExceptionHandlersMap
from redis.exceptions import RedisError
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as SqlTimeoutError

import noaber
from noaber.accounts.mail import Mailer
from noaber.accounts.sessions import session_config
from noaber.accounts.web import (
    PRINCIPALS_TOPIC,
    AuthMiddleware,
    CsrfMiddleware,
    auth_guard,
    forget_principals,
)
from noaber.db import changes, invalidation, read_cache
from noaber.platform import Platform
from noaber.plugins import BUILTIN_PLUGINS, PluginCatalog, make_plugin_manager, results_by_plugin
from noaber.privacy.web import AccessLogMiddleware, note_status
from noaber.settings import Settings
from noaber.tasks.loop import in_background, periodic_tasks_in_background
from noaber.web.dependencies import DEPENDENCIES, TENANT_SCOPE_KEY, tenant_limiters
from noaber.web.problems import DATABASE_UNAVAILABLE, EXCEPTION_HANDLERS, problem
from noaber.web.shared_state import (
    REDIS_UNAVAILABLE,
    RateCounter,
    TenantRateLimitMiddleware,
    make_redis,
    store_registry,
)
from noaber.web.tenancy import TenantMiddleware

log = logging.getLogger(__name__)


Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


def enabled_plugin_guard(plugin: str) -> Guard:
    """404 on every route of ``plugin`` for a tenant whose municipality does not enable it."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        tenant = connection.scope["state"].get(TENANT_SCOPE_KEY)
        if tenant is None or not tenant.enables(plugin):
            raise NotFoundException()

    return guard


# Routers built per plugin catalog, reused by every app a process builds (tests build
# hundreds): Litestar registers a deep copy of each router, never the router itself.
_ROUTERS: OrderedDict[int, tuple[PluginCatalog, list[Router]]] = OrderedDict()
_ROUTERS_KEPT = 4


def collect_route_handlers(platform: Platform) -> list[Router]:
    """Every contributed route, behind the secure-by-default :func:`auth_guard`: a
    logged-in account of the tenant, scoped to the contributing plugin (its programme)
    unless the route says ``opt={"public": True}``; ``opt={"roles": (...)}`` narrows."""
    catalog = platform.catalog
    cached = _ROUTERS.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        _ROUTERS.move_to_end(id(catalog))
        return cached[1]
    routers = _build_routers(catalog)
    _ROUTERS[id(catalog)] = (catalog, routers)  # the catalog is kept, so its id stays its own
    while len(_ROUTERS) > _ROUTERS_KEPT:
        _ROUTERS.popitem(last=False)
    return routers


def _build_routers(catalog: PluginCatalog) -> list[Router]:
    pm = make_plugin_manager(catalog)
    handlers: list[Router] = []
    for plugin, contributed in sorted(results_by_plugin(pm, "route_handlers").items()):
        if not contributed:
            continue
        if plugin in BUILTIN_PLUGINS:
            handlers.append(Router(path="/", route_handlers=list(contributed), guards=[auth_guard]))
        else:
            handlers.append(
                Router(
                    path="/",
                    route_handlers=list(contributed),
                    guards=[enabled_plugin_guard(plugin), auth_guard],
                    opt={"plugin": plugin},
                )
            )
    return handlers


def _database_unavailable(
    _request: Request[Any, Any, Any], exc: OperationalError | SqlTimeoutError
) -> Response[Any]:
    # A lost connection (server restarting, failover) or an exhausted pool. The
    # transaction was rolled back; the pool replaces dead connections on the next
    # checkout (noaber.db.engine), so the app recovers by itself.
    log.warning("database unavailable: %s", exc)
    response = problem(503, DATABASE_UNAVAILABLE)
    response.headers["Retry-After"] = "2"
    return response


def _redis_unavailable(_request: Request[Any, Any, Any], exc: RedisError) -> Response[Any]:
    log.warning("Redis unavailable: %s", exc)
    return problem(503, REDIS_UNAVAILABLE)


ExceptionHandler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


def html_for_browsers(handler: ExceptionHandler) -> ExceptionHandler:
    """``handler`` (a problem+json answer) for API clients; for a browser asking for a
    page outside ``/api/``, the interface's Dutch error page with the same status (the
    problem handler has logged what needs logging; nothing of the exception is shown)."""

    def negotiated(request: Request[Any, Any, Any], exc: Any) -> Response[Any]:
        response = handler(request, exc)
        from noaber.ui.web import html_error_response

        page = html_error_response(request, response.status_code or 500)
        if page is None:
            return response
        for name in ("retry-after", "allow"):
            if name in response.headers:
                page.headers[name] = response.headers[name]
        return page

    return negotiated


def with_html_pages(handlers: ExceptionHandlersMap) -> ExceptionHandlersMap:
    return {kind: html_for_browsers(h) for kind, h in handlers.items()}


class NoaberWebPlugin(InitPluginProtocol):
    """Composes the platform into a Litestar application."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        platform = self.platform
        app_config.route_handlers.extend(collect_route_handlers(platform))
        settings = platform.settings
        redis = make_redis(settings)
        read_cache.cache.seconds = settings.read_cache_seconds
        app_config.stores = store_registry(redis, settings.redis_namespace)
        app_config.middleware.append(TenantMiddleware(platform))
        if settings.rate_limit_per_minute or settings.tenant_rate_limit_per_minute:
            app_config.middleware.append(TenantRateLimitMiddleware(RateCounter(redis), settings))
        app_config.middleware.extend(
            [
                session_config(settings).middleware,
                AuthMiddleware(platform),
                CsrfMiddleware(),
                AccessLogMiddleware(platform),
            ]
        )
        app_config.dependencies.update(DEPENDENCIES)
        # A layer's own after-request hook replaces this one: its requests' entries are
        # then stored by the access log's group writer instead of in their transaction.
        app_config.after_request = app_config.after_request or note_status
        app_config.exception_handlers.update(
            with_html_pages(
                {
                    **EXCEPTION_HANDLERS,
                    RedisError: _redis_unavailable,
                    OperationalError: _database_unavailable,
                    SqlTimeoutError: _database_unavailable,
                }
            )
        )
        app_config.state = State(
            {
                **app_config.state,
                "platform": platform,
                "redis": redis,
                "tenant_limiters": tenant_limiters(settings),
                "login_counter": RateCounter(redis),
                "accounts_enabled": True,
                "mailer": Mailer(settings.smtp_url),
            }
        )
        if redis is not None:
            app_config.on_shutdown.append(redis.aclose)
        app_config.on_startup.append(self._match_threads_to_connections)
        app_config.lifespan.append(self._follow_registry)
        app_config.lifespan.append(self._run_periodic_tasks)
        if settings.redis_url:
            app_config.lifespan.append(self._follow_invalidations)
        app_config.lifespan.append(_freeze_startup_objects)
        app_config.on_shutdown.append(lambda: platform.dispose())
        return app_config

    @asynccontextmanager
    async def _follow_registry(self, _app: Litestar) -> AsyncIterator[None]:
        """Re-read the tenant registry every few seconds, so each worker process sees
        suspensions, resumptions and new tenants without a restart. Polling the database
        needs nothing beyond it (works without Redis, survives a lost message) and is
        cheap: two small tables, plugin managers are reused."""
        interval = self.platform.settings.registry_refresh_seconds
        if interval <= 0:
            yield
            return
        async with in_background(self._refresh_every, interval):
            yield

    def _run_periodic_tasks(self, app: Litestar) -> AbstractAsyncContextManager[None]:
        """The plugins' periodic tasks (``periodic_tasks`` hook), see :mod:`noaber.tasks.loop`."""
        return periodic_tasks_in_background(self.platform, app.state.mailer)

    @asynccontextmanager
    async def _follow_invalidations(self, _app: Litestar) -> AsyncIterator[None]:
        """Clear this worker's caches when another process broadcasts a change."""
        settings = self.platform.settings
        assert settings.redis_url is not None
        handlers = {PRINCIPALS_TOPIC: forget_principals, changes.TOPIC: changes.forget}
        async with in_background(
            invalidation.listen, settings.redis_url, settings.redis_namespace, handlers
        ):
            yield

    async def _refresh_every(self, interval: float) -> None:
        while True:
            await anyio.sleep(interval)
            try:
                await anyio.to_thread.run_sync(self.platform.load_tenants)
            except Exception as exc:  # keep serving with what we know; retry next time
                log.warning("could not re-read the tenant registry: %s", exc)

    async def _match_threads_to_connections(self) -> None:
        # Sync handlers run in a thread pool. More threads than pooled connections can
        # deadlock under load (threads waiting for connections that only a thread can
        # give back), so the two are the same size.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = self.platform.settings.db_pool_size


def _nested_too_deeply(_request: Request[Any, Any, Any], _exc: RecursionError) -> Response[Any]:
    # A body like [[[[...]]]] 100,000 deep makes the JSON decoder give up; that is the
    # client's input, not a server fault.
    return problem(400, "The request body is nested too deeply.")


def _out_of_range(_request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
    # An id or number larger than the database's integers (found by fuzzing: a 64-bit
    # overflow on SQLite, a DataError on PostgreSQL) is bad input, not a server fault.
    return problem(400, "A value in the request is out of range.")


@asynccontextmanager
async def _freeze_startup_objects(_app: Litestar) -> AsyncIterator[None]:
    """Keep what startup built (plugins, mappers, schemas, the app) out of the cyclic
    garbage collector's full collections, which scanned all of it: each stopped the
    worker for up to 250 ms, the p99 latency of a loaded list (38 ms with this, same
    throughput). Reference counting still frees them; they are given back to the
    collector when the app stops (several apps in one process: tests)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def create_app(platform: Platform | None = None) -> Litestar:
    if platform is None:
        platform = Platform.build(Settings())
        platform.load_tenants()
    return Litestar(
        plugins=[NoaberWebPlugin(platform)],
        openapi_config=OpenAPIConfig(
            title="Noaber",
            version=noaber.__version__,
            description="Neighbourhood support programmes for Dutch municipalities.",
        ),
        debug=False,
        # Resource limits (see tests/reliability/test_resource_limits.py).
        request_max_body_size=platform.settings.max_body_bytes,
        multipart_form_part_limit=platform.settings.max_multipart_parts,
        exception_handlers=with_html_pages(
            {
                RecursionError: _nested_too_deeply,
                OverflowError: _out_of_range,
                DataError: _out_of_range,
            }
        ),
    )
