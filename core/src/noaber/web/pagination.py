"""Paginated list responses with a bounded page size, and the fast read path of lists.

Two ways to answer a list endpoint, both with the JSON shape of :class:`Page`:

* :func:`paginate` loads ORM objects (for services that work on them further);
* :class:`RowList` reads the columns an output schema names as plain rows (no ORM
  objects, no per-row Pydantic validation) and :func:`page_response` encodes them with
  msgspec. Statements still run through the guarded session, so the tenant filter (and
  row-level security on PostgreSQL) applies exactly as for ORM loads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar, cast

import msgspec
from litestar import Response
from pydantic import BaseModel, Field
from sqlalchemy import JSON, Text, func
from sqlalchemy import cast as sql_cast
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Result
from sqlalchemy.sql import Select
from sqlmodel import Session

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


class RowList:
    """The columns of ``model`` that ``schema`` has fields for, read as plain rows.

    JSON columns are read as their stored text and put into the answer as it is
    (``msgspec.Raw``), so they are neither parsed nor re-encoded. Fields of ``schema``
    that are no column (computed ones, such as a person's age) are left to the caller,
    which adds them to each row; ``extra`` names columns the caller needs for that but
    the schema does not show (they are removed before encoding).
    """

    def __init__(
        self, model: type[Any], schema: type[BaseModel], extra: Iterable[str] = ()
    ) -> None:
        table = model.__table__
        self.model = model
        self.fields = tuple(schema.model_fields)
        self.extra = tuple(e for e in extra if e not in self.fields)
        columns: list[Any] = []
        self.json_fields: set[str] = set()
        for name in (*self.fields, *self.extra):
            if name not in table.c:
                continue
            attribute = getattr(model, name)  # the ORM attribute: the tenant guard sees it
            if isinstance(table.c[name].type, JSON):
                self.json_fields.add(name)
                columns.append(sql_cast(attribute, Text).label(name))
            else:
                columns.append(attribute)
        self.columns = tuple(columns)

    def select(self) -> Select[Any]:
        return sa_select(*self.columns)

    def page(
        self, session: Session, statement: Select[Any], page: int, page_size: int
    ) -> tuple[list[Row], int]:
        """One page of ``statement`` (made from :meth:`select`) as dicts, and the total."""
        total = count_of(session, statement)
        result = session.execute(statement.limit(page_size).offset((page - 1) * page_size))
        return self.rows(result), total

    def rows(self, result: Result[Any]) -> list[Row]:
        """The rows of ``result`` (a statement made from :meth:`select`) as dicts."""
        raw = self.json_fields
        names = tuple(result.keys())
        out: list[Row] = []
        for values in result:
            row = dict(zip(names, values, strict=True))
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
    return Response(body, media_type="application/json")


def as_page(response: Response[bytes], _schema: type[Page[T]]) -> Page[T]:
    """Let a handler declared as returning ``Page[X]`` (its OpenAPI schema) return the
    already encoded ``response``: Litestar sends a returned Response as it is. The
    rows were read from the same columns the schema describes (see :class:`RowList`)."""
    return cast("Page[T]", response)
