"""A real server process for the reliability tests: uvicorn serving the platform on the
test's own database, as `noaber serve` does."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from benchmarks.load import staff_headers
from tests.conftest import free_port


class ServerProcess:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 180) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "noaber.web.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the server exited with {self.proc.returncode}")
            try:
                httpx.get(f"{self.base}/health", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()  # never leave a process behind
        pytest.fail(f"the server did not start within {timeout:.0f} s")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def login(self, platform, slug: str, host: str) -> dict[str, str]:
        """Headers of a municipality admin of ``slug`` logged in to this process (its
        sessions live in the process: log in again after a restart)."""
        return staff_headers(platform, slug, self.base, host)

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing; what a crash or OOM kill does."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOABER_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=database_url,
        NOABER_RATE_LIMIT_PER_MINUTE="0",
        NOABER_TENANT_RATE_LIMIT_PER_MINUTE="0",
        **extra,
    )
    return env


@pytest.fixture
def server(platform, database_url):
    """The platform (every municipality provisioned) served by uvicorn in a subprocess."""
    process = ServerProcess(server_env(database_url))
    try:
        process.start()
        yield process
    finally:
        process.stop()


class WriteLoad:
    """Threads that register requests (POST /api/requests: the request and its first
    timeline entry in one transaction) as fast as the server answers, remembering every
    acknowledged one (status 201 and its id)."""

    def __init__(
        self, base: str, host: str, household_id: int, threads: int = 4, headers=None
    ) -> None:
        self.base, self.host, self.household_id = base, host, household_id
        self.headers = {"host": host, **(headers or {})}
        self.acknowledged: dict[int, str] = {}
        self.statuses: dict[object, int] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]

    def _run(self, worker: int) -> None:
        n = 0
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=10) as client:
            while not self._stop.is_set():
                n += 1
                marker = f"load {worker}-{n}"
                try:
                    response = client.post(
                        "/api/requests",
                        json={
                            "type": "hulpvraag",
                            "asked_by": "self",
                            "household_id": self.household_id,
                            "description": marker,
                        },
                    )
                    status: object = response.status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                    time.sleep(0.05)
                with self._lock:
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if status == 201:
                        self.acknowledged[response.json()["id"]] = marker

    def start(self) -> "WriteLoad":
        for t in self._threads:
            t.start()
        return self

    def wait_for(self, acknowledged: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < acknowledged and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=30)


def make_household(base: str, host: str, headers=None) -> int:
    response = httpx.post(
        f"{base}/api/households",
        json={"name": "Familie Last"},
        headers={"host": host, **(headers or {})},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def check_stored(engine, acknowledged: dict[int, str]) -> dict[str, int]:
    """Every acknowledged request is stored with its description, and no request lacks
    the timeline entry written in the same transaction (nothing half-written)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, description FROM help_request")).all())
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM help_request r WHERE NOT EXISTS (SELECT 1 FROM timeline_entry t "
                "WHERE t.request_id = r.id AND t.kind = 'status_change')"
            )
        ).scalar()
        dangling = conn.execute(
            text(
                "SELECT count(*) FROM timeline_entry t WHERE t.request_id IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM help_request r WHERE r.id = t.request_id)"
            )
        ).scalar()
    missing = {i: m for i, m in acknowledged.items() if rows.get(i) != m}
    assert not missing, f"acknowledged writes lost: {sorted(missing)[:10]}"
    assert orphans == 0, f"{orphans} requests without their timeline entry"
    assert dangling == 0
    return {"stored": len(rows), "acknowledged": len(acknowledged)}
