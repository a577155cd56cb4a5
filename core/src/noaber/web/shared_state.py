"""State shared by every worker process: Redis when ``NOABER_REDIS_URL`` is set.

* **Stores** (Litestar's store registry: sessions, caches): each named store is a Redis
  store, wrapped so that every key carries the tenant of the request:
  ``<namespace>:<store>:<tenant>:<key>`` (``_platform`` on platform hosts). Code asks
  for ``app.stores.get("cache")`` and cannot read another municipality's entries.
* **Rate limits**: per tenant and client, and per tenant over all its clients, counted
  in Redis under ``<namespace>:ratelimit:<tenant>:...`` with one atomic ``MULTI``
  (``SET NX EX`` + ``INCR`` + ``TTL``), so the limit
  holds over all workers instead of being multiplied by their number. (Litestar's own
  ``RateLimitMiddleware`` reads and writes a history under a per-process lock, which is
  neither atomic across processes nor cheap at thousands of requests per window.)
* **Redis down**: the request is answered with a 503 problem before the handler runs,
  so nothing is written; a Redis error inside a handler is answered with a 503 too
  (and, like any error, rolls the request's database transaction back).

Without ``NOABER_REDIS_URL`` the same interfaces are served from process memory: right
for one process (SQLite, the demo), wrong for several workers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import anyio
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import ASGIMiddleware
from litestar.stores.base import StorageObject, Store
from litestar.stores.memory import MemoryStore
from litestar.stores.registry import StoreRegistry
from litestar.types import ASGIApp, Receive, Scope, Send

from noaber.errors import ServiceUnavailable
from noaber.tenancy.context import current_tenant
from noaber.web.dependencies import TENANT_SCOPE_KEY

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from noaber.settings import Settings

PLATFORM_NAMESPACE = "_platform"
REDIS_UNAVAILABLE = "Shared state (Redis) is unavailable; please try again shortly."


def make_redis(settings: Settings) -> Redis | None:
    """A client with a bounded pool and short timeouts, or None without a Redis URL."""
    if not settings.redis_url:
        return None
    from redis.asyncio import BlockingConnectionPool, Redis

    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_pool_size,
        timeout=2,  # waiting for a free connection
        socket_timeout=1,
        socket_connect_timeout=1,
        health_check_interval=10,
    )
    return Redis(connection_pool=pool)


def _tenant_prefix() -> str:
    return current_tenant() or PLATFORM_NAMESPACE


class TenantStore(Store):
    """A store whose every key is prefixed with the tenant in context."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner

    def _key(self, key: str) -> str:
        return f"{_tenant_prefix()}:{key}"

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        await self.inner.set(self._key(key), value, expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self.inner.get(self._key(key), renew_for)

    async def delete(self, key: str) -> None:
        await self.inner.delete(self._key(key))

    async def delete_all(self) -> None:
        raise NotImplementedError("delete_all would cross tenants; delete keys one by one")

    async def exists(self, key: str) -> bool:
        return await self.inner.exists(self._key(key))

    async def expires_in(self, key: str) -> int | None:
        return await self.inner.expires_in(self._key(key))


class ProcessStore(MemoryStore):
    """Litestar's :class:`MemoryStore` without its lock: every operation is done
    without awaiting, so no other task of the event loop can run in between (the lock
    cost a trip through anyio per session lookup, about a tenth of a cached request).
    Expired entries are removed in steps that never swap the dict out from under a
    write made in between."""

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode("utf-8") if isinstance(value, str) else value
        self._store[key] = StorageObject.new(data=data, expires_in=expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        stored = self._store.get(key)
        if stored is None:
            return None
        if stored.expired:
            del self._store[key]
            return None
        if renew_for and stored.expires_at:
            self._store[key] = StorageObject.new(data=stored.data, expires_in=renew_for)
        return stored.data

    async def delete(self, key: str) -> None:
        self._store.pop(key, None)

    async def delete_all(self) -> None:
        self._store.clear()

    async def delete_expired(self) -> None:
        expired = [key for key, stored in self._store.items() if stored.expired]
        for done, key in enumerate(expired, 1):
            stored = self._store.get(key)
            if stored is not None and stored.expired:  # not set again meanwhile
                del self._store[key]
            if done % 1000 == 0:
                await anyio.sleep(0)


def store_registry(redis: Redis | None, namespace: str = "noaber") -> StoreRegistry:
    """Every named store is tenant-prefixed; in Redis under ``<namespace>:<name>:``."""

    def factory(name: str) -> Store:
        if redis is None:
            return TenantStore(ProcessStore())
        from litestar.stores.redis import RedisStore

        return TenantStore(RedisStore(redis, namespace=f"{namespace}:{name}"))

    return StoreRegistry(default_factory=factory)


@dataclass(frozen=True)
class Hit:
    count: int
    reset_in: int


class RateCounter:
    """Counts hits per key in fixed windows that start at a key's first hit."""

    def __init__(self, redis: Redis | None) -> None:
        self.redis = redis
        self._memory: dict[str, tuple[int, float]] = {}

    async def hit(self, key: str, window: int) -> Hit:
        if self.redis is None:
            return self._hit_in_memory(key, window)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=window, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
            _created, count, ttl = await pipe.execute()
        return Hit(int(count), max(int(ttl), 0))

    def _hit_in_memory(self, key: str, window: int) -> Hit:
        # No lock: nothing here awaits, so no other task runs in between (an anyio lock
        # would still cost a trip through the event loop per hit).
        now = time.monotonic()
        count, reset_at = self._memory.get(key, (0, now + window))
        if reset_at <= now:
            count, reset_at = 0, now + window
        self._memory[key] = (count + 1, reset_at)
        if len(self._memory) > 100_000:  # bounded: drop expired windows
            self._memory = {k: v for k, v in self._memory.items() if v[1] > now}
        return Hit(count + 1, int(reset_at - now))


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class TenantRateLimitMiddleware(ASGIMiddleware):
    """Per-tenant rate limits, shared by all workers through Redis.

    Two limits per window: one per tenant and client address (a single client cannot
    flood its municipality), one per tenant over all clients (a municipality cannot
    flood the install: the noisy neighbour). Platform hosts are limited per client.
    Behind a reverse proxy, run the server with trusted proxy headers so the client
    address is the real one (see docs/hosting.md).
    """

    scopes = (ScopeType.HTTP,)

    def __init__(self, counter: RateCounter, settings: Settings) -> None:
        self.counter = counter
        self.per_client = settings.rate_limit_per_minute
        self.per_tenant = settings.tenant_rate_limit_per_minute
        self.window = settings.rate_limit_window_seconds
        self.namespace = settings.redis_namespace

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        tenant = scope["state"].get(TENANT_SCOPE_KEY)
        slug = tenant.slug if tenant is not None else PLATFORM_NAMESPACE
        checks = []
        if self.per_client:
            checks.append(
                (
                    f"{self.namespace}:ratelimit:{slug}:client:{client_address(scope)}",
                    self.per_client,
                )
            )
        if self.per_tenant and tenant is not None:
            checks.append((f"{self.namespace}:ratelimit:{slug}:tenant", self.per_tenant))
        for key, limit in checks:
            try:
                hit = await self.counter.hit(key, self.window)
            except Exception as exc:
                raise_if_redis_error(exc)
                raise
            if hit.count > limit:
                raise TooManyRequestsException(
                    detail="Too many requests for this municipality; slow down.",
                    headers={"Retry-After": str(max(hit.reset_in, 1))},
                )
        await next_app(scope, receive, send)


def is_redis_error(exc: BaseException) -> bool:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency of core
        return False
    return isinstance(exc, RedisError)


def raise_if_redis_error(exc: BaseException) -> None:
    if is_redis_error(exc):
        raise ServiceUnavailable(REDIS_UNAVAILABLE) from exc


async def redis_ok(redis: Redis | None) -> bool | None:
    """None without Redis; otherwise whether it answers a PING."""
    if redis is None:
        return None
    try:
        return bool(await redis.ping())
    except Exception as exc:
        if is_redis_error(exc):
            return False
        raise


__all__ = [
    "RateCounter",
    "TenantRateLimitMiddleware",
    "TenantStore",
    "make_redis",
    "store_registry",
]
