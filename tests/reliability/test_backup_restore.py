"""Backup and restore drill: `noaber backup` and `noaber restore`, whole install and one
tenant. Restoring into an empty database gives identical row counts and checksums per
table; a damaged backup or a non-empty target is refused and changes nothing."""

import zipfile

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from noaber.cli import main
from noaber.cli.backup import table_checksums
from noaber.db.engine import make_engine
from noaber.demo.seed import seed_demo
from noaber.tenancy.archive import read_tenant, tenant_transaction

pytestmark = pytest.mark.slow  # tens of seconds: runs first (see conftest.py)


@pytest.fixture
def demo(make_platform):
    platform = make_platform(provision_all=False)
    seed_demo(platform)
    return platform


def cli(monkeypatch, url, *args):
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("NOABER_MIGRATION_DATABASE_URL", raising=False)
    return CliRunner().invoke(main, list(args))


def test_whole_install_round_trip(
    demo, migration_database_url, empty_database_url, tmp_path, monkeypatch
):
    path = tmp_path / "install.zip"
    made = cli(monkeypatch, migration_database_url, "backup", str(path))
    assert made.exit_code == 0, made.output
    restored = cli(monkeypatch, empty_database_url, "restore", str(path))
    assert restored.exit_code == 0, restored.output

    source = make_engine(migration_database_url, pool_size=1)
    target = make_engine(empty_database_url, pool_size=1)
    before, after = table_checksums(source), table_checksums(target)
    filled = {name: count for name, (count, _sha) in before.items() if count}
    print(
        f"\nbackup/restore drill (install): {len(before)} tables, {len(filled)} with rows, "
        f"{sum(filled.values())} rows; checksums equal: {before == after}"
    )
    assert len(filled) >= 5  # demo data in core's and plugins' tables
    assert after == before
    # A second restore into the now-filled database is refused and changes nothing.
    again = cli(monkeypatch, empty_database_url, "restore", str(path))
    assert again.exit_code == 1
    assert "empty database" in again.output
    assert table_checksums(target) == before
    source.dispose()
    target.dispose()


def test_restored_install_keeps_numbering(
    demo, migration_database_url, empty_database_url, tmp_path, monkeypatch
):
    """New rows after a restore get fresh ids (sequences moved past the restored ids)."""
    path = tmp_path / "install.zip"
    assert cli(monkeypatch, migration_database_url, "backup", str(path)).exit_code == 0
    assert cli(monkeypatch, empty_database_url, "restore", str(path)).exit_code == 0
    engine = make_engine(empty_database_url, pool_size=1)
    with engine.begin() as conn:
        top = conn.execute(text("SELECT max(id) FROM neighbourhood")).scalar()
        tenant = conn.execute(text("SELECT tenant_id FROM neighbourhood LIMIT 1")).scalar()
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": tenant})
        conn.execute(
            text(
                "INSERT INTO neighbourhood (tenant_id, name, cbs_wijk_code, cbs_buurt_codes, postcodes) "
                "VALUES (:t, 'Nieuw', 'WK999999', '[]', '[]')"
            ),
            {"t": tenant},
        )
        new = conn.execute(text("SELECT max(id) FROM neighbourhood")).scalar()
    engine.dispose()
    assert new > top


def test_one_tenant_round_trip(
    demo, migration_database_url, empty_database_url, tmp_path, monkeypatch
):
    path = tmp_path / "leeuwarden.zip"
    made = cli(monkeypatch, migration_database_url, "backup", "--tenant", "leeuwarden", str(path))
    assert made.exit_code == 0, made.output
    restored = cli(monkeypatch, empty_database_url, "restore", str(path))
    assert restored.exit_code == 0, restored.output
    source = make_engine(migration_database_url, pool_size=1)
    target = make_engine(empty_database_url, pool_size=1)
    with tenant_transaction(source, "leeuwarden") as conn:
        before = read_tenant(conn, "leeuwarden")
    with tenant_transaction(target, "leeuwarden") as conn:
        after = read_tenant(conn, "leeuwarden")
    counts = {name: len(rows) for name, rows in before.items() if rows}
    print(
        f"\nbackup/restore drill (tenant leeuwarden): {sum(counts.values())} rows in "
        f"{len(counts)} tables, identical: {before == after}"
    )
    assert sum(counts.values()) > 1
    assert after == before
    # Only leeuwarden's rows arrived.
    others = table_checksums(target)
    assert others["tenant"][0] == 1
    source.dispose()
    target.dispose()


def test_a_damaged_backup_is_refused(
    demo, migration_database_url, empty_database_url, tmp_path, monkeypatch
):
    path = tmp_path / "install.zip"
    assert cli(monkeypatch, migration_database_url, "backup", str(path)).exit_code == 0
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "tables/neighbourhood.json":
                data = (
                    data.replace(b"Centrum", b"Centrun", 1) if b"Centrum" in data else data + b" "
                )
            dst.writestr(item, data)
    result = cli(monkeypatch, empty_database_url, "restore", str(damaged))
    assert result.exit_code == 1
    assert "checksum" in result.output
    not_a_backup = tmp_path / "x.zip"
    not_a_backup.write_bytes(b"not a zip")
    result = cli(monkeypatch, empty_database_url, "restore", str(not_a_backup))
    assert result.exit_code == 1
    assert "not a readable" in result.output
