"""One process per cycle: with several worker processes (and a cron job beside them),
a cycle of a task for a tenant should run in one of them only.

* With Redis (``NOABER_REDIS_URL``): ``SET <namespace>:task:<tenant>:<name> NX EX
  every_seconds``. The first process to set the key runs the cycle; the key lives one
  interval, so the whole install runs the task about once per ``every_seconds``.
* Without Redis, on PostgreSQL: ``pg_try_advisory_xact_lock`` on a connection of its
  own, held while the task runs: two processes never run it at the same time (each
  still runs it once per interval).
* Otherwise (SQLite): a lock of this process.

A lock is a courtesy, not the guarantee: a task must be safe when run twice at once
(claim each piece of work before doing it). When Redis cannot be reached the cycle runs
anyway, for the same reason.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from noaber.tasks import PeriodicTask

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from noaber.platform import Platform

log = logging.getLogger(__name__)


class CycleLock(Protocol):
    def cycle(self, tenant: str, task: PeriodicTask) -> AbstractContextManager[bool]:
        """Yields whether this process runs the task's cycle for ``tenant``."""
        ...

    def close(self) -> None: ...


class LocalCycleLock:
    """Only one thread of this process runs a task for a tenant at a time."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, str], threading.Lock] = {}

    @contextmanager
    def cycle(self, tenant: str, task: PeriodicTask) -> Iterator[bool]:
        with self._guard:
            lock = self._locks.setdefault((tenant, task.name), threading.Lock())
        mine = lock.acquire(blocking=False)
        try:
            yield mine
        finally:
            if mine:
                lock.release()

    def close(self) -> None:
        pass


def advisory_key(tenant: str, task: str) -> int:
    """A signed 64-bit key for ``pg_try_advisory_xact_lock``, the same in every process."""
    digest = hashlib.sha256(f"noaber.task:{tenant}:{task}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class _SharedCycleLock:
    """A lock shared by processes, taken only by the one thread of this process that
    holds the local lock (threads of one process never ask the shared one twice)."""

    def __init__(self) -> None:
        self._local = LocalCycleLock()

    @contextmanager
    def cycle(self, tenant: str, task: PeriodicTask) -> Iterator[bool]:
        with self._local.cycle(tenant, task) as mine:
            if not mine:
                yield False
                return
            with self._take(tenant, task) as taken:
                yield taken

    def _take(self, tenant: str, task: PeriodicTask) -> AbstractContextManager[bool]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class PostgresCycleLock(_SharedCycleLock):
    """A transaction-level advisory lock on a connection of its own, held while the
    task runs and released when that transaction ends (also if the process dies)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        # A connection of its own, not one of the pool's: the pool is as large as the
        # worker-thread pool, and lists read in the event loop count on that (one
        # connection per thread token; noaber.web.dependencies.run_read).
        self.engine = create_engine(engine.url, poolclass=NullPool)

    @contextmanager
    def _take(self, tenant: str, task: PeriodicTask) -> Iterator[bool]:
        with self.engine.connect() as conn:
            taken = conn.execute(
                text("SELECT pg_try_advisory_xact_lock(:key)"),
                {"key": advisory_key(tenant, task.name)},
            ).scalar()
            try:
                yield bool(taken)
            finally:
                conn.rollback()

    def close(self) -> None:
        self.engine.dispose()


class RedisCycleLock(_SharedCycleLock):
    """The first process to set the cycle's key runs it; the key expires after one
    interval. The key is not deleted after the run: it marks the cycle as done."""

    def __init__(self, redis_url: str, namespace: str) -> None:
        from redis import Redis

        super().__init__()
        self.namespace = namespace
        self.client: Redis = Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)

    def key(self, tenant: str, task: str) -> str:
        return f"{self.namespace}:task:{tenant}:{task}"

    @contextmanager
    def _take(self, tenant: str, task: PeriodicTask) -> Iterator[bool]:
        interval = max(1, int(task.every_seconds))
        try:
            taken = self.client.set(self.key(tenant, task.name), "1", nx=True, ex=interval)
        except Exception as exc:  # the task is safe to run twice: run it
            # Only the class name: a Redis error's text can hold the server's address.
            log.warning(
                "periodic tasks: Redis unavailable (%s); running anyway", type(exc).__name__
            )
            taken = True
        yield bool(taken)

    def close(self) -> None:
        self.client.close()


def cycle_lock(platform: Platform) -> CycleLock:
    """The lock that fits the deployment: Redis, else PostgreSQL, else this process."""
    settings = platform.settings
    if settings.redis_url:
        return RedisCycleLock(settings.redis_url, settings.redis_namespace)
    if platform.engine.dialect.name == "postgresql":
        return PostgresCycleLock(platform.engine)
    return LocalCycleLock()
