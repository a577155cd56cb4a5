"""Where a logged list request's time goes: the access log's group writer under load.

    uv run --group bench python -m benchmarks.group_writer [--seconds 6] [--connections 16]

Serves the API benchmark's platform (SQLite, logged in, access-logged: 23 rows per list)
with the group writer timed in its own process, loads ``GET /api/requests?page_size=50``
as ``benchmarks.api`` does, and prints the requests per second, how many requests one
batch (one transaction) stored on average, and the milliseconds per batch: the whole
store and the insert alone (the rest is the commit and the session). Compare these with
each other, not with another day's run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.api import HOST, PATH, platform_env, sqlite_database
from benchmarks.load import PYTHON, child_env, free_port, load, login_headers, start, stop


def serve() -> None:
    """The platform's server, with GroupWriter._store and access_log.add timed; the
    figures go to ``BENCH_STATS`` when the process is told to stop."""
    from benchmarks import api_servers
    from noaber.privacy import access_log, web

    stores: list[tuple[int, float]] = []
    inserts: list[float] = []
    store, add = web.GroupWriter._store, access_log.add

    def timed_store(self: Any, batch: list[Any]) -> None:
        started = time.perf_counter()
        store(self, batch)
        stores.append((len(batch), time.perf_counter() - started))

    def timed_add(session: Any, groups: Any) -> None:
        started = time.perf_counter()
        add(session, groups)
        inserts.append(time.perf_counter() - started)

    web.GroupWriter._store = timed_store  # type: ignore[method-assign]
    access_log.add = timed_add

    def report(*_: object) -> None:
        Path(os.environ["BENCH_STATS"]).write_text(
            json.dumps({"stores": stores, "inserts": inserts})
        )
        os._exit(0)

    signal.signal(signal.SIGTERM, report)
    api_servers.run(api_servers.platform())


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, sqlite_database(Path(tmp)) as db:
        stats_file = Path(tmp) / "stats.json"
        env = child_env(
            BENCH_PORT=str(free_port()), BENCH_STATS=str(stats_file), **platform_env(db)
        )
        server = start([PYTHON, "-m", "benchmarks.group_writer", "--serve"], env, host=HOST)
        try:
            headers = {"Host": HOST, **login_headers(server.base, HOST, db.identity)}
            load(server.base + PATH, headers=headers, seconds=1, connections=args.connections)
            result = load(
                server.base + PATH,
                headers=headers,
                seconds=args.seconds,
                connections=args.connections,
            )
        finally:
            stop(server.proc)
        stats = json.loads(stats_file.read_text())
    sizes = [n for n, _ in stats["stores"]]
    figures = {
        "req/s": result.rps,
        "batches": len(sizes),
        "requests per batch": statistics.mean(sizes),
        "store ms per batch": 1000 * statistics.mean(s for _, s in stats["stores"]),
        "insert ms per batch": 1000 * statistics.mean(stats["inserts"]),
    }
    print(
        f"platform/SQLite {figures['req/s']:,.0f} req/s over {args.connections} connections; "
        f"{figures['batches']} batches of {figures['requests per batch']:.1f} requests; "
        f"{figures['store ms per batch']:.2f} ms per batch, of which the insert "
        f"{figures['insert ms per batch']:.2f} ms (the rest: commit and session)"
    )
    return figures


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        main()
