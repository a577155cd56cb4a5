"""The Quickstart's first line, as a newcomer runs it: `noaber demo` serves three municipalities."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.slow  # tens of seconds: runs first (see conftest.py)

MUNICIPALITIES = ("leeuwarden", "meppel", "amersfoort")
# A liveness limit, not a speed claim (benchmarks/quickstart.py measures that): seeding
# three municipalities on a loaded 2-core CI machine can take well over a minute.
STARTUP_LIMIT_S = 240


def noaber_executable() -> str:
    found = shutil.which("noaber", path=str(Path(sys.executable).parent))
    assert found, "the noaber command is not installed next to this Python"
    return found


@pytest.fixture
def demo_server(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOABER_", "DATABASE_URL"))}
    process = subprocess.Popen(
        [noaber_executable(), "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_LIMIT_S
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"noaber demo exited early:\n{process.stdout.read()}")
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail(f"noaber demo did not start serving within {STARTUP_LIMIT_S} s")
        yield base, tmp_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_demo_serves_each_municipality_by_host(demo_server):
    base, cwd = demo_server
    for slug in MUNICIPALITIES:
        response = httpx.get(f"{base}/health", headers={"Host": f"{slug}.localhost"})
        assert response.status_code == 200
        assert response.json()["tenant"] == slug
        info = httpx.get(f"{base}/api/municipality", headers={"Host": f"{slug}.localhost:8000"})
        assert info.json()["slug"] == slug
    unknown = httpx.get(f"{base}/health", headers={"Host": "zwolle.localhost"})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    # The demo keeps its data in a SQLite file under the working directory.
    assert (cwd / ".noaber" / "demo.sqlite").exists()


def test_demo_starts_afresh_each_time(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOABER_", "DATABASE_URL"))}
    for _ in range(2):
        result = subprocess.run(
            [noaber_executable(), "demo", "--no-serve"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "demo data for 3 municipalities" in result.stderr


def test_the_readme_login_works_with_a_plain_http_client(demo_server):
    """The README's curl example: log in as Meppel's admin (password and TOTP code) and
    list people with the session cookie, over plain HTTP as the demo serves it (a client
    that honours the cookie's attributes, as curl does)."""
    import pyotp

    base, _cwd = demo_server
    with httpx.Client(base_url=base, headers={"Host": "meppel.localhost"}) as client:
        login = client.post(
            "/api/auth/login",
            json={
                "email": "beheer@meppel.demo",
                "password": "noaber demo wachtwoord",
                "totp_code": pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").now(),
            },
        )
        assert login.status_code == 200, login.text
        people = client.get("/api/people")
        assert people.status_code == 200, people.text
        assert people.json()["total"] > 0
