"""Resolving the tenant of each request from its Host header.

``<slug>.<base domain>`` (or a host listed for the tenant) selects the tenant; in a
single-municipality deployment every host is that municipality. An unknown host is
a 404 and never falls back to a default tenant; a suspended tenant is a 503. Routes
marked as platform routes also answer on the platform hosts, without a tenant.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from noaber.errors import NotFound, ServiceUnavailable
from noaber.platform import Platform
from noaber.tenancy.context import tenant_scope
from noaber.tenancy.models import TenantStatus
from noaber.web.dependencies import PLATFORM_ROUTE, TENANT_SCOPE_KEY


def request_host(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"host":
            host = value.decode("latin-1").strip().lower()
            if host.startswith("["):  # [::1]:8000
                return host[1 : host.index("]")] if "]" in host else host
            return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return ""


class TenantMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP, ScopeType.WEBSOCKET)

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        host = request_host(scope)
        tenant = self.platform.tenant_for_host(host)
        if tenant is None:
            handler = scope.get("route_handler")
            platform_route = handler is not None and handler.opt.get(PLATFORM_ROUTE, False)
            if not (platform_route and self.platform.is_platform_host(host)):
                raise NotFound(f"No municipality is served at host {host!r}.")
        elif tenant.status is TenantStatus.suspended:
            raise ServiceUnavailable("This municipality's service is suspended.")
        scope["state"][TENANT_SCOPE_KEY] = tenant
        with tenant_scope(tenant.slug if tenant else None):
            await next_app(scope, receive, send)
