"""Direct statements: the reads of hot list endpoints and the inserts of the access log,
compiled once per shape and run on the driver connection of the session's transaction.

SQLAlchemy's ORM execution (events, cache-key generation, result objects) costs about a
millisecond per statement here, several times what the database needs for a page of
rows. A :class:`Query` is a Core ``SELECT`` with *named* bound parameters: it is built
and compiled once per dialect and shape (which filters are present, which order) and
then executed straight on the DBAPI cursor with the request's values.

Every query filters each tenant-owned table it reads by the bound parameter
:data:`TENANT` (:meth:`Query.compile` refuses one that does not), whose value is always
the tenant in context: a compiled query is shared by all tenants and still sees one. On
PostgreSQL the session's transaction has set ``app.tenant_id`` before the first
statement, so row-level security applies as it does to every other statement.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import (
    DateTime,
    Dialect,
    String,
    Table,
    Text,
    TypeDecorator,
    bindparam,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.visitors import iterate
from sqlmodel import Session

from noaber.tenancy.context import require_tenant

TENANT = "noaber_tenant"
"""The bound parameter every compiled query filters tenant-owned tables by."""


def tenant_param() -> BindParameter[Any]:
    """``bindparam(TENANT)``: use it as ``table.c.tenant_id == tenant_param()``."""
    return bindparam(TENANT)


Processor = Callable[[Any], Any]


@dataclass
class _Compiled:
    sql: str
    positions: tuple[str, ...] | None  # parameter order for positional drivers
    binds: Mapping[str, Processor]  # parameters the driver cannot take as they are
    defaults: Mapping[str, Any]  # values the statement carries itself (literals)
    columns: tuple[str, ...]
    types: tuple[Any, ...]  # the selected columns' types (their dialect implementation)
    expanding: SQLCompiler | None  # set when IN lists are rendered per execution
    # Result columns to convert (SQLite's dates, say); known at the first execution, as
    # some drivers' processors depend on the type the cursor reports.
    processors: tuple[tuple[int, Processor], ...] | None = None

    def processors_for(
        self, dialect: Dialect, description: Any
    ) -> tuple[tuple[int, Processor], ...]:
        if self.processors is None:
            found = []
            for index, kind in enumerate(self.types):
                process = kind.result_processor(dialect, description[index][1])
                if process is not None:
                    found.append((index, process))
            self.processors = tuple(found)
        return self.processors


class UnguardedQuery(Exception):
    """A compiled query that would read a tenant-owned table without the tenant filter."""


class Query:
    """A ``SELECT`` compiled once per dialect and shape.

    ``build(shape)`` makes the statement for a shape (a hashable naming the filters
    present and the order); it runs only the first time a shape is asked for.
    """

    def __init__(self, name: str, build: Callable[[Any], Select[Any]]) -> None:
        self.name = name
        self.build = build
        self._compiled: dict[tuple[str, Hashable], _Compiled] = {}

    def rows(
        self, session: Session, params: Mapping[str, Any], shape: Hashable = ()
    ) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """The column names and rows of this query for ``shape`` with ``params``, in
        the session's transaction (begun here if needed, tenant set for RLS)."""
        connection = session.connection()
        compiled = self._compiled.get((connection.dialect.name, shape))
        if compiled is None:
            compiled = self.compile(connection.dialect, shape)
        values = {**compiled.defaults, **params, TENANT: require_tenant()}
        for name, process in compiled.binds.items():
            values[name] = process(values[name])
        sql = compiled.sql
        if compiled.expanding is not None:  # IN (...): as many parameters as values
            expanded = compiled.expanding.construct_expanded_state(values)
            sql = expanded.statement
            args: Any = (
                expanded.parameters
                if compiled.positions is None
                else expanded.positional_parameters
            )
        elif compiled.positions is None:
            args = values
        else:
            args = [values[n] for n in compiled.positions]
        description, fetched = _execute(connection, sql, args)
        processors = compiled.processors_for(connection.dialect, description)
        if processors and fetched:
            converted = []
            for row in fetched:
                values_of_row = list(row)
                for index, process in processors:
                    values_of_row[index] = process(values_of_row[index])
                converted.append(tuple(values_of_row))
            fetched = converted
        return compiled.columns, fetched

    def compile(self, dialect: Dialect, shape: Hashable) -> _Compiled:
        statement = self.build(shape)
        _check_guarded(self.name, statement)
        compiled = statement.compile(dialect=dialect)
        binds: dict[str, Processor] = {
            name: process  # type: ignore[misc]
            for name, process in compiled._bind_processors.items()
            if process is not None
        }
        made = _Compiled(
            sql=compiled.string,
            positions=tuple(compiled.positiontup or ()) if dialect.positional else None,
            binds=binds,
            defaults={
                name: bind.effective_value
                for name, bind in compiled.binds.items()
                if not bind.required and bind.effective_value is not None
            },
            columns=tuple(c.key or c.name for c in statement.selected_columns),
            types=tuple(c.type.dialect_impl(dialect) for c in statement.selected_columns),
            expanding=compiled if compiled.post_compile_params else None,
        )
        self._compiled[(dialect.name, shape)] = made
        return made


@contextmanager
def driver_errors(connection: Connection, sql: str, params: Any) -> Iterator[None]:
    """Raise the driver's errors of work on ``connection``'s driver connection as
    SQLAlchemy's (``OperationalError`` and the rest), as the application's error
    handlers expect; a lost connection is invalidated, as SQLAlchemy does for its own
    statements, so the rollback that follows does not fail on it too and the pool
    connects anew."""
    dialect = connection.dialect
    dbapi_error = dialect.loaded_dbapi.Error
    try:
        yield
    except dbapi_error as exc:
        lost = _lost(dialect, exc, connection.connection.dbapi_connection)
        if lost and not connection.invalidated:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            sql, params, exc, dbapi_error, connection_invalidated=lost, dialect=dialect
        ) from exc


def _lost(dialect: Dialect, exc: Any, driver: Any) -> bool:
    """Whether ``exc`` means the connection is gone: the dialect says so, or an error
    it was raised from is PostgreSQL's "the server ended this connection" (SQLSTATE
    classes 57P and 08). Ended in the middle of a pipeline, a connection surfaces as
    "cannot exit pipeline mode while busy" before psycopg marks it broken."""
    if dialect.is_disconnect(exc, driver, None):
        return True
    seen: BaseException | None = exc
    while seen is not None:
        if str(getattr(seen, "sqlstate", None) or "").startswith(_CONNECTION_ENDED):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


_CONNECTION_ENDED = ("57P", "08")


def _execute(
    connection: Connection, sql: str, params: Any, *, many: bool = False
) -> tuple[Any, list[Any]]:
    """Run ``sql`` on the driver cursor: its description and rows. Errors are raised
    as SQLAlchemy's (:func:`driver_errors`); the engine's cursor events fire as for its
    own statements, so statement counters, echo and tracing instrumentation still see
    these."""
    events = connection._has_events or connection.engine._has_events
    cursor = connection.connection.cursor()
    try:
        with driver_errors(connection, sql, params):
            if events:
                connection.dispatch.before_cursor_execute(
                    connection, cursor, sql, params, None, many
                )
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
            description = cursor.description
            fetched: Any = cursor.fetchall() if description else []
            if events:
                connection.dispatch.after_cursor_execute(
                    connection, cursor, sql, params, None, many
                )
            return description, fetched
    finally:
        cursor.close()


def _check_guarded(name: str, statement: Select[Any]) -> None:
    """Every tenant-owned table the statement reads is compared with :data:`TENANT`."""
    from sqlalchemy.sql.util import find_tables

    from noaber.db.session import tenant_tables

    tenant_owned = tenant_tables()
    guarded: set[Any] = set()
    for element in iterate(statement):
        if isinstance(element, BindParameter) or not hasattr(element, "left"):
            continue
        left, right = getattr(element, "left", None), getattr(element, "right", None)
        if (
            isinstance(right, BindParameter)
            and right.key == TENANT
            and getattr(left, "name", None) == "tenant_id"
        ):
            guarded.add(getattr(left, "table", None))
    for table in find_tables(statement, include_aliases=True):
        if table in tenant_owned and table not in guarded:
            raise UnguardedQuery(f"query {name!r} reads {table} without the tenant filter")


def _cast_type(table: Table, name: str) -> Any:
    """The type to read a column's value from JSON text as (strings unbounded: the
    value is the caller's, and a cast to ``VARCHAR(n)`` would cut it silently; times
    with their zone, converted to the column's type as a bound value would be)."""
    column_type = table.c[name].type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, String):
        return Text()
    if isinstance(column_type, DateTime):
        return DateTime(timezone=True)
    return column_type


@dataclass(frozen=True)
class _CompiledInsert:
    sql: str
    shared: tuple[tuple[str, Processor | None], ...]  # (column, bind processor)
    varying: tuple[tuple[str, Processor | None], ...]


_inserts: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], _CompiledInsert] = {}
_JSON_ROWS = "noaber_rows"
_json = msgspec.json.Encoder()


def _compile_insert(
    dialect: Dialect, table: Table, shared: tuple[str, ...], varying: tuple[str, ...]
) -> _CompiledInsert:
    # INSERT .. WITH g AS MATERIALIZED (each group of :rows, JSON: its shared values,
    # its rows) SELECT g's values.., element i of each row.. FROM g, (the rows of g) r
    # Materialized, so a group's JSON is read once, not once per row and column (the
    # json type and SQLite before 3.45 parse the text at every access).
    rows = bindparam(_JSON_ROWS, type_=Text())
    last = len(shared)
    if dialect.name == "postgresql":
        each: Callable[[Any], Any] = func.jsonb_array_elements  # parsed once, not per access

        def element(value: Any, i: int, name: str | None) -> ColumnElement[Any]:
            if name is None:  # a group's rows, as JSON
                return cast(value.op("->")(literal_column(str(i))), JSONB)
            return cast(value.op("->>")(literal_column(str(i))), _cast_type(table, name))

        document: Any = cast(rows, JSONB)
    else:
        each = func.json_each

        def element(value: Any, i: int, name: str | None) -> ColumnElement[Any]:
            return func.json_extract(value, literal_column(f"'$[{i}]'"))

        document = rows
    group = each(document).table_valued("value").alias("noaber_group")
    groups = (
        select(
            *[element(group.c.value, i, n).label(f"shared_{i}") for i, n in enumerate(shared)],
            element(group.c.value, last, None).label("rows"),
        )
        .select_from(group)
        .cte("noaber_groups")
        .prefix_with("MATERIALIZED")
    )
    row = each(groups.c.rows).table_valued("value").alias("noaber_row")
    values = select(
        *[groups.c[f"shared_{i}"] for i in range(last)],
        *[element(row.c.value, i, n) for i, n in enumerate(varying)],
    ).select_from(groups, row)
    # INSERT INTO t (..) WITH .. SELECT: the statement starts as an insert into its table
    # (noaber.db.changes tells the access log's inserts from writes by that).
    quote = dialect.identifier_preparer
    into = ", ".join(quote.quote(name) for name in (*shared, *varying))
    sql = f"INSERT INTO {quote.format_table(table)} ({into}) {values.compile(dialect=dialect)}"
    return _CompiledInsert(
        sql=sql,
        shared=tuple((n, table.c[n].type.bind_processor(dialect)) for n in shared),
        varying=tuple((n, table.c[n].type.bind_processor(dialect)) for n in varying),
    )


def _processed(
    values: Sequence[Any], processors: Sequence[tuple[str, Processor | None]]
) -> list[Any]:
    return [v if p is None else p(v) for v, (_, p) in zip(values, processors, strict=True)]


def insert_rows(
    session: Session,
    table: Table,
    shared: Sequence[str],
    varying: Sequence[str],
    groups: Sequence[tuple[Mapping[str, Any], Sequence[Sequence[Any]]]],
) -> None:
    """Insert groups of rows into ``table`` in the session's transaction. A group is
    ``(values, rows)``: ``values`` has the ``shared`` columns (the same for every row of
    the group), each row its own values of the ``varying`` columns, in that order.

    One statement on the driver connection for all groups, an ``INSERT .. SELECT``
    from one JSON parameter (each group's shared values once, then its rows): one
    round trip however many groups (a batch of the access log's group commit), no
    driver work per value (psycopg's adaptation of arrays was a tenth of a cached
    list's time), one step of SQLite (``executemany`` steps once per row, and lets
    another thread take the GIL each time)."""
    groups = [(values, rows) for values, rows in groups if rows]
    if not groups:
        return
    connection = session.connection()
    dialect = connection.dialect
    key = (dialect.name, table.name, tuple(shared), tuple(varying))
    compiled = _inserts.get(key)
    if compiled is None:
        compiled = _inserts[key] = _compile_insert(dialect, table, key[2], key[3])
    process_rows = any(p is not None for _, p in compiled.varying)
    document = [
        [
            *_processed([values[n] for n in shared], compiled.shared),
            [_processed(row, compiled.varying) for row in rows] if process_rows else rows,
        ]
        for values, rows in groups
    ]
    # msgspec writes times as RFC 3339 (PostgreSQL's bind processors leave them to the
    # driver; SQLite's have made them text already).
    rows_json = _json.encode(document).decode()
    _execute(
        connection, compiled.sql, [rows_json] if dialect.positional else {_JSON_ROWS: rows_json}
    )
