"""Provisioning tenants from installed municipality packages."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from noaber.errors import Conflict, NotFound
from noaber.municipalities.loader import Municipality
from noaber.tenancy.context import tenant_scope
from noaber.tenancy.models import Neighbourhood, Tenant, TenantHost, TenantStatus


def provision(session: Session, municipality: Municipality, hosts: Iterable[str] = ()) -> Tenant:
    """Create the tenant or bring it in line with its package; safe to run again.

    Neighbourhoods are added or updated from the configuration; ones no longer in it
    are kept (records may point at them) and reported by ``noaber municipalities check``.
    """
    config = municipality.config
    tenant = session.get(Tenant, config.slug)
    if tenant is None:
        tenant = Tenant(
            slug=config.slug,
            name=config.name,
            cbs_code=config.cbs_code,
            package=municipality.package,
        )
        session.add(tenant)
    else:
        tenant.name, tenant.cbs_code, tenant.package = (
            config.name,
            config.cbs_code,
            municipality.package,
        )
    session.flush()
    with tenant_scope(config.slug):
        for host in hosts:
            claimed = session.get(TenantHost, host)
            if claimed is not None and claimed.tenant_id != config.slug:
                raise Conflict(f"host {host!r} already belongs to tenant {claimed.tenant_id!r}")
            if claimed is None:
                session.add(TenantHost(host=host, tenant_id=config.slug))
        existing = {n.cbs_wijk_code: n for n in session.exec(select(Neighbourhood)).all()}
        for hood in config.neighbourhoods:
            row = existing.get(hood.cbs_wijk_code) or Neighbourhood(
                tenant_id=config.slug, name=hood.name, cbs_wijk_code=hood.cbs_wijk_code
            )
            row.name = hood.name
            row.cbs_buurt_codes = list(hood.cbs_buurt_codes)
            row.postcodes = list(hood.postcodes)
            session.add(row)
        session.flush()
    return tenant


def set_status(session: Session, slug: str, status: TenantStatus) -> Tenant:
    """Suspend or resume a tenant. Its data is kept; running workers pick the change up
    when they next re-read the registry (``NOABER_REGISTRY_REFRESH_SECONDS``)."""
    tenant = session.get(Tenant, slug)
    if tenant is None:
        raise NotFound(f"no tenant {slug!r} is provisioned")
    tenant.status = status
    session.add(tenant)
    session.flush()
    return tenant
