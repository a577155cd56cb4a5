"""The access log of personal data (NEN 7513, Logboek Dataverwerkingen).

Every read and write of personal data leaves an entry: actor, on whose behalf, data
subject, action, object, result, origin, purpose (the processing activity), UTC time
and trace id. Entries are append-only: on PostgreSQL the application role has no
UPDATE or DELETE on ``access_log`` and a trigger refuses both.

Two ways in:

* **Routes** are logged by :class:`AccessLogMiddleware` without any code in the
  handler: one entry per request to a tenant route (unless the route says
  ``opt={"access_log": False}`` because it returns no personal data), written *before*
  the response starts, so personal data is never sent without its log entry; in the
  handler's own transaction when it commits one, so no change is stored without it. The
  object comes from the path (``/api/people/{person_id}`` → person 12); a handler adds
  the data subjects it showed with :func:`note_subjects` (one entry per subject) and
  can name the processing activity with ``opt={"purpose": "..."}``.
* **Code** outside a request (commands, jobs, exports) calls :func:`record`.

Entries never hold secrets, tokens or the personal data itself, only references.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from noaber.accounts.roles import Principal
from noaber.clock import utcnow
from noaber.db.direct import insert_rows
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import require_tenant

if TYPE_CHECKING:
    from noaber.db.session import SessionFactory

ACTIONS = ("read", "list", "create", "update", "delete", "export", "erase", "login", "share")
RESULTS = ("ok", "denied", "not_found", "invalid", "error")

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


@dataclass
class RequestLog:
    """What one request accumulates for its access-log entries."""

    trace_id: str
    origin: str
    subjects: set[int] = field(default_factory=set)
    objects: list[tuple[str, str]] = field(default_factory=list)
    purpose: str | None = None
    built: bool = False  # the handler's response is built (its status is known)
    status: int | None = None  # the status it declares; None: its route's default


_request: ContextVar[RequestLog | None] = ContextVar("noaber_access_request", default=None)


def trace_id_from(traceparent: str | None) -> str:
    """The W3C trace id of an incoming ``traceparent`` header, or a new one."""
    if traceparent:
        match = _TRACEPARENT.match(traceparent.strip().lower())
        if match:
            return match.group(1)
    return secrets.token_hex(16)


def begin_request(trace_id: str, origin: str) -> RequestLog:
    log = RequestLog(trace_id=trace_id, origin=origin)
    _request.set(log)
    return log


def current_request() -> RequestLog | None:
    return _request.get()


def note_subjects(person_ids: Iterable[int | None]) -> None:
    """Name the persons whose data this request showed or changed (lists, searches)."""
    log = _request.get()
    if log is not None:
        log.subjects.update(p for p in person_ids if p is not None)


def note_object(kind: str, object_id: int | str) -> None:
    """Name an object this request touched that its path does not name (a new row)."""
    log = _request.get()
    if log is not None:
        log.objects.append((kind, str(object_id)))


@dataclass(frozen=True)
class Noted:
    """What a request noted for its entries, to note again for a request answered the
    same way without doing the work (a list from :mod:`noaber.db.read_cache`)."""

    subjects: frozenset[int]
    objects: tuple[tuple[str, str], ...]
    purpose: str | None


def noted() -> Noted | None:
    log = _request.get()
    if log is None:
        return None
    return Noted(frozenset(log.subjects), tuple(log.objects), log.purpose)


def note_again(noted: Noted) -> None:
    log = _request.get()
    if log is not None:
        log.subjects.update(noted.subjects)
        log.objects.extend(noted.objects)
        log.purpose = noted.purpose or log.purpose


def set_purpose(purpose: str) -> None:
    log = _request.get()
    if log is not None:
        log.purpose = purpose


MAX_ID = 2**31 - 1  # person ids are INTEGER columns


def _subject(person_id: int | None) -> int | None:
    # An id no person can have (beyond the column's range: a probe or a fuzzer's guess)
    # names no subject; the requested id is still kept in object_id.
    return person_id if person_id is not None and 0 < person_id <= MAX_ID else None


def _object_id(object_id: str | int | None) -> str | None:
    return None if object_id is None else str(object_id)[:60]


OBJECT_COLUMNS = ("object_type", "object_id", "subject_person_id")
"""The columns in which the entries of one event differ."""


@dataclass(frozen=True)
class EntryGroup:
    """The entries of one event (a request): the same actor, time, action, result,
    purpose, origin, trace and route, each with its own object and data subject.
    Stored with one statement (:func:`add`), however many subjects a list showed."""

    shared: dict[str, Any]  # column values of every entry, without OBJECT_COLUMNS
    objects: list[tuple[str, str | None, int | None]]  # OBJECT_COLUMNS of each entry


def entry_group(
    objects: Iterable[tuple[str, str | int | None, int | None]],
    *,
    principal: Principal | None,
    action: str,
    result: str = "ok",
    purpose: str,
    origin: str,
    trace_id: str,
    route: str | None = None,
    at: datetime | None = None,
) -> EntryGroup:
    """The entries of one event: one per ``(object_type, object_id, subject_person_id)``
    in ``objects``; the actor comes from ``principal`` (``anonymous`` without one)."""
    shared = {
        "tenant_id": require_tenant(),
        "at": at or utcnow(),
        "actor": principal.actor if principal else "anonymous",
        "actor_role": str(principal.role) if principal else "anonymous",
        "on_behalf_of": principal.on_behalf_of if principal else None,
        "action": action,
        "result": result,
        "origin": origin[:200],
        "purpose": purpose[:100],
        "trace_id": trace_id,
        "route": route[:300] if route else None,
    }
    return EntryGroup(
        shared, [(kind, _object_id(oid), _subject(person)) for kind, oid, person in objects]
    )


def add(session: Session, groups: Sequence[EntryGroup]) -> None:
    """Add the entries of ``groups`` to the session's transaction: one statement on the
    driver connection for all of them (the table, not the entity: no ORM bookkeeping),
    however many requests the group writer's batch holds."""
    if not groups:
        return
    table: Table = AccessLogEntry.__table__  # type: ignore[attr-defined]
    shared = tuple(groups[0].shared)  # every group is made by entry_group: the same keys
    insert_rows(session, table, shared, OBJECT_COLUMNS, [(g.shared, g.objects) for g in groups])


def write(sessions: SessionFactory, groups: Sequence[EntryGroup]) -> None:
    """Store entries in their own transaction, so they outlive a rolled-back request,
    committed before this returns. Never drops an entry: an error propagates."""
    if not any(group.objects for group in groups):
        return
    with sessions.begin() as session:
        add(session, groups)


def record(
    session: Session,
    *,
    principal: Principal | None,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    subject_person_id: int | None = None,
    result: str = "ok",
    purpose: str,
    origin: str = "cli",
    trace_id: str | None = None,
) -> AccessLogEntry:
    """Add one entry to ``session`` (committed with the work it logs). For commands,
    jobs and services outside a web request; the tenant must be in context."""
    request = _request.get()
    group = entry_group(
        [(object_type, object_id, subject_person_id)],
        principal=principal,
        action=action,
        result=result,
        purpose=purpose,
        origin=request.origin if request and origin == "cli" else origin,
        trace_id=trace_id or (request.trace_id if request else secrets.token_hex(16)),
    )
    values: dict[str, Any] = dict(zip(OBJECT_COLUMNS, group.objects[0], strict=True))
    row = AccessLogEntry(**group.shared, **values)
    session.add(row)
    return row


SEARCH_FILTERS = ("actor", "subject_person_id", "action", "object_type", "result", "trace_id")
"""The columns the access log is searched by (equality), for the API and the UI."""


def search(
    filters: Mapping[str, Any],
    since: datetime | None = None,
    until: datetime | None = None,
) -> SelectOfScalar[AccessLogEntry]:
    """The entries that match every filter given (a :data:`SEARCH_FILTERS` column; None
    is no filter) and lie in ``[since, until)``, newest first."""
    statement = select(AccessLogEntry)
    for name in SEARCH_FILTERS:
        value = filters.get(name)
        if value is not None:
            statement = statement.where(getattr(AccessLogEntry, name) == value)
    if since is not None:
        statement = statement.where(col(AccessLogEntry.at) >= since)
    if until is not None:
        statement = statement.where(col(AccessLogEntry.at) < until)
    return statement.order_by(col(AccessLogEntry.id).desc())


def result_of_status(status: int) -> str:
    if status < 400:
        return "ok"
    if status in (401, 403):
        return "denied"
    if status == 404:
        return "not_found"
    if status in (400, 409, 422):
        return "invalid"
    return "error"


ACTION_OF_METHOD = {
    "GET": "read",
    "HEAD": "read",
    "POST": "create",
    "PUT": "update",
    "PATCH": "update",
    "DELETE": "delete",
}


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
