"""Platform-level routes: health and the programme overview of a tenant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from litestar import get, route
from litestar.enums import HttpMethod
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.types import ControllerRouterHandler
from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import col, func, select

from noaber.errors import NotFound
from noaber.hookspecs import hookimpl
from noaber.tenancy.models import Neighbourhood
from noaber.web.dependencies import (
    PLATFORM_ROUTE,
    CurrentPlatform,
    CurrentTenant,
    DbSession,
    MaybeTenant,
)


@get(
    "/health",
    opt={PLATFORM_ROUTE: True, "public": True, "access_log": False},
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
    opt={"public": True, "access_log": False},
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


class NeighbourhoodOut(BaseModel):
    id: int
    name: str
    cbs_wijk_code: str
    cbs_buurt_codes: list[str]
    postcodes: list[str]


class NeighbourhoodPage(BaseModel):
    items: list[NeighbourhoodOut]
    total: int
    limit: int
    offset: int


def _out(row: Neighbourhood) -> NeighbourhoodOut:
    assert row.id is not None
    return NeighbourhoodOut(
        id=row.id,
        name=row.name,
        cbs_wijk_code=row.cbs_wijk_code,
        cbs_buurt_codes=row.cbs_buurt_codes,
        postcodes=row.postcodes,
    )


@get(
    "/api/neighbourhoods",
    opt={"public": True, "access_log": False},
    sync_to_thread=True,
    tags=["platform"],
    summary="The municipality's neighbourhoods (wijken), paginated",
)
def list_neighbourhoods(
    db_session: DbSession,
    tenant: CurrentTenant,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    offset: Annotated[int, QueryParameter(ge=0)] = 0,
) -> NeighbourhoodPage:
    total = db_session.exec(select(func.count()).select_from(Neighbourhood)).one()
    rows = db_session.exec(
        select(Neighbourhood).order_by(col(Neighbourhood.id)).offset(offset).limit(limit)
    ).all()
    return NeighbourhoodPage(items=[_out(r) for r in rows], total=total, limit=limit, offset=offset)


@get(
    "/api/neighbourhoods/{neighbourhood_id:int}",
    opt={"public": True, "access_log": False},
    sync_to_thread=True,
    tags=["platform"],
    summary="One neighbourhood of the municipality",
)
def get_neighbourhood(
    db_session: DbSession, tenant: CurrentTenant, neighbourhood_id: FromPath[int]
) -> NeighbourhoodOut:
    row = db_session.get(Neighbourhood, neighbourhood_id)
    if row is None:
        raise NotFound(f"No neighbourhood {neighbourhood_id}.")
    return _out(row)


@route(
    "/{unknown:path}",
    http_method=list(HttpMethod),
    opt={"public": True, "access_log": False, "csrf_exempt": True},
    include_in_schema=False,
)
async def unknown_path(unknown: FromPath[str]) -> None:
    """Every path no other route has: a 404 like Litestar's own, but answered after the
    middleware ran, so a browser's error page shows the municipality and the signed-in
    visitor (Litestar answers an unmatched path before any middleware)."""
    raise NotFoundException()


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    return [health, municipality_info, list_neighbourhoods, get_neighbourhood, unknown_path]
