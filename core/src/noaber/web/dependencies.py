"""Dependencies every route handler can ask for by name.

``platform``, ``tenant`` (the tenant of the host; None on a platform route) and
``db_session`` (a guarded session in a transaction, committed when the handler
returns, rolled back when it raises).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from anyio.to_thread import run_sync
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.types import Scope
from sqlmodel import Session

from noaber.platform import Platform, TenantRuntime

# Annotated types for handler parameters: ``def handler(tenant: CurrentTenant, db_session: DbSession)``.
CurrentTenant = NamedDependency[TenantRuntime]
MaybeTenant = NamedDependency[TenantRuntime | None]
DbSession = NamedDependency[Session]
CurrentPlatform = NamedDependency[Platform]

PLATFORM_ROUTE = "platform_route"
"""Route ``opt`` key: the route also answers on platform hosts, without a tenant."""

TENANT_SCOPE_KEY = "noaber_tenant"


def provide_platform(state: State) -> Platform:
    platform: Platform = state.platform
    return platform


def provide_tenant(scope: Scope) -> TenantRuntime | None:
    tenant: TenantRuntime | None = scope["state"].get(TENANT_SCOPE_KEY)
    return tenant


async def provide_db_session(state: State) -> AsyncIterator[Session]:
    """Commit in a worker thread before the response is sent: a 2xx means it is stored."""
    platform: Platform = state.platform
    session = platform.sessions()
    try:
        yield session
        await run_sync(session.commit)
    except BaseException:
        await run_sync(session.rollback)
        raise
    finally:
        await run_sync(session.close)


DEPENDENCIES = {
    "platform": Provide(provide_platform, sync_to_thread=False),
    "tenant": Provide(provide_tenant, sync_to_thread=False),
    "db_session": Provide(provide_db_session),
}
