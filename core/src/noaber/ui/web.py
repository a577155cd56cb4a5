"""Shared pieces of the interface's route handlers: guards, error pages, redirects."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import anyio.to_thread
from litestar import Request, Response, Router
from litestar.connection import ASGIConnection
from litestar.enums import MediaType
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.handlers import BaseRouteHandler
from litestar.response import Redirect
from litestar.types import ControllerRouterHandler, ExceptionHandlersMap

from noaber.errors import Conflict, InvalidInput, NoaberError, NotFound, UserMessage
from noaber.ui.identity import PRINCIPAL_KEY, viewer_of
from noaber.web.dependencies import TENANT_SCOPE_KEY

log = logging.getLogger(__name__)

T = TypeVar("T")

PUBLIC: dict[str, Any] = {"public": True}
STAFF = ("municipality_admin", "coordinator", "professional")
COORDINATION = ("municipality_admin", "coordinator")


def roles(*names: str) -> dict[str, Any]:
    return {"roles": tuple(names)}


def names_no_one(reason: str) -> dict[str, Any]:
    """Route option: why the route's writes name no data subject in the access log
    (``noaber.privacy.web.NAMES_NO_ONE``; spelled here, as the interface also runs
    without the privacy layer)."""
    return {"names_no_one": reason}


def role_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Interface routes: a signed-in viewer needs one of the route's ``roles``."""
    if handler.opt.get("public"):
        return
    viewer = viewer_of(connection)
    if not viewer.authenticated:
        raise NotAuthorizedException()
    wanted = handler.opt.get("roles")
    if wanted and not viewer.has(*wanted):
        raise PermissionDeniedException()


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "_csrf_token"
CSRF_HEADER = "x-csrf-token"


async def csrf_guard(
    connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler
) -> None:
    """HTML forms cannot send a header, so interface routes take the session's CSRF token
    from the ``_csrf_token`` form field (or the ``X-CSRF-Token`` header htmx sends). A
    request with a session and without the right token is refused with 403."""
    if connection.scope.get("method", "GET") not in UNSAFE_METHODS:
        return
    session = connection.scope.get("session")
    expected = session.get("csrf") if isinstance(session, dict) else None
    if not expected:
        return
    sent = connection.headers.get(CSRF_HEADER)
    if not sent and isinstance(connection, Request):
        form = await connection.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent.encode(), str(expected).encode()):
        raise PermissionDeniedException("missing or wrong CSRF token")


async def in_thread(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


PAGE_PARAMETER = "pagina"
LAST_PAGE = 100_000
"""The highest page number a list page takes (as the API's ``page``)."""


def page_number(request: Request[Any, Any, Any], parameter: str = PAGE_PARAMETER) -> int:
    """The list page asked for (``?pagina=``): the first for anything but a number from 1
    to :data:`LAST_PAGE` (a very long number is no page either: it would neither convert
    nor fit the database's OFFSET)."""
    raw = request.query_params.get(parameter, "1")
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(LAST_PAGE)):
        number = int(raw)
        if 0 < number <= LAST_PAGE:
            return number
    return 1


def pages_of(total: int, page_size: int) -> int:
    """How many pages ``total`` rows make, ``page_size`` a page (at least one)."""
    return max(1, (total + page_size - 1) // page_size)


def redirect(path: str) -> Redirect:
    return Redirect(path, status_code=303)


TITLES = {
    400: ("Bad request", "The request could not be processed."),
    403: ("No access", "You do not have access to this page."),
    404: ("Page not found", "This page does not exist, or you do not have access to it."),
    405: ("Not possible here", "This page cannot be used this way."),
    409: ("This is not possible now", "The action conflicts with the current state."),
    413: ("Too large", "What you sent is too large."),
    422: ("Invalid input", "Please check what you filled in."),
    429: ("Too many requests", "Please wait a moment and try again."),
    500: ("Something went wrong", "An unexpected error occurred; it has been logged."),
    503: ("Temporarily unavailable", "Please try again shortly."),
}


def error_page(
    request: Request[Any, Any, Any], status: int, error: NoaberError | None = None
) -> Response[Any]:
    """The Dutch error page for ``status``. It says what ``error``'s user messages say
    (in the tenant's catalogues), else the status's generic text; never the API's
    English ``detail``."""
    from noaber.ui.forms import refusal_messages
    from noaber.ui.templating import gettext_for, render

    title, message = TITLES.get(status, TITLES[400])
    if request.scope["state"].get(TENANT_SCOPE_KEY) is None:
        return Response(
            f'<!DOCTYPE html><html lang="nl"><title>{status}</title><p>{status}</p></html>',
            status_code=status,
            media_type=MediaType.HTML,
        )
    try:
        _ = gettext_for(request)
        messages = (
            refusal_messages(error, _, UserMessage(message)) if error is not None else [_(message)]
        )
        return render(
            request,
            "error.html",
            {"status": status, "title": title, "messages": messages},
            status_code=status,
        )
    except Exception:  # the error page itself must never fail into a stack trace
        log.exception("could not render the error page")
        return Response(
            f'<!DOCTYPE html><html lang="nl"><title>{status}</title><p>{status}</p></html>',
            status_code=status,
            media_type=MediaType.HTML,
        )


def _not_found(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
    return error_page(request, 404)


def _forbidden(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
    return error_page(request, 403)


def _login(request: Request[Any, Any, Any], _exc: Exception | None) -> Response[Any]:
    return Redirect(f"/inloggen?next={quote(request.url.path)}", status_code=303)


def _conflict(request: Request[Any, Any, Any], exc: Conflict) -> Response[Any]:
    return error_page(request, 409, exc)


def _invalid(request: Request[Any, Any, Any], exc: InvalidInput) -> Response[Any]:
    return error_page(request, 422, exc)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    return error_page(request, exc.status_code if exc.status_code in TITLES else 400)


def _domain(request: Request[Any, Any, Any], exc: NoaberError) -> Response[Any]:
    if exc.status == 401:  # not logged in, or the second factor is still to come
        return _login(request, exc)
    status = exc.status if exc.status in TITLES else 500
    if status >= 500:
        log.error("%s: %s", type(exc).__name__, exc.detail)
        return error_page(request, status)
    return error_page(request, status, exc)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, 500)


def wants_html(request: Request[Any, Any, Any]) -> bool:
    """A browser asking for a page: ``Accept`` names ``text/html`` (not only ``*/*``)
    and the path is not under ``/api/`` (the API always answers problem+json)."""
    path = request.scope.get("path", "")
    if path == "/api" or path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def html_error_response(request: Request[Any, Any, Any], status: int) -> Response[Any] | None:
    """The Dutch error page for ``status`` when the error was answered outside the
    interface's own routes (an unknown URL, a plugin's page, a middleware) and a browser
    asked for a page; None when the client wants problem+json. A 401 sends the browser
    to log in. Nothing of the exception is shown."""
    if not wants_html(request):
        return None
    state = request.scope["state"]
    if TENANT_SCOPE_KEY not in state:
        # Raised before the middleware ran (a path without a handler for the method:
        # unknown paths go to builtins.platform.unknown_path, after the middleware):
        # find the municipality for the layout; nobody counts as signed in here.
        from noaber.tenancy.models import TenantStatus
        from noaber.web.tenancy import request_host

        platform = request.app.state.platform
        tenant = platform.tenant_for_host(request_host(request.scope))
        if tenant is not None and tenant.status is not TenantStatus.suspended:
            state[TENANT_SCOPE_KEY] = tenant
    state.setdefault(PRINCIPAL_KEY, None)
    if status == 401:
        return _login(request, None)
    if status not in TITLES:
        status = 500 if status >= 500 else 400
    return error_page(request, status)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    NotFound: _not_found,
    NotFoundException: _not_found,
    PermissionDeniedException: _forbidden,
    NotAuthorizedException: _login,
    Conflict: _conflict,
    InvalidInput: _invalid,
    NoaberError: _domain,
    HTTPException: _http,
    Exception: _unexpected,
}


def pages_router(
    route_handlers: Sequence[ControllerRouterHandler], *, roles: Sequence[str] | None = None
) -> Router:
    """A router of web-interface pages, for core's and a plugin's ``route_handlers``:
    HTML forms send the session's CSRF token as a form field (checked by
    :func:`csrf_guard` instead of the API's header), errors answer with the Dutch error
    pages, a visitor who is not logged in is sent to the login page, and ``roles``
    (default: each route's own, else the staff roles) may use the pages."""
    opt: dict[str, Any] = {"ui": True, "csrf_exempt": True}
    if roles is not None:
        opt["roles"] = tuple(roles)
    return Router(
        path="/",
        route_handlers=list(route_handlers),
        guards=[csrf_guard, role_guard],
        exception_handlers=EXCEPTION_HANDLERS,
        include_in_schema=False,
        opt=opt,
    )
