"""Helpers for programme plugins that core offers as public API."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.handlers import HTTPRouteHandler

from noaber.web.dependencies import CurrentTenant


def programme_route(name: str, *, title: str, description: str) -> HTTPRouteHandler:
    """``GET /api/<name>``: what the programme is and the tenant's settings for it.

    Mounted like any plugin route, so it answers 404 where the programme is not enabled.
    """

    @get(
        f"/api/{name}",
        sync_to_thread=False,
        tags=[name],
        summary=f"{title}: programme and settings",
    )
    def programme(tenant: CurrentTenant) -> dict[str, Any]:
        settings = tenant.municipality.plugin_settings.get(name)
        return {
            "programme": name,
            "title": title,
            "description": description,
            "settings": settings.model_dump(mode="json") if settings is not None else {},
        }

    return programme
