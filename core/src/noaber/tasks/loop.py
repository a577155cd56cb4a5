"""The periodic tasks inside each web worker, from the app's lifespan: every
``NOABER_TASKS_TICK_SECONDS`` the due tasks run in a worker thread (off the event loop).
``NOABER_TASKS_IN_APP=false`` leaves them to ``noaber tasks run`` (cron)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from noaber.tasks.runner import TaskRunner

if TYPE_CHECKING:
    from noaber.accounts.mail import Mailer
    from noaber.platform import Platform

log = logging.getLogger(__name__)


@asynccontextmanager
async def in_background(
    func: Callable[..., Coroutine[Any, Any, object]], *args: object
) -> AsyncIterator[None]:
    """Run ``func(*args)`` (a loop that never returns) while the block runs; cancelled
    when the block ends. For an app's lifespan: registry refresh, invalidations, tasks."""
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(func, *args)
        try:
            yield
        finally:
            tasks.cancel_scope.cancel()


@asynccontextmanager
async def periodic_tasks_in_background(platform: Platform, mailer: Mailer) -> AsyncIterator[None]:
    """Run due tasks every tick while the app serves; on shutdown the task that is
    running finishes (it may be sending mail) and no further one starts."""
    settings = platform.settings
    if not settings.tasks_in_app or settings.tasks_tick_seconds <= 0:
        yield
        return
    runner = TaskRunner(platform, mailer)
    try:
        async with in_background(_every, runner, settings.tasks_tick_seconds):
            try:
                yield
            finally:
                runner.stopping.set()
    finally:
        runner.close()


async def _every(runner: TaskRunner, tick: float) -> None:
    while True:
        await anyio.sleep(tick)
        try:
            await anyio.to_thread.run_sync(runner.run_due)
        except Exception as exc:  # a tenant's failure is handled inside; this is the rest
            log.warning("periodic tasks: a cycle failed (%s)", type(exc).__name__)
