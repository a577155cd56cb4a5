"""The engines ``noaber.db.engine.make_engine`` builds: what every connection is set to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from noaber.db.engine import make_engine, normalise_url
from noaber.testing import backend


def test_sqlite_connections_are_durable_and_check_foreign_keys(empty_database_url):
    if backend() != "sqlite":
        pytest.skip("pragmas are SQLite's")
    engine = make_engine(empty_database_url, pool_size=1)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_postgres_times_are_utc_whatever_the_database_default(empty_database_url):
    """Times are stored in columns without a zone; PostgreSQL converts an aware value
    bound to one into the session time zone's wall clock. Every connection is in UTC,
    even where the server or the database default to another zone."""
    if backend() != "postgres":
        pytest.skip("a session time zone is PostgreSQL's")
    name = make_url(empty_database_url).database
    admin = create_engine(
        normalise_url(empty_database_url), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with admin.connect() as conn:
        conn.execute(text(f"ALTER DATABASE \"{name}\" SET TimeZone = 'Pacific/Auckland'"))
    with admin.connect() as conn:  # a new connection, not one of ours
        assert conn.execute(text("SHOW TimeZone")).scalar() == "Pacific/Auckland"
    admin.dispose()
    engine = make_engine(empty_database_url, pool_size=1)
    at = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    with engine.begin() as conn:
        assert conn.execute(text("SHOW TimeZone")).scalar() == "UTC"
        conn.execute(text("CREATE TEMPORARY TABLE times (at TIMESTAMP WITHOUT TIME ZONE)"))
        conn.execute(text("INSERT INTO times VALUES (:at)"), {"at": at})
        stored = conn.execute(text("SELECT at FROM times")).scalar()
    assert stored == at.replace(tzinfo=None)  # the UTC wall clock, not Auckland's
    engine.dispose()
