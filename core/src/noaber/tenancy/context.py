"""The tenant of the current unit of work, kept in a ContextVar.

A web request sets it from the host; CLI commands and jobs set it with
:func:`tenant_scope`. No tenant never means "all tenants": tenant-owned queries
without one raise :class:`~noaber.errors.TenantMissing`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from noaber.errors import TenantMissing

_current: ContextVar[str | None] = ContextVar("noaber_tenant", default=None)


def current_tenant() -> str | None:
    return _current.get()


def require_tenant() -> str:
    tenant = _current.get()
    if tenant is None:
        raise TenantMissing("tenant-owned data was accessed without a tenant in context")
    return tenant


@contextmanager
def tenant_scope(slug: str | None) -> Iterator[None]:
    token = _current.set(slug)
    try:
        yield
    finally:
        _current.reset(token)
