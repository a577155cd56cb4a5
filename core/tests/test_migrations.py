"""Migrations bring an empty database to head, on SQLite and (in the postgres env) PostgreSQL."""

from click.testing import CliRunner
from core_helpers import entry_point, installed_plugin_entry_points
from sqlalchemy import inspect

from noaber.cli import main
from noaber.db import migrate
from noaber.db.engine import make_engine
from noaber.plugins import discover_plugins
from noaber.settings import Settings


def sample_catalog():
    eps = [*installed_plugin_entry_points(), entry_point("sample", "noaber_sampleplugin.plugin")]
    return discover_plugins(Settings(), entry_points=eps)


def test_empty_database_to_head_with_a_plugin_branch(empty_database_url):
    catalog = sample_catalog()
    engine = make_engine(empty_database_url, pool_size=2)
    try:
        assert migrate.current(engine) == set()
        migrate.upgrade(engine, catalog)
        tables = set(inspect(engine).get_table_names())
        assert {"tenant", "tenant_host", "neighbourhood", "sample_note"} <= tables
        assert migrate.pending(engine, catalog) == []
        assert "s001_sample" in migrate.current(engine)
        # Running it again changes nothing.
        migrate.upgrade(engine, catalog)
        assert migrate.is_up_to_date(engine, catalog)
    finally:
        engine.dispose()


def test_plugin_branch_is_found_through_its_hook():
    locations = migrate.version_locations(sample_catalog())
    assert locations[0].endswith("noaber/db/migrations/versions")
    assert any(loc.endswith("noaber_sampleplugin/migrations") for loc in locations)


def test_db_commands(empty_database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    runner = CliRunner()
    behind = runner.invoke(main, ["db", "current"])
    assert behind.exit_code == 1
    assert "(empty database)" in behind.output
    assert "run `noaber db upgrade`" in behind.output
    upgraded = runner.invoke(main, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert "database is at: " in upgraded.output
    current = runner.invoke(main, ["db", "current"])
    assert current.exit_code == 0, current.output
    assert "behind" not in current.output


def test_serve_refuses_an_unmigrated_database(empty_database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    result = CliRunner().invoke(main, ["serve", "--port", "8999"])
    assert result.exit_code == 1
    assert "run `noaber db upgrade` first" in result.output


def test_demo_seeding_stamps_plugin_rows_that_were_not_flushed(
    database_url, migration_database_url
):
    """A seed_demo_data hook may just add rows; seeding flushes them inside the tenant scope."""
    from sqlmodel import select

    from noaber.demo.seed import seed_demo
    from noaber.platform import Platform
    from noaber.tenancy import tenant_scope
    from noaber_sampleplugin.plugin import SampleNote

    catalog = sample_catalog()
    owner = make_engine(migration_database_url, pool_size=2)
    migrate.upgrade(owner, catalog)
    if owner.dialect.name == "postgresql":
        from noaber.db.rls import grant_app_role
        from noaber.testing import APP_ROLE

        grant_app_role(owner, APP_ROLE)
    owner.dispose()
    settings = Settings(database_url=database_url, migration_database_url=migration_database_url)
    platform = Platform.build(settings, catalog=catalog)
    meppel = platform.municipalities["meppel"]
    # Let Meppel enable the sample plugin for this test.
    from dataclasses import replace

    platform.municipalities = {"meppel": replace(meppel, plugin_settings={"sample": None})}
    seed_demo(platform)
    with platform.sessions.begin() as session, tenant_scope("meppel"):
        notes = session.exec(select(SampleNote)).all()
    assert [n.text for n in notes] == ["demo note for meppel"]
    platform.dispose()


def test_migrations_match_the_models(database_url):
    """Core's and every plugin's migrations create what the models declare: columns,
    types, indexes (a model's index without its migration is a slow query in
    production only)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    from noaber.db.engine import make_engine

    def installed(obj, name, type_, reflected, compare_to):
        # The test fixtures' sample plugin (imported by other tests) is not installed.
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
        return not str(table).startswith("sample_")

    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": installed}
            )
            diff = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []
