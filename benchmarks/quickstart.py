"""Quickstart: the time from a clean checkout to a serving demo.

    uv run python -m benchmarks.quickstart

Clones this repository (its committed HEAD) into an empty directory and runs the
README's first command line there, with a free port:

    python3 -m venv .tools && .tools/bin/pip install -q uv && .tools/bin/uv run noaber demo

timing each phase until ``/health`` answers for a municipality. Packages come from
uv's and pip's caches when they are warm (as on a developer's machine after the first
time); a cold cache adds the download time of the registry.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.load import free_port

ROOT = Path(__file__).resolve().parent.parent


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOABER_", "DATABASE_URL"))}
    env.pop("VIRTUAL_ENV", None)
    with tempfile.TemporaryDirectory() as tmp:
        checkout = Path(tmp) / "noaber"
        clone = timed(["git", "clone", "-q", str(ROOT), str(checkout)], Path(tmp), env)
        tools = timed(["python3", "-m", "venv", ".tools"], checkout, env)
        tools += timed([".tools/bin/pip", "install", "-q", "uv"], checkout, env)
        port = free_port()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [".tools/bin/uv", "run", "noaber", "demo", "--port", str(port)],
            cwd=checkout,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise SystemExit(f"noaber demo exited with {proc.returncode}")
                try:
                    response = httpx.get(
                        f"http://127.0.0.1:{port}/health",
                        headers={"host": "meppel.localhost"},
                        timeout=1,
                    )
                    if response.status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            else:
                raise SystemExit("the demo did not serve within 600 s")
            demo = time.perf_counter() - t0
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    total = clone + tools + demo
    print("quickstart, clean checkout to serving demo (warm package caches):")
    print(f"  git clone                         {clone:6.1f} s")
    print(f"  python3 -m venv + pip install uv  {tools:6.1f} s")
    print(
        f"  uv run noaber demo -> /health 200 {demo:6.1f} s  (environment, migrations, demo data)"
    )
    print(f"  total                             {total:6.1f} s")
    return [
        {
            "benchmark": "quickstart",
            "what": "clean checkout to serving demo",
            "clone_s": round(clone, 1),
            "tools_s": round(tools, 1),
            "demo_s": round(demo, 1),
            "total_s": round(total, 1),
        }
    ]


if __name__ == "__main__":
    main()
