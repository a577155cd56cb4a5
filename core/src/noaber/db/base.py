"""Base classes for tables."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class TenantOwned(SQLModel):
    """Mixin for every table whose rows belong to one municipality.

    The session guards (:mod:`noaber.db.session`) filter reads by the tenant in
    context, stamp it on new rows and refuse rows of another tenant. On PostgreSQL
    row-level security enforces the same in the database.
    """

    tenant_id: str = Field(foreign_key="tenant.slug", index=True, max_length=40)
