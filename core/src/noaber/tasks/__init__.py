"""Periodic background work that plugins register with the ``periodic_tasks`` hook.

A plugin registers :class:`PeriodicTask` objects; core runs each one for every active
tenant whose municipality enables the plugin, with a :class:`TaskContext` of that
tenant: inside each web worker (:mod:`noaber.tasks.loop`) and from ``noaber tasks run``
(:mod:`noaber.cli.tasks`). :mod:`noaber.tasks.runner` does the running,
:mod:`noaber.tasks.locks` keeps a cycle to one process where it can.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

    from noaber.accounts.mail import Mailer
    from noaber.accounts.roles import Principal
    from noaber.platform import TenantRuntime


@dataclass(frozen=True)
class TaskContext:
    """What one run of a task gets, for one tenant (which is also in context)."""

    tenant: TenantRuntime
    session: Session
    """A session of this tenant; core commits it when ``run`` returns (roll back or
    commit yourself in between as your work needs, e.g. to claim rows)."""
    now: datetime
    """The time this cycle began (UTC); decide what is due by it, not by the clock."""
    mailer: Mailer
    """The platform's mailer (blocking; no transaction open while it sends)."""
    principal: Principal
    """The system actor, for :func:`noaber.privacy.access_log.record`."""
    origin: str
    """Where the work comes from, for the access log: ``task:<name>``."""
    stopping: threading.Event = field(default_factory=threading.Event)
    """Set when the process shuts down: check it between pieces of work and return
    early (what is left is done next time)."""


@dataclass(frozen=True)
class PeriodicTask:
    """``run(context)`` every ``every_seconds`` (at most that often) for each tenant."""

    name: str
    every_seconds: float
    run: Callable[[TaskContext], None]

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > 100:
            raise ValueError("a periodic task needs a name of 1 to 100 characters")
        if not self.every_seconds >= 1:
            raise ValueError(f"periodic task {self.name!r}: every_seconds must be at least 1")


__all__ = ["PeriodicTask", "TaskContext"]
