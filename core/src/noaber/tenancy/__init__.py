"""Tenancy: which municipality a unit of work belongs to, and the guards that keep
each municipality's rows to itself."""

from noaber.tenancy.context import current_tenant, require_tenant, tenant_scope

__all__ = ["current_tenant", "require_tenant", "tenant_scope"]
