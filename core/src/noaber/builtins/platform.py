"""Platform-level routes: health and the programme overview of a tenant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import get
from litestar.types import ControllerRouterHandler
from sqlalchemy import text

from noaber.hookspecs import hookimpl
from noaber.web.dependencies import (
    PLATFORM_ROUTE,
    CurrentPlatform,
    CurrentTenant,
    DbSession,
    MaybeTenant,
)


@get(
    "/health",
    opt={PLATFORM_ROUTE: True},
    sync_to_thread=True,
    tags=["platform"],
    summary="Liveness and database check",
)
def health(db_session: DbSession, tenant: MaybeTenant, platform: CurrentPlatform) -> dict[str, Any]:
    db_session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    if tenant is None:
        return {"status": "ok", "database": "ok", "tenants": len(platform.tenants)}
    return {"status": "ok", "database": "ok", "tenant": tenant.slug}


@get(
    "/api/municipality",
    sync_to_thread=False,
    tags=["platform"],
    summary="The municipality of this host and its programmes",
)
def municipality_info(tenant: CurrentTenant) -> dict[str, Any]:
    config = tenant.municipality.config
    return {
        "slug": config.slug,
        "name": config.name,
        "cbs_code": config.cbs_code,
        "programmes": sorted(tenant.municipality.enabled_plugins),
        "neighbourhoods": [
            {"name": n.name, "cbs_wijk_code": n.cbs_wijk_code} for n in config.neighbourhoods
        ],
        "branding": config.branding.model_dump(),
        "privacy": config.privacy.model_dump(mode="json"),
        "contact": config.contact.model_dump(mode="json"),
    }


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    return [health, municipality_info]
