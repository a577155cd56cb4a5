"""Export, offboarding and import of one tenant's rows.

The tables are found by reflecting the database, not from a hand-kept list: every table
with a ``tenant_id`` column (core's and every plugin's, even a plugin that is no longer
loaded), plus the tenant's own registry row. They are read and written in foreign-key
order (parents first), deleted in the reverse order.

An archive is a zip file: ``manifest.json`` (format, tenant, row counts, a SHA-256 per
table file) and ``tables/<table>.json`` (the rows, ordered by primary key).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from noaber.clock import utcnow
from noaber.db.rls import TENANT_COLUMN
from noaber.errors import Conflict, InvalidInput, NotFound
from noaber.tenancy.models import Offboarding

FORMAT = "noaber-tenant-export/1"
REGISTRY_TABLE = "tenant"
PLATFORM_ONLY = frozenset({"offboarding", "alembic_version"})


def tenant_tables(connection: Connection) -> list[Table]:
    """The registry table and every table with a tenant_id column, parents first."""
    metadata = MetaData()
    metadata.reflect(connection)
    return [
        t
        for t in metadata.sorted_tables
        if t.name == REGISTRY_TABLE or (TENANT_COLUMN in t.columns and t.name not in PLATFORM_ONLY)
    ]


def _owner_column(table: Table) -> Any:
    return table.c.slug if table.name == REGISTRY_TABLE else table.c[TENANT_COLUMN]


@contextmanager
def tenant_transaction(
    engine: Engine, slug: str, *, snapshot: bool = False
) -> Iterator[Connection]:
    """A transaction of platform code for one tenant. On PostgreSQL ``app.tenant_id`` is
    that tenant, so row-level security limits even this connection to the tenant.
    ``snapshot``: one consistent view of all tables (repeatable read)."""
    with engine.connect() as conn:
        if snapshot and conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": slug})
            yield conn


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _from_json(column: Any, value: Any) -> Any:
    if value is None:
        return None
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    if kind is datetime:
        parsed = datetime.fromisoformat(value)
        if getattr(column.type, "timezone", False) and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is bytes:
        return base64.b64decode(value)
    return value


def read_tenant(connection: Connection, slug: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tenant, per table, as JSON-ready dicts."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in tenant_tables(connection):
        order = list(table.primary_key.columns) or list(table.columns)
        rows = connection.execute(
            select(table).where(_owner_column(table) == slug).order_by(*order)
        ).mappings()
        found[table.name] = [{k: _to_json(v) for k, v in row.items()} for row in rows]
    if not found.get(REGISTRY_TABLE):
        raise NotFound(f"no tenant {slug!r} is provisioned")
    return found


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def write_archive(path: Path, slug: str, tables: dict[str, list[dict[str, Any]]]) -> str:
    """Write the archive; returns the SHA-256 of the whole file."""
    files = {f"tables/{name}.json": _dump(rows) for name, rows in tables.items()}
    manifest = {
        "format": FORMAT,
        "tenant": slug,
        "exported_at": utcnow().isoformat(),
        "tables": {name: len(rows) for name, rows in tables.items()},
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", _dump(manifest))
        for name, data in files.items():
            archive.writestr(name, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(path)  # never a half-written archive under the final name
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def read_archive(path: Path) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    """The tenant slug and its rows; refuses an archive that is damaged or not ours."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise InvalidInput(f"{path}: not a Noaber tenant export ({FORMAT})")
            tables: dict[str, list[dict[str, Any]]] = {}
            for name in manifest["tables"]:
                data = archive.read(f"tables/{name}.json")
                if hashlib.sha256(data).hexdigest() != manifest["sha256"][f"tables/{name}.json"]:
                    raise InvalidInput(f"{path}: tables/{name}.json does not match its checksum")
                tables[name] = json.loads(data)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InvalidInput(f"{path}: not a readable tenant export: {exc}") from exc
    return str(manifest["tenant"]), tables


def export_tenant(engine: Engine, slug: str, path: Path) -> tuple[str, dict[str, int]]:
    """Write every row of the tenant to an archive (one consistent snapshot)."""
    with tenant_transaction(engine, slug, snapshot=True) as conn:
        tables = read_tenant(conn, slug)
    digest = write_archive(path, slug, tables)
    return digest, {name: len(rows) for name, rows in tables.items()}


def offboard_tenant(
    engine: Engine, slug: str, *, reason: str = "", export_sha256: str | None = None
) -> dict[str, int]:
    """Delete every row of the tenant, children first, in one transaction, and record
    what was deleted in the offboarding register."""
    with tenant_transaction(engine, slug) as conn:
        tables = tenant_tables(conn)
        registry = next(t for t in tables if t.name == REGISTRY_TABLE)
        tenant = conn.execute(select(registry).where(registry.c.slug == slug)).mappings().first()
        if tenant is None:
            raise NotFound(f"no tenant {slug!r} is provisioned")
        deleted: dict[str, int] = {}
        for table in reversed(tables):
            result = conn.execute(delete(table).where(_owner_column(table) == slug))
            deleted[table.name] = result.rowcount
        conn.execute(
            insert(Offboarding.__table__).values(  # type: ignore[attr-defined]
                tenant_slug=slug,
                tenant_name=tenant["name"],
                cbs_code=tenant["cbs_code"],
                offboarded_at=utcnow(),
                deleted_rows=deleted,
                export_sha256=export_sha256,
                reason=reason,
            )
        )
    return deleted


def import_tenant(engine: Engine, path: Path) -> tuple[str, dict[str, int]]:
    """Restore an archive into this install, in one transaction: all or nothing."""
    slug, rows_by_table = read_archive(path)
    with tenant_transaction(engine, slug) as conn:
        tables = {t.name: t for t in tenant_tables(conn)}
        unknown = sorted(set(rows_by_table) - set(tables))
        if unknown:
            raise InvalidInput(
                f"{path}: tables not in this database (is a plugin missing?): {', '.join(unknown)}"
            )
        registry = tables[REGISTRY_TABLE]
        if conn.execute(select(registry.c.slug).where(registry.c.slug == slug)).first():
            raise Conflict(f"tenant {slug!r} already exists; offboard it before importing")
        counts: dict[str, int] = {}
        try:
            for name, table in tables.items():  # parents first
                rows = rows_by_table.get(name, [])
                for row in rows:
                    if name != REGISTRY_TABLE and row.get(TENANT_COLUMN) != slug:
                        raise InvalidInput(f"{path}: {name} holds a row of another tenant")
                if rows:
                    conn.execute(
                        insert(table),
                        [{k: _from_json(table.c[k], v) for k, v in row.items()} for row in rows],
                    )
                counts[name] = len(rows)
        except IntegrityError as exc:
            raise Conflict(
                f"{path}: rows clash with rows already in this database: {exc.orig}"
            ) from exc
        if conn.dialect.name == "postgresql":
            _advance_sequences(conn, [tables[n] for n in counts if counts[n]])
    return slug, counts


def _advance_sequences(conn: Connection, tables: list[Table]) -> None:
    """Imported ids were given explicitly: move each serial sequence past them."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence is None:
                continue
            top = conn.execute(select(func.max(column))).scalar()
            if top is not None:
                # Never backwards: other tenants' rows may hold higher ids.
                last = conn.execute(
                    text(
                        "SELECT last_value FROM pg_sequences"
                        " WHERE schemaname || '.' || sequencename = :s"
                    ),
                    {"s": sequence},
                ).scalar()
                if last is None or top > last:
                    conn.execute(
                        text("SELECT setval(CAST(:s AS regclass), :v)"), {"s": sequence, "v": top}
                    )
