"""PostgreSQL connections dropped under load (what a server restart or failover does to
the app): requests fail cleanly with a 503 problem, and the app recovers by itself.

The shared test server is not restarted (other test runs use it); every connection to
this test's database is terminated instead, which is what the app sees of a restart.
"""

import asyncio
import threading
import time

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import create_engine, text

from noaber.db import read_cache
from noaber.db.engine import normalise_url
from noaber.testing import backend
from noaber.web.app import create_app

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(backend() != "postgres", reason="drops PostgreSQL connections"),
]


def terminate_connections(admin_url, database):
    engine = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        ).scalar()
    engine.dispose()
    return killed


def test_lost_connections_fail_cleanly_and_recover(make_platform, migration_database_url):
    platform = make_platform(
        db_pool_size=3, rate_limit_per_minute=0, tenant_rate_limit_per_minute=0
    )
    database = platform.engine.url.database
    hosts = ["meppel.localhost", "amersfoort.localhost"]

    async def scenario():
        statuses, kinds = [], set()
        async with AsyncTestClient(create_app(platform)) as client:

            async def one(i):
                response = await client.get("/api/neighbourhoods", headers={"host": hosts[i % 2]})
                statuses.append(response.status_code)
                kinds.add(response.headers["content-type"].split(";")[0])
                return response.status_code

            await asyncio.gather(*(one(i) for i in range(30)))
            killed = []

            def killer():  # a server that goes away again and again under load
                for _ in range(6):
                    time.sleep(0.05)
                    killed.append(terminate_connections(migration_database_url, database))

            thread = threading.Thread(target=killer)
            thread.start()
            for _batch in range(40):  # bounded: 40 x 6 requests
                await asyncio.gather(*(one(i) for i in range(6)))
                if not thread.is_alive():
                    break
            thread.join(timeout=10)
            killed = sum(killed)
            after = await asyncio.gather(*(one(i) for i in range(30)))
        return statuses, kinds, killed, after

    statuses, kinds, killed, after = asyncio.run(scenario())
    failed = [s for s in statuses if s != 200]
    print(
        f"\n{len(statuses)} requests, {killed} connections terminated under load: "
        f"{len(failed)} failed cleanly ({sorted(set(failed))}), last 30 all {set(after)}"
    )
    assert set(statuses) <= {200, 503}
    assert after == [200] * 30
    assert kinds <= {"application/json", "application/problem+json"}


def test_a_connection_ended_while_idle_is_replaced_on_checkout(
    database_url, migration_database_url
):
    """The pool pings no busy connection, yet never hands out one the server ended: the
    server's farewell waits on the idle connection's socket."""
    from noaber.db.engine import make_engine

    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        database = engine.url.database
        assert terminate_connections(migration_database_url, database) >= 1
        owner = create_engine(normalise_url(migration_database_url))
        for _ in range(50):  # the backend ends its connection promptly after the signal
            time.sleep(0.02)
            with owner.connect() as admin:
                gone = not admin.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": first},
                ).scalar()
            if gone:
                break
        owner.dispose()
        with engine.connect() as conn:  # would raise OperationalError without the check
            second = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        assert second != first
    finally:
        engine.dispose()


def test_a_list_waiting_for_the_database_leaves_the_event_loop_free(
    client_for, migration_database_url
):
    """Lists are read in the event loop (a greenlet, noaber.web.dependencies.run_read):
    while one waits for the server, here for a lock, the loop serves other requests."""
    from concurrent.futures import ThreadPoolExecutor

    waiting_client, other = client_for("meppel"), client_for("meppel")
    assert waiting_client.get("/api/requests/").status_code == 200
    owner = create_engine(normalise_url(migration_database_url))
    try:
        # The connection is left first: its lock goes even when an assertion fails.
        with ThreadPoolExecutor(max_workers=2) as pool, owner.connect() as conn:
            conn.execute(text("LOCK TABLE help_request IN ACCESS EXCLUSIVE MODE"))
            read_cache.cache.clear()  # a read, not an answer from memory
            waiting = pool.submit(waiting_client.get, "/api/requests/")
            time.sleep(0.5)
            assert not waiting.done()  # the list waits for the lock
            health = pool.submit(other.get, "/api/municipality").result(timeout=10)
            assert health.status_code == 200  # answered meanwhile: the loop is free
            assert not waiting.done()
            conn.rollback()  # the lock goes; the list goes on
            assert waiting.result(timeout=10).status_code == 200
    finally:
        owner.dispose()


@pytest.mark.parametrize("cached", [False, True], ids=["read", "from-memory"])
def test_lists_read_in_the_event_loop_fail_cleanly_and_recover(
    platform, client_for, migration_database_url, monkeypatch, cached
):
    """Read (and logged with the read), or answered from memory (and logged by the
    group writer, in the event loop too): 200 or 503, and then 200 again."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(read_cache.cache, "seconds", 2.0 if cached else 0)
    clients = [client_for("meppel") for _ in range(4)]
    database = platform.engine.url.database
    stop = threading.Event()

    def read(client):
        statuses = []
        while not stop.is_set():
            response = client.get("/api/requests/")
            statuses.append((response.status_code, response.headers["content-type"]))
        return statuses

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        readers = [pool.submit(read, c) for c in clients]
        killed = 0
        for _ in range(6):  # a server that goes away again and again under load
            time.sleep(0.1)
            killed += terminate_connections(migration_database_url, database)
        stop.set()
        answers = [a for r in readers for a in r.result(timeout=60)]
    after = [c.get("/api/requests/").status_code for c in clients for _ in range(5)]
    statuses = {s for s, _ in answers}
    print(f"\n{len(answers)} list reads, {killed} connections terminated: {sorted(statuses)}")
    assert killed > 0
    assert statuses <= {200, 503}
    assert {kind.split(";")[0] for _, kind in answers} <= {
        "application/json",
        "application/problem+json",
    }
    assert after == [200] * len(after)


def test_a_connection_ended_inside_a_pipeline_counts_as_lost(platform):
    """The server ending a connection while a pipeline is busy (BEGIN and the tenant's
    set_config) surfaces as "cannot exit pipeline mode while busy": the connection is
    still invalidated, so the request answers 503, not 500 with a failed rollback."""
    import psycopg
    from sqlalchemy.exc import OperationalError

    from noaber.db.direct import driver_errors

    def pipeline_ended_by_the_server() -> None:
        try:
            raise psycopg.errors.AdminShutdown(
                "terminating connection due to administrator command"
            )
        except psycopg.Error:
            raise psycopg.OperationalError("cannot exit pipeline mode while busy")  # noqa: B904

    with platform.engine.connect() as conn:
        with pytest.raises(OperationalError) as raised, driver_errors(conn, "(pipeline)", None):
            pipeline_ended_by_the_server()
        assert raised.value.connection_invalidated
        assert conn.invalidated
