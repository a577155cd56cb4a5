"""PostgreSQL restarted under load: the app recovers by itself and no acknowledged
write is lost.

The shared PostgreSQL on 5432 is never touched: this test creates its own throwaway
cluster (``pg_createcluster`` on a free port, trust on loopback), restarts that one in
``immediate`` mode (what a crash does: no checkpoint, WAL recovery on start) while
writes are in flight, and removes it at the end."""

import os
import shutil
import subprocess
import time
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, text

from noaber.db import migrate
from noaber.db.engine import make_engine, normalise_url
from noaber.db.rls import grant_app_role
from noaber.platform import Platform
from noaber.settings import Settings
from noaber.tenancy.registry import provision
from noaber.testing import backend, ensure_app_role
from tests.conftest import free_port

from .conftest import ServerProcess, WriteLoad, check_stored, make_household, server_env

HOST = "meppel.localhost"
VERSION = "15"
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(backend() != "postgres", reason="restarts a PostgreSQL cluster"),
]


def run(*argv):
    subprocess.run(argv, check=True, capture_output=True, text=True)


@pytest.fixture
def cluster():
    """(port, restart) of a throwaway PostgreSQL cluster of this test's own."""
    if shutil.which("pg_createcluster") is None or os.geteuid() != 0:
        message = "needs Debian's postgresql-common (pg_createcluster) and root"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    name, port = f"noaber_rel_{uuid.uuid4().hex[:8]}", free_port()
    run(
        "pg_createcluster",
        VERSION,
        name,
        "--port",
        str(port),
        "--start",
        "--",
        "--auth-local=trust",
        "--auth-host=trust",
    )
    try:
        yield port, lambda: run("pg_ctlcluster", VERSION, name, "restart", "-m", "immediate")
    finally:
        subprocess.run(
            ["pg_dropcluster", VERSION, name, "--stop"], check=False, capture_output=True
        )


def prepared_database(port, catalog):
    admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    engine = create_engine(normalise_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE DATABASE noaber"))
    ensure_app_role(engine, "noaber_app")
    engine.dispose()
    owner = f"postgresql://postgres@127.0.0.1:{port}/noaber"
    engine = make_engine(owner, pool_size=1)
    migrate.upgrade(engine, catalog)
    grant_app_role(engine, "noaber_app")
    engine.dispose()
    platform = Platform.build(Settings(database_url=owner), catalog=catalog)
    with platform.sessions.begin() as session:
        provision(session, platform.municipalities["meppel"])
    return platform, owner, f"postgresql://noaber_app@127.0.0.1:{port}/noaber"


def test_restart_under_load_recovers_and_loses_nothing(cluster, noaber_catalog):
    port, restart = cluster
    platform, owner, app = prepared_database(port, noaber_catalog)
    server = ServerProcess(server_env(app, NOABER_DB_POOL_SIZE="4"))
    try:
        server.start()
        auth = server.login(platform, "meppel", HOST)
        platform.dispose()
        household = make_household(server.base, HOST, auth)
        load = WriteLoad(server.base, HOST, household, headers=auth).start()
        load.wait_for(30)
        before = len(load.acknowledged)
        restart()  # crash-like: in-flight transactions are lost, WAL recovery on start
        restarted = time.monotonic()
        load.wait_for(before + 30, timeout=60)  # the app recovers without help
        recovered_after = time.monotonic() - restarted
        load.stop()
        health = httpx.get(f"{server.base}/health", headers={"host": HOST, **auth}, timeout=5)
    finally:
        server.stop()
    engine = make_engine(owner, pool_size=1)
    counts = check_stored(engine, load.acknowledged)
    engine.dispose()
    print(
        f"\ndatabase restart: {before} acknowledged before an immediate restart, "
        f"{len(load.acknowledged)} in all; answers {load.statuses}; 30 more acknowledged "
        f"{recovered_after:.1f} s after the restart command returned; {counts['stored']} stored, none lost"
    )
    assert len(load.acknowledged) >= before + 30
    assert health.status_code == 200
    # Failures during the restart are clean 503s or dropped connections, never a 500.
    assert not {s for s in load.statuses if isinstance(s, int) and s >= 500 and s != 503}
