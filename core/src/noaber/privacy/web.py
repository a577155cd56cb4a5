"""The access-log middleware: one entry per request to a tenant route, written before
the response starts, with the handler's commit when it has one (see
:mod:`noaber.privacy.access_log`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio.to_thread import run_sync
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.response import Response
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SqlTimeoutError
from sqlmodel import Session

from noaber.accounts.access import PATH_OBJECTS
from noaber.accounts.roles import Principal
from noaber.errors import NoaberError
from noaber.platform import Platform, TenantRuntime
from noaber.privacy import access_log
from noaber.tenancy.context import tenant_scope
from noaber.web.dependencies import TENANT_SCOPE_KEY, in_loop, join_commit
from noaber.web.problems import DATABASE_UNAVAILABLE, UNEXPECTED_ERROR, send_problem
from noaber.web.shared_state import client_address

ACCESS_LOG = "access_log"
"""Route ``opt`` key: ``False`` for a route that shows or changes no personal data."""
PURPOSE = "purpose"
"""Route ``opt`` key: the processing activity (default: the programme, or ``core``)."""
OBJECT_TYPE = "object_type"
"""Route ``opt`` key: the kind of object a route without an id in its path touches."""

ACTION = "access_action"
NAMES_NO_ONE = "names_no_one"
"""Route option: why the route's writes concern no person, so their entries name no data
subject (``opt={NAMES_NO_ONE: "an organisation's API tokens"}``). The test client checks
every other accepted write for one (``noaber.testing.check_write_logged``)."""
"""Route ``opt`` key: the action to log when the HTTP method does not say it (``login``)."""

TRACE_HEADER = b"x-trace-id"
logger = logging.getLogger(__name__)


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
) -> access_log.EntryGroup:
    """The entries of one request: the object of its path, the other objects it noted,
    and one entry per data subject it noted."""
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
    subject = path_params.get("person_id")
    subject_id = subject if isinstance(subject, int) else None
    if subject_id is None and kind == "person" and object_id is not None and object_id.isdigit():
        subject_id = int(object_id)  # a person the request created: the entry is about them
    objects: list[tuple[str, str | None, int | None]] = [(kind, object_id, subject_id)]
    objects += [(extra_kind, extra_id, None) for extra_kind, extra_id in extra_objects]
    objects += [("person", str(p), p) for p in sorted(log.subjects - {subject_id})]
    return access_log.entry_group(
        objects,
        principal=principal,
        action=action,
        result=access_log.result_of_status(status),
        purpose=log.purpose or str(handler.opt.get(PURPOSE) or plugin or "core"),
        origin=log.origin,
        trace_id=log.trace_id,
        route=f"{method} {template}",
    )


async def note_status(response: Response[Any]) -> Response[Any]:
    """After-request hook: the response's status, for entries stored with the handler's
    commit (which runs after the response is built, before it is sent)."""
    log = access_log.current_request()
    if log is not None:
        log.built, log.status = True, response.status_code
    return response


@dataclass(eq=False)
class _RequestEntries:
    """The entries of one request, stored once: with the handler's commit when there is
    one (a :class:`~noaber.web.dependencies.CommitParticipant`), else by the group
    writer when the response starts."""

    scope: Scope
    slug: str
    log: access_log.RequestLog
    stored: bool = False
    _joined: bool = False

    def group(self, status: int) -> access_log.EntryGroup:
        from noaber.accounts.web import PRINCIPAL_KEY

        principal = self.scope["state"].get(PRINCIPAL_KEY)
        with tenant_scope(self.slug):
            return entries_for(self.scope, status, principal, self.log)

    def join(self, session: Session, status: int | None) -> None:
        if self.stored:
            return
        if status is None:
            if not self.log.built:
                return  # the status is unknown (another after-request hook): written later
            handler: Any = self.scope["route_handler"]  # an HTTP handler: built a response
            status = self.log.status or handler.status_code
        with tenant_scope(self.slug):
            access_log.add(session, [self.group(status)])
        self._joined = True

    def committed(self) -> None:
        self.stored = self.stored or self._joined


def _status_of(exc: BaseException) -> int:
    if isinstance(exc, NoaberError):
        return exc.status
    if isinstance(exc, HTTPException):
        return exc.status_code
    return 500


@dataclass(eq=False)
class _Waiting:
    slug: str
    group: access_log.EntryGroup
    turn: anyio.Event = field(default_factory=anyio.Event)
    done: bool = False
    stored: bool = False
    error: BaseException | None = None


class GroupWriter:
    """Group commit of access-log entries: the entries of requests that arrive while a
    write is in progress are stored together in the next transaction (one per tenant),
    so concurrent requests share one commit instead of queueing for the database's
    write lock one by one.

    Nothing is lossy: :meth:`write` returns only after *its* entries are committed and
    raises if their transaction failed, so the middleware still starts no response
    whose entries are not stored. One request at a time is the leader: it stores
    everything queued so far, then hands the lead to the first request that queued
    meanwhile (no background task, no request writes more than one batch).
    """

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._queue: list[_Waiting] = []
        self._busy = False
        self.batches = 0  # how many transactions groups were written in (for tests)

    async def write(self, slug: str, group: access_log.EntryGroup) -> None:
        me = _Waiting(slug, group)
        self._queue.append(me)
        if self._busy:
            # Shielded: a waiter that is handed the lead must take it, or the queue stalls.
            with anyio.CancelScope(shield=True):
                await me.turn.wait()
        if not me.done:
            await self._lead()
        if me.error is not None:
            raise me.error

    async def _lead(self) -> None:
        self._busy = True
        batch, self._queue = self._queue, []
        try:
            with anyio.CancelScope(shield=True):
                if self.platform.engine.dialect.name == "postgresql":
                    await in_loop(self._store, batch)  # waits for the server, not the GIL
                else:
                    await run_sync(self._store, batch)  # SQLite's commit waits for the disk
        finally:
            for waiting in batch:
                if not waiting.stored and waiting.error is None:
                    waiting.error = RuntimeError("the access log could not be written")
                waiting.done = True
                waiting.turn.set()
            if self._queue:
                self._queue[0].turn.set()  # the next leader (its entries are not done)
            else:
                self._busy = False

    def _store(self, batch: list[_Waiting]) -> None:
        by_tenant: dict[str, list[_Waiting]] = {}
        for waiting in batch:
            by_tenant.setdefault(waiting.slug, []).append(waiting)
        for slug, group in by_tenant.items():
            try:
                with tenant_scope(slug):
                    access_log.write(self.platform.sessions, [w.group for w in group])
            except Exception as exc:  # each request of this tenant's group raises it
                for waiting in group:
                    waiting.error = exc
            else:
                self.batches += 1
                for waiting in group:
                    waiting.stored = True


class AccessLogMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.writer = GroupWriter(platform)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        tenant: TenantRuntime | None = scope["state"].get(TENANT_SCOPE_KEY)
        handler = scope.get("route_handler")
        log = access_log.begin_request(
            access_log.trace_id_from(_header(scope, b"traceparent")), client_address(scope)
        )
        if tenant is None or handler is None or handler.opt.get(ACCESS_LOG, True) is False:
            await next_app(scope, receive, send)
            return
        entries = _RequestEntries(scope, tenant.slug, log)
        join_commit(scope, entries)

        async def write(status: int) -> None:
            if entries.stored:
                return
            entries.stored = True
            await self.writer.write(tenant.slug, entries.group(status))

        replaced = False

        async def send_logged(message: Message) -> None:
            nonlocal replaced
            if replaced:
                return  # the rest of the handler's response, which the client never gets
            if message["type"] == "http.response.start":
                trace = (TRACE_HEADER, log.trace_id.encode())
                try:
                    await write(int(message["status"]))
                except Exception as exc:
                    # No answer goes out whose entries are not stored: the handler's
                    # response is replaced (the client has not received any of it yet).
                    replaced = True
                    if isinstance(exc, OperationalError | SqlTimeoutError):
                        logger.warning("access log not written, answering 503: %s", exc)
                        retry = (b"retry-after", b"2")
                        await send_problem(send, 503, DATABASE_UNAVAILABLE, [retry, trace])
                    else:
                        logger.error("access log not written", exc_info=exc)
                        await send_problem(send, 500, UNEXPECTED_ERROR, [trace])
                    return
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], trace]
            await send(message)

        try:
            await next_app(scope, receive, send_logged)
        except BaseException as exc:
            await write(_status_of(exc))
            raise
