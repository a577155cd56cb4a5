"""Every error as an RFC 9457 problem-details JSON body (``application/problem+json``)."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.serialization import encode_json
from litestar.types import ExceptionHandlersMap, Send

from noaber.errors import NoaberError, ServiceUnavailable

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
UNEXPECTED_ERROR = "An unexpected error occurred; it has been logged."
DATABASE_UNAVAILABLE = "The database is unavailable for a moment; please try again shortly."


def problem_body(status: int, detail: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update(extra)
    return body


def problem(status: int, detail: str | None = None, **extra: Any) -> Response[dict[str, Any]]:
    return Response(
        problem_body(status, detail, **extra), status_code=status, media_type=PROBLEM_JSON
    )


async def send_problem(
    send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Answer with a problem straight on the ASGI channel: for middleware that must
    replace a response the handler has begun but the client has not yet received."""
    body = encode_json(problem_body(status, detail))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _domain_error(_request: Request[Any, Any, Any], exc: NoaberError) -> Response[dict[str, Any]]:
    if exc.status >= 500 and not isinstance(exc, ServiceUnavailable):
        log.error("%s: %s", type(exc).__name__, exc.detail)
        return problem(exc.status)
    return problem(exc.status, exc.detail, **exc.extra)


def _validation_error(
    _request: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
    errors = [
        {"field": e.get("key"), "source": e.get("source"), "message": e.get("message")}
        for e in (exc.extra if isinstance(exc.extra, list) else [])
    ]
    return problem(422, exc.detail, errors=errors)


def _http_error(_request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    response = problem(exc.status_code, exc.detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    # Details stay in the server log; the client gets nothing that could leak data.
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, UNEXPECTED_ERROR)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    NoaberError: _domain_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}

__all__ = [
    "DATABASE_UNAVAILABLE",
    "EXCEPTION_HANDLERS",
    "PROBLEM_JSON",
    "UNEXPECTED_ERROR",
    "problem",
    "problem_body",
    "send_problem",
]
