"""Crash durability: writes against a server process, the process killed with SIGKILL
mid-load, restarted on the same database. Every acknowledged write is there, nothing is
half-written, and the database's own integrity checks pass (SQLite: integrity_check
and foreign_key_check; PostgreSQL: amcheck over every B-tree index)."""

import pytest
from sqlalchemy import create_engine, text

from noaber.db.engine import make_engine, normalise_url
from noaber.testing import backend

from .conftest import ServerProcess, WriteLoad, check_stored, make_household, server_env

HOST = "meppel.localhost"
pytestmark = pytest.mark.slow


def integrity(migration_database_url):
    if backend() == "postgres":
        engine = create_engine(normalise_url(migration_database_url))
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            indexes = (
                conn.execute(
                    text(
                        "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                        "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE a.amname = 'btree' AND n.nspname = 'public'"
                    )
                )
                .scalars()
                .all()
            )
            for oid in indexes:  # raises on a corrupt index
                conn.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
        engine.dispose()
        return f"amcheck: {len(indexes)} B-tree indexes ok"
    engine = make_engine(migration_database_url, pool_size=1)
    with engine.connect() as conn:
        checked = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        foreign = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    engine.dispose()
    assert checked == ["ok"], checked
    assert foreign == [], foreign
    return "PRAGMA integrity_check ok, foreign_key_check empty"


def test_sigkill_mid_load_loses_no_acknowledged_write(
    platform, database_url, migration_database_url
):
    server = ServerProcess(server_env(database_url))
    server.start()
    try:
        auth = server.login(platform, "meppel", HOST)
        household = make_household(server.base, HOST, auth)
        load = WriteLoad(server.base, HOST, household, headers=auth).start()
        load.wait_for(40)
        server.kill()  # mid-load: writes are in flight
        load.stop()
        server.start()  # the same database, a new process
        engine = make_engine(migration_database_url, pool_size=1)
        counts = check_stored(engine, load.acknowledged)
        engine.dispose()
        checked = integrity(migration_database_url)
        auth = server.login(platform, "meppel", HOST)  # sessions died with the process
        after = WriteLoad(server.base, HOST, household, threads=1, headers=auth).start()
        after.wait_for(3)
        after.stop()
    finally:
        server.stop()
    print(
        f"\ncrash durability ({backend()}): SIGKILL after {counts['acknowledged']} acknowledged "
        f"writes ({load.statuses}); after restart {counts['stored']} stored, none lost, "
        f"none half-written; {checked}; writes after restart: {after.statuses}"
    )
    assert len(load.acknowledged) >= 40
    assert after.statuses.get(201, 0) >= 3
