"""The access-log middleware: one entry per request to a tenant route, written before
the response starts (see :mod:`noaber.privacy.access_log`)."""

from __future__ import annotations

from typing import Any

from anyio.to_thread import run_sync
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from noaber.accounts.access import PATH_OBJECTS
from noaber.accounts.roles import Principal
from noaber.errors import NoaberError
from noaber.platform import Platform, TenantRuntime
from noaber.privacy import access_log
from noaber.privacy.models import utcnow
from noaber.tenancy.context import tenant_scope
from noaber.web.dependencies import TENANT_SCOPE_KEY
from noaber.web.shared_state import client_address

ACCESS_LOG = "access_log"
"""Route ``opt`` key: ``False`` for a route that shows or changes no personal data."""
PURPOSE = "purpose"
"""Route ``opt`` key: the processing activity (default: the programme, or ``core``)."""
OBJECT_TYPE = "object_type"
"""Route ``opt`` key: the kind of object a route without an id in its path touches."""

ACTION = "access_action"
"""Route ``opt`` key: the action to log when the HTTP method does not say it (``login``)."""

TRACE_HEADER = b"x-trace-id"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _object_type(
    handler: Any, path_template: str, path_params: dict[str, Any]
) -> tuple[str, str | None]:
    """The most specific object the path names (last id parameter), else the route's
    ``object_type`` or its path's last literal segment."""
    kind: str | None = None
    object_id: str | None = None
    for name, value in path_params.items():
        if name.endswith("_id"):
            kind = PATH_OBJECTS.get(name, name[:-3])
            object_id = str(value)
    if kind is not None:
        return kind, object_id
    declared = handler.opt.get(OBJECT_TYPE)
    if declared:
        return str(declared), None
    literal = [p for p in path_template.split("/") if p and "{" not in p]
    return (literal[-1] if literal else "route"), None


def entries_for(
    scope: Scope, status: int, principal: Principal | None, log: access_log.RequestLog
) -> list[dict[str, Any]]:
    """The entries of one request (column values): the object of its path, the other
    objects it noted, and one entry per data subject it noted."""
    handler = scope.get("route_handler")
    path_params: dict[str, Any] = scope.get("path_params", {})
    method = scope.get("method", "GET")
    raw: dict[str, Any] = scope  # type: ignore[assignment]
    template = str(raw.get("path_template") or raw.get("path", ""))
    kind, object_id = _object_type(handler, template, path_params)
    extra_objects = list(log.objects)
    if object_id is None and extra_objects:
        kind, object_id = extra_objects.pop(0)
    action = str(handler.opt.get(ACTION) or access_log.ACTION_OF_METHOD.get(str(method), "read"))
    if method == "GET" and object_id is None:
        action = "list"
    plugin = handler.opt.get("plugin") if handler is not None else None
    purpose = log.purpose or str(handler.opt.get(PURPOSE) or plugin or "core")
    route = f"{method} {template}"
    subject = path_params.get("person_id")
    result = access_log.result_of_status(status)

    at = utcnow()

    def one(object_type: str, oid: str | None, person: int | None) -> dict[str, Any]:
        return access_log.entry_values(
            principal=principal,
            action=action,
            object_type=object_type,
            object_id=oid,
            subject_person_id=person,
            result=result,
            purpose=purpose,
            origin=log.origin,
            trace_id=log.trace_id,
            route=route,
            at=at,
        )

    subject_id = subject if isinstance(subject, int) else None
    made = [one(kind, object_id, subject_id)]
    made += [one(extra_kind, extra_id, None) for extra_kind, extra_id in extra_objects]
    made += [one("person", str(p), p) for p in sorted(log.subjects - {subject_id})]
    return made


def _status_of(exc: BaseException) -> int:
    if isinstance(exc, NoaberError):
        return exc.status
    if isinstance(exc, HTTPException):
        return exc.status_code
    return 500


class AccessLogMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        tenant: TenantRuntime | None = scope["state"].get(TENANT_SCOPE_KEY)
        handler = scope.get("route_handler")
        log = access_log.begin_request(
            access_log.trace_id_from(_header(scope, b"traceparent")), client_address(scope)
        )
        if tenant is None or handler is None or handler.opt.get(ACCESS_LOG, True) is False:
            await next_app(scope, receive, send)
            return
        written = False

        async def write(status: int) -> None:
            nonlocal written
            if written:
                return
            written = True
            from noaber.accounts.web import PRINCIPAL_KEY

            principal = scope["state"].get(PRINCIPAL_KEY)
            rows = entries_for(scope, status, principal, log)

            def store() -> None:
                with tenant_scope(tenant.slug):
                    access_log.write(self.platform.sessions, rows)

            await run_sync(store)

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                await write(int(message["status"]))
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (TRACE_HEADER, log.trace_id.encode())]
            await send(message)

        try:
            await next_app(scope, receive, send_logged)
        except BaseException as exc:
            await write(_status_of(exc))
            raise
