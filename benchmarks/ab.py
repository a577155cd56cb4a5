"""Head to head: the platform's list endpoint at another revision against this checkout.

    uv run --group bench python -m benchmarks.ab REV [--database sqlite|postgres]
                                                     [--rounds 6] [--seconds 5]

For changes too small for ``benchmarks.api`` to resolve on a shared machine, whose
speed drifts between runs: both servers run at once on one database (seeded by this
checkout, so ``REV`` must have the same migrations), are loaded by turns, in
alternating order, with the same connections as the API benchmark; printed per round
and as medians: requests/second and the server process's CPU time per request (from
``/proc``, so time the host takes from the VM does not count). ``REV`` is checked out
in a temporary git worktree and put first on the server's ``PYTHONPATH``; the
benchmark code itself is this checkout's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from benchmarks.api import HOST, PATH, platform_env, postgres_database, sqlite_database
from benchmarks.load import (
    PYTHON,
    Server,
    child_env,
    free_port,
    load,
    login_headers,
    start,
    wait_for_next_totp_code,
)

ROOT = Path(__file__).resolve().parent.parent


def cpu_ticks(pid: int) -> int:
    """User plus system time of process ``pid`` in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rev"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(path), rev],
            check=True,
        )
        try:
            yield path
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
                check=False,
            )


def source_path(checkout: Path) -> str:
    """``PYTHONPATH`` that puts ``checkout``'s core, plugins and municipalities first."""
    dirs = [checkout / "core" / "src"]
    dirs += sorted(checkout.glob("plugins/*/src")) + sorted(checkout.glob("municipalities/*/src"))
    return os.pathsep.join([*map(str, dirs), str(ROOT)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rev", help="the revision to compare this checkout with")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)

    with ExitStack() as stack:
        other = stack.enter_context(worktree(args.rev))
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        db = stack.enter_context(
            sqlite_database(tmp) if args.database == "sqlite" else postgres_database()
        )
        servers: dict[str, tuple[Server, dict[str, str]]] = {}
        for name, path in ((args.rev, source_path(other)), ("this checkout", str(ROOT))):
            env = child_env(BENCH_PORT=str(free_port()), PYTHONPATH=path, **platform_env(db))
            server = start([PYTHON, "-m", "benchmarks.api_servers", "platform"], env, host=HOST)
            stack.callback(server.stop)
            if servers:
                wait_for_next_totp_code()
            servers[name] = (
                server,
                {"Host": HOST, **login_headers(server.base, HOST, db.identity)},
            )

        results: dict[str, list[tuple[float, float]]] = {name: [] for name in servers}
        names = list(servers)
        for name in names:  # warm-up
            server, headers = servers[name]
            load(server.base + PATH, headers=headers, seconds=1, connections=args.connections)
        for round_ in range(args.rounds):
            for name in names if round_ % 2 == 0 else names[::-1]:
                server, headers = servers[name]
                before = cpu_ticks(server.proc.pid)
                result = load(
                    server.base + PATH,
                    headers=headers,
                    seconds=args.seconds,
                    connections=args.connections,
                    threads=1,
                )
                ticks = cpu_ticks(server.proc.pid) - before
                cpu_ms = ticks * 1000 / os.sysconf("SC_CLK_TCK") / max(result.requests, 1)
                results[name].append((result.rps, cpu_ms))
                print(f"  {name:<16} {result.rps:7.0f} req/s {cpu_ms:6.2f} ms CPU per request")

        print(
            f"\n{args.database}, GET {PATH}, {args.connections} connections, "
            f"{args.rounds} alternating rounds of {args.seconds:.0f} s, medians:"
        )
        medians = {
            name: (statistics.median(r for r, _ in rs), statistics.median(c for _, c in rs))
            for name, rs in results.items()
        }
        for name, (rps, cpu_ms) in medians.items():
            print(f"  {name:<16} {rps:7.0f} req/s {cpu_ms:6.2f} ms CPU per request")
        (old_rps, old_cpu), (new_rps, new_cpu) = medians.values()
        print(
            f"  change           {new_rps / old_rps - 1:+7.1%} req/s {new_cpu / old_cpu - 1:+6.1%} CPU"
        )


if __name__ == "__main__":
    main()
