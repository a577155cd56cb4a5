"""Creating engines: SQLite tuned for durability, PostgreSQL through psycopg 3."""

from __future__ import annotations

import asyncio
import select
import sqlite3
import time
from functools import partial
from typing import Any

import psycopg
from psycopg import waiting
from psycopg.abc import PQGen
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_only
from sqlalchemy.util.concurrency import in_greenlet

from noaber.db import changes
from noaber.db.changes import TrackedConnection

IDLE_PING_SECONDS = 30.0
"""A pooled PostgreSQL connection idle this long is pinged before use (a connection a
firewall dropped in silence sends nothing to notice)."""


def normalise_url(url: str | URL) -> URL:
    """Pick our drivers: psycopg 3 for PostgreSQL, the stdlib module for SQLite."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL + synchronous=FULL: a committed write survives a crash or power loss.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _utc_session(dbapi_connection: Any, _record: Any) -> None:
    # Times in UTC whatever the server's or the database's default: the columns are
    # timestamps without a zone, and PostgreSQL stores an aware value bound to one as
    # the session zone's wall clock. A SET (committed, or the pool's rollback would undo
    # it) rather than a startup option, which connection poolers such as PgBouncer
    # refuse; they carry a client's TimeZone over to every server connection.
    dbapi_connection.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.commit()


def _check_out(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    """Hand out only a live PostgreSQL connection, without a round trip when we can
    tell: an idle connection the server ended (a restart, a terminated backend) has its
    farewell or end-of-file waiting on the socket. Only such a connection, or one idle
    for :data:`IDLE_PING_SECONDS`, is pinged; a failed ping makes the pool connect anew."""
    checked_in = record.info.get("checked_in")
    if checked_in is None:
        return  # just connected
    poll = select.poll()
    poll.register(dbapi_connection.fileno(), select.POLLIN)
    if not poll.poll(0) and time.monotonic() - checked_in < IDLE_PING_SECONDS:
        return
    try:
        record.driver_connection.execute("SELECT 1")  # type: ignore[union-attr]
        dbapi_connection.rollback()
    except Exception as exc:
        raise DisconnectionError("the connection was lost while idle") from exc


def _checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info["checked_in"] = time.monotonic()


class TrackedSQLiteConnection(TrackedConnection, sqlite3.Connection):
    """The ``sqlite3`` connection, reporting the tenants its commits changed."""

    def noaber_in_transaction(self) -> bool:
        return self.in_transaction


class LoopConnection(TrackedConnection, psycopg.Connection[Any]):
    """A psycopg connection whose waits for the server give the event loop back when it
    is used from a greenlet of :func:`sqlalchemy.util.greenlet_spawn`
    (:func:`noaber.web.dependencies.run_read`): sync code, waiting the async way.
    Anywhere else (worker threads, commands) it waits as any connection does. It reports
    the tenants its commits changed (:mod:`noaber.db.changes`)."""

    def noaber_in_transaction(self) -> bool:
        return self.info.transaction_status != TransactionStatus.IDLE

    def wait(self, gen: PQGen[Any], interval: float = 0.1, timeout: float | None = None) -> Any:
        if in_greenlet():
            fileno = self.pgconn.socket
            return await_only(waiting.wait_async(gen, fileno, interval=interval, timeout=timeout))
        return super().wait(gen, interval, timeout)


def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> LoopConnection:
    connect = partial(LoopConnection.connect, *cargs, **cparams)
    if in_greenlet():
        # psycopg connects by blocking: in the loop's default executor (not a worker
        # thread, whose tokens the greenlets hold), so the event loop never waits for a
        # server that is slow to answer or restarting.
        return await_only(asyncio.get_running_loop().run_in_executor(None, connect))
    return connect()


def make_engine(url: str | URL, *, pool_size: int = 20, echo: bool = False) -> Engine:
    parsed = normalise_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        # No pre-ping: a file database has no server to lose the connection to.
        kwargs["connect_args"] = {"check_same_thread": False, "factory": TrackedSQLiteConnection}
        if parsed.database not in (None, "", ":memory:"):
            # Keep ``pool_size`` connections; open more when busy instead of waiting: a
            # SQLite connection is a file handle, and a read in the event loop
            # (noaber.web.dependencies.run_read) must never wait for a connection that
            # only the event loop can give back.
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = -1
    else:
        # A connection lost to a server restart is replaced on checkout (_check_out).
        kwargs["pool_size"] = pool_size
        kwargs["max_overflow"] = 0
        kwargs["pool_timeout"] = 10
    engine = create_engine(parsed, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        event.listen(engine, "do_connect", _connect)
        event.listen(engine, "connect", _utc_session)
        event.listen(engine, "checkout", _check_out)
        event.listen(engine, "checkin", _checked_in)
    changes.track(engine)
    return engine
