"""Suite-wide test ordering for parallel runs (tox runs pytest-xdist with worksteal)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Spread the slow tests over the xdist workers and start them first.

    xdist's worksteal scheduler gives worker k the k-th contiguous share of the list and
    later moves tests from the back of the longest queue. Left in collection order the
    slow tests (browser, load, matrices) end up at the back of one worker's share, and
    that worker finishes minutes after the others; so each share begins with its
    round-robin part of the slow tests. Deterministic: every worker collects the same
    order, as xdist requires.
    """
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    slow = [item for item in items if item.get_closest_marker("slow")]
    if workers < 2 or not slow:
        return
    quick = [item for item in items if not item.get_closest_marker("slow")]
    ordered: list[pytest.Item] = []
    left = len(items)
    for k in range(workers):
        share = left // (workers - k)  # as worksteal divides the pending tests
        part = slow[k::workers]
        fill = max(share - len(part), 0)
        ordered += part + quick[:fill]
        quick = quick[fill:]
        left -= share
    items[:] = ordered + quick
