"""Paginated list responses with a bounded page size, and the fast read path of lists.

Two ways to answer a list endpoint, both with the JSON shape of :class:`Page`:

* :func:`paginate` loads ORM objects (for services that work on them further);
* :class:`RowList` reads the columns an output schema names as plain rows with a
  compiled query (no ORM execution, no per-row Pydantic validation) and
  :func:`page_response` encodes them with msgspec. The query is tenant-filtered by a
  bound parameter and runs in the session's transaction (row-level security on
  PostgreSQL applies as for ORM loads).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from typing import Any, Generic, TypeVar, cast

import msgspec
from litestar import Response
from pydantic import BaseModel, Field
from sqlalchemy import JSON, Text, bindparam, func
from sqlalchemy import cast as sql_cast
from sqlalchemy import select as sa_select
from sqlalchemy.sql import Select
from sqlmodel import Session

from noaber.accounts.access import current_principal
from noaber.db.direct import Query, tenant_param
from noaber.db.read_cache import Pending
from noaber.db.read_cache import cache as read_cache
from noaber.privacy import access_log
from noaber.tenancy.context import current_tenant
from noaber.web.dependencies import run_read

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25

T = TypeVar("T", bound=BaseModel)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching the filters, over all pages.")
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=MAX_PAGE_SIZE)


def count_of(session: Session, statement: Select[Any]) -> int:
    """How many rows ``statement`` matches (tenant-filtered), ignoring its order."""
    total = session.execute(
        statement.order_by(None).with_only_columns(func.count(), maintain_column_froms=True)
    ).scalar_one()
    return int(total)


def paginate(
    session: Session, statement: Select[Any], page: int, page_size: int
) -> tuple[Sequence[Any], int]:
    """One page of ``statement``'s rows and the total count (both tenant-filtered)."""
    total = count_of(session, statement)
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).scalars()
    return rows.all(), total


_encoder = msgspec.json.Encoder()

Row = dict[str, Any]


Refine = Callable[[Select[Any], Hashable], Select[Any]]
"""Adds a list's filters (with named bound parameters) and order for a shape."""

LIMIT = "noaber_limit"
OFFSET = "noaber_offset"


class RowList:
    """The columns of ``model`` that ``schema`` has fields for, read as plain rows by a
    compiled query (:mod:`noaber.db.direct`), and their total (a second statement: a
    ``count(*) OVER ()`` column makes SQLite materialise and sort the whole list).

    ``refine(statement, shape)`` adds the filters and order of one shape (a hashable
    saying which filters are present and how to sort) with *named* bound parameters;
    :meth:`page` passes their values. JSON columns are read as their stored text and put
    into the answer as it is (``msgspec.Raw``). Fields of ``schema`` that are no column
    (computed ones, such as a person's age) are left to the caller, which adds them to
    each row; ``extra`` names columns the caller needs for that but the schema does not
    show (they are removed before encoding).
    """

    def __init__(
        self,
        model: type[Any],
        schema: type[BaseModel],
        refine: Refine,
        extra: Iterable[str] = (),
    ) -> None:
        table = model.__table__
        self.table = table
        self.fields = tuple(schema.model_fields)
        self.extra = tuple(e for e in extra if e not in self.fields)
        self.refine = refine
        columns: list[Any] = []
        self.json_fields: set[str] = set()
        for name in (*self.fields, *self.extra):
            if name not in table.c:
                continue
            if isinstance(table.c[name].type, JSON):
                self.json_fields.add(name)
                columns.append(sql_cast(table.c[name], Text).label(name))
            else:
                columns.append(table.c[name])
        self.columns = tuple(columns)
        name = model.__name__
        self._page = Query(f"{name} page", self._page_statement)
        self._count = Query(f"{name} count", self._count_statement)
        self._ids = Query(f"{name} by id", self._ids_statement)

    def _guarded(self, *columns: Any) -> Select[Any]:
        return sa_select(*columns).where(self.table.c.tenant_id == tenant_param())

    def _page_statement(self, shape: Hashable) -> Select[Any]:
        statement = self.refine(self._guarded(*self.columns), shape)
        return statement.limit(bindparam(LIMIT)).offset(bindparam(OFFSET))

    def _count_statement(self, shape: Hashable) -> Select[Any]:
        statement = self.refine(self._guarded(func.count()).select_from(self.table), shape)
        return statement.order_by(None)

    def _ids_statement(self, shape: Hashable) -> Select[Any]:
        ids = self.table.c.id.in_(bindparam("noaber_ids", expanding=True))
        return self.refine(self._guarded(*self.columns).where(ids), shape)

    def page(
        self,
        session: Session,
        shape: Hashable,
        params: dict[str, Any],
        page: int,
        page_size: int,
    ) -> tuple[list[Row], int]:
        """One page of the list of ``shape`` as dicts, and the total."""
        values = {**params, LIMIT: page_size, OFFSET: (page - 1) * page_size}
        total = int(self._count.rows(session, params, shape)[1][0][0])
        if total <= values[OFFSET]:
            return [], total
        names, fetched = self._page.rows(session, values, shape)
        return self._dicts(names, fetched), total

    def by_ids(
        self, session: Session, shape: Hashable, params: dict[str, Any], ids: list[int]
    ) -> list[Row]:
        """The rows of ``ids`` (of the list of ``shape``, in its order) as dicts."""
        names, fetched = self._ids.rows(session, {**params, "noaber_ids": ids}, shape)
        return self._dicts(names, fetched)

    def _dicts(self, names: tuple[str, ...], fetched: list[tuple[Any, ...]]) -> list[Row]:
        raw = self.json_fields
        out: list[Row] = []
        for values in fetched:
            row = dict(zip(names, values, strict=False))
            for name in raw:
                text = row[name]
                row[name] = msgspec.Raw(text.encode() if text is not None else b"null")
            out.append(row)
        return out

    def finish(self, rows: list[Row], compute: Callable[[Row], None] | None = None) -> list[Row]:
        """Add the computed fields (``compute`` sets them on each row), drop the extra
        columns and put the fields in the schema's order."""
        fields = self.fields
        finished: list[Row] = []
        for row in rows:
            if compute is not None:
                compute(row)
            finished.append({name: row[name] for name in fields})
        return finished


def page_response(items: list[Row], total: int, page: int, page_size: int) -> Response[bytes]:
    """A :class:`Page` of rows from :class:`RowList`, encoded by msgspec."""
    body = _encoder.encode({"items": items, "total": total, "page": page, "page_size": page_size})
    # The status is set here, not left to Litestar: the commit that stores the access
    # log with the read (see run_read) needs it before Litestar fills it in.
    return Response(body, status_code=200, media_type="application/json")


async def read_page(
    session: Session,
    schema: type[Page[T]],
    read: Callable[..., tuple[list[Row], int]],
    *,
    page: int,
    page_size: int,
    **filters: Any,
) -> Page[T]:
    """A list handler's answer: ``read(page=, page_size=, **filters)`` gives the rows of
    one page (from :class:`RowList`) and the total, encoded as ``schema`` describes;
    read and encoded where it costs least (:func:`~noaber.web.dependencies.run_read`).

    The encoded page and the persons it shows are kept in the
    :mod:`~noaber.db.read_cache` for the same tenant, principal and question while the
    tenant's data is unchanged: a repeated list reads nothing, and is access-logged as
    the first was (the same persons, objects and purpose). ``read`` is a :func:`functools.partial` of the list's
    service function; its arguments other than ``session`` are part of the question."""
    slug = current_tenant()
    cached: tuple[bytes, access_log.Noted] | None = None
    pending: Pending | None = None
    if slug is not None and isinstance(read, partial):
        args = tuple(a for a in read.args if a is not session)
        question = (current_principal(), read.func, args, page, page_size, *filters.items())
        cached, pending = read_cache.lookup(session.get_bind(), slug, question)

    if cached is not None:
        # Nothing to read: the session stays unused, and the access log's group writer
        # stores the entries (one commit shared with concurrent requests).
        body, noted = cached
        access_log.note_again(noted)
        return as_page(Response(body, status_code=200, media_type="application/json"), schema)

    def respond() -> Response[bytes]:
        rows, total = read(page=page, page_size=page_size, **filters)
        response = page_response(rows, total, page, page_size)
        noted = access_log.noted()
        if pending is not None and noted is not None:
            body = response.content
            read_cache.store(pending, (body, noted), len(body))
        return response

    return as_page(await run_read(session, respond), schema)


def as_page(response: Response[bytes], _schema: type[Page[T]]) -> Page[T]:
    """Let a handler declared as returning ``Page[X]`` (its OpenAPI schema) return the
    already encoded ``response``: Litestar sends a returned Response as it is. The
    rows were read from the same columns the schema describes (see :class:`RowList`)."""
    return cast("Page[T]", response)
