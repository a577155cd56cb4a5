"""Creating engines: SQLite tuned for durability, PostgreSQL through psycopg 3."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url


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


def make_engine(url: str | URL, *, pool_size: int = 20, echo: bool = False) -> Engine:
    parsed = normalise_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        # No pre-ping: a file database has no server to lose the connection to.
        kwargs["connect_args"] = {"check_same_thread": False}
        if parsed.database not in (None, "", ":memory:"):
            # Keep ``pool_size`` connections; open more when busy instead of waiting: a
            # SQLite connection is a file handle, and a read in the event loop
            # (noaber.web.dependencies.run_read) must never wait for a connection that
            # only the event loop can give back.
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = -1
    else:
        # Pre-ping: a connection lost to a server restart is replaced on checkout.
        kwargs["pool_pre_ping"] = True
        kwargs["pool_size"] = pool_size
        kwargs["max_overflow"] = 0
        kwargs["pool_timeout"] = 10
    engine = create_engine(parsed, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine
