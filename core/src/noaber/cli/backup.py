"""`noaber backup` and `noaber restore`: one tenant or the whole install.

A tenant backup is the tenant export of :mod:`noaber.tenancy.archive` (the same file
``noaber tenants export`` writes); restoring it is ``noaber tenants import`` after
migrating the database. A whole-install backup is a zip in the same style: every table
except Alembic's (rows ordered by primary key, one JSON file per table), a manifest with
the row counts, a SHA-256 per table file and the schema revisions it was taken at. It is
read in one consistent snapshot and restored into an empty database in one transaction:
all or nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Connection, Engine, MetaData, Table, func, insert, select

from noaber.cli.base import build_platform, fails_cleanly
from noaber.clock import utcnow
from noaber.errors import Conflict, InvalidInput
from noaber.plugins import PluginCatalog
from noaber.tenancy.archive import (
    FORMAT as TENANT_FORMAT,
)
from noaber.tenancy.archive import (
    _advance_sequences,
    _dump,
    _from_json,
    _to_json,
    export_tenant,
    import_tenant,
)

FORMAT = "noaber-install-backup/1"
VERSION_TABLE = "alembic_version"


def install_tables(connection: Connection) -> list[Table]:
    """Every table of the install but Alembic's, parents first."""
    metadata = MetaData()
    metadata.reflect(connection)
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def read_table(connection: Connection, table: Table) -> list[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    rows = connection.execute(select(table).order_by(*order)).mappings()
    return [{k: _to_json(v) for k, v in row.items()} for row in rows]


def _snapshot(engine: Engine) -> Connection:
    conn = engine.connect()
    if conn.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def table_checksums(engine: Engine) -> dict[str, tuple[int, str]]:
    """Per table: (row count, SHA-256 of its rows in primary-key order). Two databases
    with equal checksums hold the same rows."""
    with _snapshot(engine) as conn, conn.begin():
        return {
            t.name: (len(rows), hashlib.sha256(_dump(rows)).hexdigest())
            for t in install_tables(conn)
            for rows in [read_table(conn, t)]
        }


def _heads(connection: Connection) -> list[str]:
    from alembic.runtime.migration import MigrationContext

    return sorted(MigrationContext.configure(connection).get_current_heads())


def backup_install(engine: Engine, path: Path) -> tuple[str, dict[str, int]]:
    """Write every row of the install to ``path``; returns the file's SHA-256 and counts."""
    with _snapshot(engine) as conn, conn.begin():
        heads = _heads(conn)
        tables = {t.name: read_table(conn, t) for t in install_tables(conn)}
    files = {f"tables/{name}.json": _dump(rows) for name, rows in tables.items()}
    counts = {name: len(rows) for name, rows in tables.items()}
    manifest = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(),
        "schema_revisions": heads,
        "tables": counts,
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
    partial.replace(path)  # never a half-written backup under the final name
    return hashlib.sha256(buffer.getvalue()).hexdigest(), counts


def backup_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            return str(json.loads(archive.read("manifest.json")).get("format"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InvalidInput(f"{path}: not a readable Noaber backup: {exc}") from exc


def read_install_backup(path: Path) -> tuple[list[str], dict[str, list[dict[str, Any]]]]:
    """The schema revisions and rows of a whole-install backup, checksums verified."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise InvalidInput(f"{path}: not a Noaber install backup ({FORMAT})")
            tables: dict[str, list[dict[str, Any]]] = {}
            for name in manifest["tables"]:
                data = archive.read(f"tables/{name}.json")
                if hashlib.sha256(data).hexdigest() != manifest["sha256"][f"tables/{name}.json"]:
                    raise InvalidInput(f"{path}: tables/{name}.json does not match its checksum")
                tables[name] = json.loads(data)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InvalidInput(f"{path}: not a readable install backup: {exc}") from exc
    return list(manifest["schema_revisions"]), tables


def restore_install(engine: Engine, catalog: PluginCatalog, path: Path) -> dict[str, int]:
    """Migrate the (empty) database to head and load the backup into it, all or nothing."""
    from noaber.db import migrate

    revisions, rows_by_table = read_install_backup(path)
    migrate.upgrade(engine, catalog)
    with engine.begin() as conn:
        if _heads(conn) != revisions:
            raise InvalidInput(
                f"{path} was taken at schema {', '.join(revisions)}; this install's code "
                f"migrates to {', '.join(_heads(conn))}: restore with the matching version"
            )
        tables = {t.name: t for t in install_tables(conn)}
        unknown = sorted(set(rows_by_table) - set(tables))
        if unknown:
            raise InvalidInput(
                f"{path}: tables not in this database (is a plugin missing?): {', '.join(unknown)}"
            )
        filled = [
            name
            for name, table in tables.items()
            if conn.execute(select(func.count()).select_from(table)).scalar()
        ]
        if filled:
            raise Conflict(
                f"restore needs an empty database; these tables hold rows: {', '.join(filled)}"
            )
        counts: dict[str, int] = {}
        for name, table in tables.items():  # parents first
            rows = rows_by_table.get(name, [])
            if rows:
                conn.execute(
                    insert(table),
                    [{k: _from_json(table.c[k], v) for k, v in row.items()} for row in rows],
                )
            counts[name] = len(rows)
        if conn.dialect.name == "postgresql":
            _advance_sequences(conn, [tables[n] for n in counts if counts[n]])
    return counts


@click.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--tenant", help="Back up one tenant (a tenant export) instead of the install.")
@fails_cleanly
def backup(path: Path, tenant: str | None) -> None:
    """Write a backup of the whole install (or of one tenant) to a zip file."""
    platform = build_platform()
    if tenant is not None:
        digest, counts = export_tenant(platform.admin_engine, tenant, path)
    else:
        digest, counts = backup_install(platform.admin_engine, path)
    what = f"tenant {tenant}" if tenant else "install"
    click.echo(f"backed up {what}: {sum(counts.values())} rows in {len(counts)} tables to {path}")
    click.echo(f"sha256 {digest}")


@click.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@fails_cleanly
def restore(path: Path) -> None:
    """Restore a backup: a whole install into an empty database, or one tenant into
    this install (which must not hold that tenant). Migrates the database first."""
    from noaber.db import migrate

    platform = build_platform()
    kind = backup_format(path)
    if kind == TENANT_FORMAT:
        migrate.upgrade(platform.admin_engine, platform.catalog)
        slug, counts = import_tenant(platform.admin_engine, path)
        what = f"tenant {slug}"
    elif kind == FORMAT:
        counts = restore_install(platform.admin_engine, platform.catalog, path)
        what = "install"
    else:
        raise InvalidInput(f"{path}: not a Noaber backup (format {kind!r})")
    for table, count in counts.items():
        if count:
            click.echo(f"  {table}: {count}")
    click.echo(f"restored {what}: {sum(counts.values())} rows in {len(counts)} tables")
