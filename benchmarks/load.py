"""Serving an app in a subprocess and loading it: the same way for every contestant.

Servers are uvicorn, one worker, access log off, on 127.0.0.1. Load comes from ``wrk``
(Debian package ``wrk``) when it is installed, else from a Python keep-alive client
(slower: its figures are only comparable with each other, which is all we use).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("PCTL %d %d %d %d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int  # non-2xx answers and socket errors (connect, read, write, timeout)
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    tool: str
    detail: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base: str
    startup_seconds: float

    def stop(self) -> None:
        stop(self.proc)


def start(
    argv: list[str], env: dict[str, str], *, host: str = "localhost", timeout: float = 90
) -> Server:
    """Start ``argv`` (which must serve on ``env['BENCH_PORT']``) and wait for /health."""
    port = int(env["BENCH_PORT"])
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server {argv} exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/health", headers={"host": host}, timeout=1).status_code < 500:
                return Server(proc, base, time.perf_counter() - started)
        except httpx.HTTPError:
            time.sleep(0.1)
    stop(proc)
    raise SystemExit(f"server {argv} did not start within {timeout} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def serving(argv: list[str], env: dict[str, str], *, host: str = "localhost") -> Iterator[Server]:
    server = start(argv, env, host=host)
    try:
        yield server
    finally:
        server.stop()


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def _wrk(
    url: str, headers: dict[str, str], seconds: float, connections: int, threads: int
) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    argv = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        script.name,
    ]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    pctl = re.search(r"PCTL (\d+) (\d+) (\d+) (\d+)", out)
    if done is None or pctl is None:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[done.group(3)]
    detail: dict[str, int] = {}
    sock = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        for name, value in zip(("connect", "read", "write", "timeout"), sock.groups(), strict=True):
            detail[name] = int(value)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    detail["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    us = [int(x) / 1000 for x in pctl.groups()]
    return LoadResult(
        requests=int(done.group(1)),
        seconds=float(done.group(2)) * scale,
        errors=sum(detail.values()),
        p50_ms=us[0],
        p95_ms=us[1],
        p99_ms=us[2],
        max_ms=us[3],
        tool="wrk",
        detail=detail,
    )


def _python(url: str, headers: dict[str, str], seconds: float, connections: int) -> LoadResult:
    latencies: list[float] = []
    errors = 0

    async def worker(client: httpx.AsyncClient, stop_at: float) -> None:
        nonlocal errors
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                response = await client.get(url, headers=headers)
                ok = response.status_code < 400
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - t0) * 1000)
            errors += not ok

    async def run() -> float:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(limits=limits, timeout=5) as client:
            t0 = time.perf_counter()
            stop_at = t0 + seconds
            await asyncio.gather(*(worker(client, stop_at) for _ in range(connections)))
            return time.perf_counter() - t0

    elapsed = asyncio.run(run())
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return LoadResult(
        len(latencies), elapsed, errors, q[49], q[94], q[98], max(latencies), "python"
    )


def load(
    url: str,
    *,
    headers: dict[str, str],
    seconds: float,
    connections: int,
    threads: int = 2,
) -> LoadResult:
    """GET ``url`` over ``connections`` keep-alive connections for ``seconds``."""
    if have_wrk():
        return _wrk(url, headers, seconds, connections, min(threads, connections))
    return _python(url, headers, seconds, connections)


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a server process: ours minus NOABER_*, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOABER_", "DATABASE_URL"))}
    env.update(extra)
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    return env


PYTHON = sys.executable


TOTP_STEP = 30  # seconds: a code is accepted once, so a second login waits for the next


def wait_for_next_totp_code() -> None:
    """Sleep until the next TOTP window: the same account's next login (to another
    server of the same database) needs a code it has not used."""
    time.sleep(TOTP_STEP + 1 - time.time() % TOTP_STEP)


def login_headers(base: str, host: str, identity: Any) -> dict[str, str]:
    """Log ``identity`` (a :class:`noaber.testing.Identity`) in over HTTP, second factor
    included; the headers (session cookie, CSRF token) of a logged-in client."""
    body: dict[str, Any] = {"email": identity.email, "password": identity.password}
    if identity.totp_secret:
        import pyotp

        body["totp_code"] = pyotp.TOTP(identity.totp_secret).now()
    response = httpx.post(f"{base}/api/auth/login", json=body, headers={"host": host}, timeout=30)
    if response.status_code != 200 or response.json().get("status", "ok") != "ok":
        raise SystemExit(f"login failed: {response.status_code} {response.text[:300]}")
    cookies = "; ".join(f"{k}={v}" for k, v in response.cookies.items())
    headers = {"cookie": cookies}
    token = response.json().get("csrf_token")
    if token:
        headers["x-csrf-token"] = token
    return headers


def staff_headers(platform: Any, slug: str, base: str, host: str) -> dict[str, str]:
    """Headers of a municipality admin of ``slug`` logged in to the server at ``base``;
    empty where the platform has no accounts yet (every route open)."""
    try:
        from noaber.testing import create_test_account  # type: ignore[attr-defined]
    except ImportError:
        return {}
    return login_headers(base, host, create_test_account(platform, slug))
