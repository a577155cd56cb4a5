"""Row-level security: every tenant table of core and of every plugin is protected in
PostgreSQL, fails closed without a tenant, and the app role cannot get around it."""

import pytest
from core_helpers import entry_point, installed_plugin_entry_points
from sqlalchemy import text
from sqlmodel import SQLModel

from noaber.db import migrate
from noaber.db.engine import make_engine
from noaber.db.rls import (
    app_role_problems,
    rls_state,
    tenant_tables_in_database,
    tenant_tables_in_metadata,
    unprotected_tables,
)
from noaber.plugins import discover_plugins
from noaber.settings import Settings
from noaber.testing import backend

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(backend() != "postgres", reason="row-level security is PostgreSQL's"),
]


def every_plugin_catalog():
    """Every installed plugin plus the sample plugin, so their tables are on the metadata."""
    eps = [*installed_plugin_entry_points(), entry_point("sample", "noaber_sampleplugin.plugin")]
    return discover_plugins(Settings(), entry_points=eps)


def test_every_tenant_table_has_forced_rls_and_a_policy(empty_database_url):
    import noaber.db.tables  # noqa: F401  (core's tables on the metadata)

    catalog = every_plugin_catalog()
    engine = make_engine(empty_database_url, pool_size=1)
    try:
        migrate.upgrade(engine, catalog)
        declared = tenant_tables_in_metadata(SQLModel.metadata)
        with engine.connect() as conn:
            in_database = tenant_tables_in_database(conn)
            states = rls_state(conn, sorted({*declared, *in_database}))
    finally:
        engine.dispose()
    assert "neighbourhood" in declared
    assert "sample_note" in declared
    missing = sorted(t for t, s in states.items() if s is None)
    assert missing == [], f"tenant tables declared in models but not created: {missing}"
    unprotected = {t: s for t, s in states.items() if s is not None and not s.protected}
    print(f"\nRLS coverage: {len(states)} tenant tables, {len(unprotected)} unprotected")
    assert unprotected == {}, (
        "tenant tables without RLS enabled + forced + the tenant_isolation policy: "
        f"{sorted(unprotected)} (call noaber.db.rls.enable_tenant_rls in the revision)"
    )


def test_a_table_without_rls_is_found(empty_database_url):
    engine = make_engine(empty_database_url, pool_size=1)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE tenant (slug varchar(40) primary key)"))
            conn.execute(text("CREATE TABLE leaky (id int, tenant_id varchar(40))"))
        assert unprotected_tables(engine) == ["leaky"]
    finally:
        engine.dispose()


def test_the_app_role_owns_nothing_and_cannot_bypass(platform):
    assert app_role_problems(platform.engine) == []
    # The migration role is a different role.
    assert platform.engine.url.username != platform.admin_engine.url.username


def rows_seen(conn, table, tenant):
    conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": tenant})
    return conn.execute(text(f"SELECT DISTINCT tenant_id FROM {table}")).scalars().all()


def test_raw_sql_as_app_role_sees_only_the_tenant_set(platform):
    """Below the ORM guard: plain SQL on the app's connection is still isolated."""
    with platform.engine.connect() as conn:
        tables = tenant_tables_in_database(conn)
        conn.rollback()
        for table in tables:
            if table == "tenant_host":
                continue  # registry: readable by all (host names are public)
            with conn.begin():
                assert rows_seen(conn, table, "") == [], table
            with conn.begin():
                assert set(rows_seen(conn, table, "meppel")) <= {"meppel"}, table
        with conn.begin():
            assert rows_seen(conn, "neighbourhood", "meppel") == ["meppel"]
        # Nothing set at all (a fresh transaction without set_config): nothing visible.
        with conn.begin():
            assert conn.execute(text("SELECT count(*) FROM neighbourhood")).scalar() == 0


def test_writes_for_another_tenant_fail_in_the_database(platform):
    from sqlalchemy.exc import ProgrammingError

    with platform.engine.connect() as conn:
        insert = text(
            "INSERT INTO neighbourhood (tenant_id, name, cbs_wijk_code, cbs_buurt_codes,"
            " postcodes) VALUES ('amersfoort', 'x', 'WK030799', '[]', '[]')"
        )
        with conn.begin():
            conn.execute(text("SELECT set_config('app.tenant_id', 'meppel', true)"))
            with pytest.raises(ProgrammingError, match="row-level security"):
                conn.execute(insert)
        with conn.begin():
            conn.execute(text("SELECT set_config('app.tenant_id', 'meppel', true)"))
            changed = conn.execute(
                text("UPDATE neighbourhood SET name = 'x' WHERE tenant_id = 'amersfoort'")
            ).rowcount
            deleted = conn.execute(
                text("DELETE FROM neighbourhood WHERE tenant_id = 'amersfoort'")
            ).rowcount
        assert (changed, deleted) == (0, 0)
        with pytest.raises(ProgrammingError), conn.begin():
            # Cannot switch RLS off either: the app role owns no table.
            conn.execute(text("ALTER TABLE neighbourhood DISABLE ROW LEVEL SECURITY"))


def test_the_app_role_cannot_change_the_registry(platform):
    """A bug or an injection in the app cannot resume a suspended tenant or claim a host."""
    from sqlalchemy.exc import ProgrammingError

    for statement in (
        "UPDATE tenant SET status = 'active'",
        "INSERT INTO tenant_host (host, tenant_id) VALUES ('evil.test', 'meppel')",
        "DELETE FROM offboarding",
    ):
        with platform.engine.connect() as conn, pytest.raises(ProgrammingError, match="denied"):
            conn.execute(text(statement))
