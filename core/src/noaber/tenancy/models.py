"""Platform tables: the tenant registry and each tenant's neighbourhoods."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy import Enum as SqlEnum
from sqlmodel import Field, SQLModel

from noaber.clock import utcnow
from noaber.db.base import TenantOwned


class TenantStatus(StrEnum):
    active = "active"
    suspended = "suspended"


class Tenant(SQLModel, table=True):
    """A provisioned municipality. Not tenant-owned itself: it is the registry."""

    slug: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    cbs_code: str = Field(max_length=6, unique=True)
    package: str = Field(max_length=200)
    status: TenantStatus = Field(
        default=TenantStatus.active,
        sa_column=Column(SqlEnum(TenantStatus, native_enum=False, length=20), nullable=False),
    )
    provisioned_at: datetime = Field(default_factory=utcnow)


class TenantHost(SQLModel, table=True):
    """A host name given at provisioning, beyond <slug>.<base domain> and the config's hosts."""

    __tablename__ = "tenant_host"

    host: str = Field(primary_key=True, max_length=253)
    tenant_id: str = Field(foreign_key="tenant.slug", index=True, max_length=40)


class Offboarding(SQLModel, table=True):
    """The register of offboarded tenants: what was deleted, when, and the export's
    checksum. Platform table without tenant_id: it outlives the tenant's rows."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_slug: str = Field(max_length=40, index=True)
    tenant_name: str = Field(max_length=200)
    cbs_code: str = Field(max_length=6)
    offboarded_at: datetime = Field(default_factory=utcnow)
    deleted_rows: dict[str, int] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    export_sha256: str | None = Field(default=None, max_length=64)
    reason: str = Field(default="", max_length=500)


class Neighbourhood(TenantOwned, table=True):
    """A wijk of the municipality, copied from its configuration at provisioning."""

    __table_args__ = (UniqueConstraint("tenant_id", "cbs_wijk_code"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    cbs_wijk_code: str = Field(max_length=8)
    cbs_buurt_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    postcodes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
