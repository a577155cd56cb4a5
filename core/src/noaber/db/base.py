"""Base classes for tables."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class TenantOwned(SQLModel):
    """Mixin for every table whose rows belong to one municipality.

    The session guards (:mod:`noaber.db.session`) filter reads by the tenant in
    context, stamp it on new rows and refuse rows of another tenant. On PostgreSQL
    row-level security enforces the same in the database.
    """

    tenant_id: str = Field(foreign_key="tenant.slug", index=True, max_length=40)


def tenant_list_index(table: str) -> Index:
    """An index on ``(tenant_id, id)`` for a table listed page by page: one tenant's
    first page in id order reads its first rows, however many other tenants share the
    table (with ``tenant_id`` alone the database filters the whole primary key scan or
    sorts all the tenant's rows)."""
    return Index(f"ix_{table}_tenant_id_id", "tenant_id", "id")
