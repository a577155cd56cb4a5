"""Run every benchmark and print one table.

    uv run --group bench python -m benchmarks [--quick] [--only api,scale,...]

Each benchmark also prints its own detail. ``--quick`` shortens every measurement (for
a smoke run); the figures in RESULTS.md come from a run without it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_matching(quick: bool) -> list[dict[str, object]]:
    """The domain's matching benchmark (benchmarks/matching.py), run as its own script."""
    script = HERE / "matching.py"
    if not script.exists():
        print("matching: benchmarks/matching.py is not in this checkout yet")
        return [{"benchmark": "matching", "what": "not in this checkout"}]
    argv = [sys.executable, str(script)] + (["--quick"] if quick else [])
    out = subprocess.run(argv, capture_output=True, text=True, cwd=HERE.parent)
    if out.returncode != 0 and quick:  # the script may not know --quick
        out = subprocess.run(argv[:2], capture_output=True, text=True, cwd=HERE.parent)
    print(out.stdout)
    if out.returncode != 0:
        print(out.stderr[-2000:])
    lines = [line.strip() for line in out.stdout.splitlines() if line.strip()]
    return [{"benchmark": "matching", "what": line} for line in lines[-6:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short measurements")
    parser.add_argument("--only", default="api,scale,matching,quickstart")
    args = parser.parse_args()
    chosen = set(args.only.split(","))
    rows: list[dict[str, object]] = []
    started = time.perf_counter()
    if "api" in chosen:
        from benchmarks import api

        print("== API overhead ==")
        rows += api.main(["--seconds", "2", "--rounds", "1", "--soak", "5"] if args.quick else [])
    if "scale" in chosen:
        from benchmarks import tenants

        print("\n== Scale: 342 municipalities ==")
        rows += tenants.main(
            ["--seconds", "2", "--rounds", "1", "--households", "500"] if args.quick else []
        )
    if "matching" in chosen:
        print("\n== Matching ==")
        rows += run_matching(args.quick)
    if "quickstart" in chosen:
        from benchmarks import quickstart

        print("\n== Quickstart ==")
        rows += quickstart.main()
    print(f"\n== Summary ({time.perf_counter() - started:.0f} s) ==")
    print(f"{'benchmark':<12} {'what':<34} figures")
    for row in rows:
        figures = ", ".join(f"{k} {v}" for k, v in row.items() if k not in {"benchmark", "what"})
        print(f"{row['benchmark']:<12} {row['what']!s:<34} {figures}")


if __name__ == "__main__":
    main()
