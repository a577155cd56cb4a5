"""Run the periodic tasks of every active tenant that are due in this process.

Each run gets a session of its own, inside ``tenant_scope(slug)``: committed when the
task returns; rolled back when it raises, logged with the task, the tenant and the
error's class name only (an error's text can hold personal data or a server's
credentials), and the next tenant goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from noaber.accounts.roles import system_principal
from noaber.clock import utcnow
from noaber.errors import NoaberError, NotFound
from noaber.tasks import PeriodicTask, TaskContext
from noaber.tasks.locks import CycleLock, cycle_lock
from noaber.tenancy.context import tenant_scope
from noaber.tenancy.models import TenantStatus

if TYPE_CHECKING:
    from noaber.accounts.mail import Mailer
    from noaber.platform import Platform, TenantRuntime

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
"""How the access log names work that no person started."""

Result = Literal["ok", "failed", "skipped"]


@dataclass(frozen=True)
class Outcome:
    tenant: str
    task: str
    result: Result
    """``skipped``: another process (or thread) runs this cycle."""


def tasks_of(tenant: TenantRuntime) -> list[PeriodicTask]:
    """The tasks the tenant's plugins (and rules) register, by name."""
    found: dict[str, PeriodicTask] = {}

    def register(task: PeriodicTask) -> None:
        if not isinstance(task, PeriodicTask):
            raise NoaberError(f"periodic_tasks registered {task!r}, not a PeriodicTask")
        if task.name in found:
            raise NoaberError(f"periodic task {task.name!r} is registered twice")
        found[task.name] = task

    tenant.hook.periodic_tasks(register=register)
    return [found[name] for name in sorted(found)]


def active_tenants(platform: Platform, slug: str | None = None) -> list[TenantRuntime]:
    """Every active tenant, or the one named (refused when unknown or suspended)."""
    if slug is None:
        return [t for _, t in sorted(platform.tenants.items()) if t.status is TenantStatus.active]
    tenant = platform.tenants.get(slug)
    if tenant is None:
        known = ", ".join(sorted(platform.tenants)) or "none"
        raise NotFound(f"no provisioned tenant {slug!r} (provisioned: {known})")
    if tenant.status is not TenantStatus.active:
        raise NoaberError(f"tenant {slug!r} is {tenant.status.value}: its tasks do not run")
    return [tenant]


class TaskRunner:
    """Runs due tasks; remembers, in this process, when each one last ran per tenant."""

    def __init__(self, platform: Platform, mailer: Mailer, lock: CycleLock | None = None) -> None:
        self.platform = platform
        self.mailer = mailer
        self.lock = lock if lock is not None else cycle_lock(platform)
        self.stopping = threading.Event()
        """Set on shutdown: the current task finishes, no next one starts."""
        self._last_run: dict[tuple[str, str], float] = {}

    def run_due(
        self, *, tenant: str | None = None, task: str | None = None, now: datetime | None = None
    ) -> list[Outcome]:
        """Run every task that is due (``task``: only that one) for each active tenant
        (``tenant``: only that one). ``now`` is the time the tasks see (default: now)."""
        now = now or utcnow()
        outcomes: list[Outcome] = []
        for runtime in active_tenants(self.platform, tenant):
            for periodic in tasks_of(runtime):
                if self.stopping.is_set():
                    return outcomes
                if task is not None and periodic.name != task:
                    continue
                if not self._due(runtime.slug, periodic):
                    continue
                outcomes.append(self.run_one(runtime, periodic, now))
        return outcomes

    def _due(self, slug: str, task: PeriodicTask) -> bool:
        last = self._last_run.get((slug, task.name))
        return last is None or time.monotonic() - last >= task.every_seconds

    def run_one(self, tenant: TenantRuntime, task: PeriodicTask, now: datetime) -> Outcome:
        with self.lock.cycle(tenant.slug, task) as mine:
            if not mine:
                return Outcome(tenant.slug, task.name, "skipped")
            self._last_run[(tenant.slug, task.name)] = time.monotonic()
            return Outcome(tenant.slug, task.name, self._run(tenant, task, now))

    def _run(self, tenant: TenantRuntime, task: PeriodicTask, now: datetime) -> Result:
        with tenant_scope(tenant.slug), self.platform.sessions() as session:
            context = TaskContext(
                tenant=tenant,
                session=session,
                now=now,
                mailer=self.mailer,
                principal=system_principal(tenant.slug, SYSTEM_ACTOR),
                origin=f"task:{task.name}"[:200],
                stopping=self.stopping,
            )
            try:
                task.run(context)
                session.commit()
            except Exception as exc:
                session.rollback()
                log.warning(
                    "periodic task %s failed for tenant %s (%s)",
                    task.name,
                    tenant.slug,
                    type(exc).__name__,
                )
                return "failed"
        return "ok"

    def close(self) -> None:
        self.lock.close()
