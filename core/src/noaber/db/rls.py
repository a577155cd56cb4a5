"""Row-level security on PostgreSQL: the database's own guard of tenant isolation.

Every table with a ``tenant_id`` column (core's and every plugin's) gets RLS enabled and
*forced* (so the table owner is subject to it too) and one policy::

    tenant_id = NULLIF(current_setting('app.tenant_id', true), '')

The session sets ``app.tenant_id`` per transaction (:mod:`noaber.db.session`). Unset or
empty, the right-hand side is NULL, the comparison is never true: no rows are visible and
no row can be written. The policy fails closed.

The application connects as a role that owns nothing and has no ``BYPASSRLS``. Platform
code that must cross tenants (migrations, provisioning, export, offboarding) uses the
migration role (``NOABER_MIGRATION_DATABASE_URL``), which owns the tables and has
``BYPASSRLS``: crossing tenants takes different credentials, not a flag that a bug or an
injected ``set_config`` in the application could flip.

Plugin authors: call :func:`enable_tenant_rls` in the revision that creates a tenant-owned
table::

    from noaber.db.rls import enable_tenant_rls

    def upgrade() -> None:
        op.create_table("my_table", ...)
        enable_tenant_rls(op, "my_table")
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, inspect, text
from sqlalchemy.engine import make_url

TENANT_COLUMN = "tenant_id"
POLICY = "tenant_isolation"
REGISTRY_READ_POLICY = "registry_read"

REGISTRY_TABLES = frozenset({"tenant_host"})
"""Tables of the tenant registry itself: host names are public (they are DNS names), and
the running app must read all of them to route requests. Reads are open, writes are
still limited to the tenant in context (or the migration role)."""

_CONDITION = f"{TENANT_COLUMN} = NULLIF(current_setting('app.tenant_id', true), '')"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def rls_statements(table: str) -> list[str]:
    """The SQL that puts ``table`` under row-level security (idempotent)."""
    t = _quote(table)
    statements = [
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY} ON {t}",
        f"CREATE POLICY {POLICY} ON {t} USING ({_CONDITION}) WITH CHECK ({_CONDITION})",
    ]
    if table in REGISTRY_TABLES:
        statements += [
            f"DROP POLICY IF EXISTS {REGISTRY_READ_POLICY} ON {t}",
            f"CREATE POLICY {REGISTRY_READ_POLICY} ON {t} FOR SELECT USING (true)",
        ]
    return statements


def disable_statements(table: str) -> list[str]:
    t = _quote(table)
    return [
        f"DROP POLICY IF EXISTS {REGISTRY_READ_POLICY} ON {t}",
        f"DROP POLICY IF EXISTS {POLICY} ON {t}",
        f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY",
    ]


def enable_tenant_rls(op: Any, table: str) -> None:
    """In an Alembic revision: RLS enabled, forced, and the fail-closed tenant policy.

    A no-op on SQLite (which has no RLS; the ORM guard is the only guard there).
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in rls_statements(table):
        op.execute(statement)


def disable_tenant_rls(op: Any, table: str) -> None:
    """The reverse of :func:`enable_tenant_rls`, for a revision's ``downgrade``."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in disable_statements(table):
        op.execute(statement)


def tenant_tables_in_database(connection: Connection) -> list[str]:
    """Every table of the current schema that has a ``tenant_id`` column."""
    inspector = inspect(connection)
    return sorted(
        name
        for name in inspector.get_table_names()
        if any(col["name"] == TENANT_COLUMN for col in inspector.get_columns(name))
    )


def tenant_tables_in_metadata(metadata: MetaData) -> list[str]:
    """Every table the models declare with a ``tenant_id`` column."""
    return sorted(t.name for t in metadata.sorted_tables if TENANT_COLUMN in t.columns)


@dataclass(frozen=True)
class RlsState:
    table: str
    enabled: bool
    forced: bool
    policies: tuple[str, ...]

    @property
    def protected(self) -> bool:
        return self.enabled and self.forced and POLICY in self.policies


def rls_state(connection: Connection, tables: Iterable[str]) -> dict[str, RlsState | None]:
    """What pg_class and pg_policies say about each table (None: no such table)."""
    rows = connection.execute(
        text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "  coalesce(array_agg(p.polname) FILTER (WHERE p.polname IS NOT NULL), '{}') "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_policy p ON p.polrelid = c.oid "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
            "GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity"
        )
    ).all()
    found = {r[0]: RlsState(r[0], r[1], r[2], tuple(sorted(r[3]))) for r in rows}
    return {table: found.get(table) for table in tables}


def unprotected_tables(engine: Engine) -> list[str]:
    """Tenant tables (with a tenant_id column) lacking forced RLS and the policy."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        states = rls_state(conn, tenant_tables_in_database(conn))
    return sorted(t for t, s in states.items() if s is None or not s.protected)


READ_ONLY_FOR_APP = ("tenant", "tenant_host", "offboarding", "alembic_version")
"""Platform tables the running app may read but never change: the registry (so a bug or
an injection in the app cannot resume a suspended tenant or claim a host), the
offboarding register and the migration state."""

APPEND_ONLY_FOR_APP = ("access_log", "removal_register")
"""Tables the running app may read and append to but never change or delete from
(the access log of personal data and the register of what retention removed)."""


def grant_app_role(engine: Engine, role: str) -> None:
    """Let the application role read and write the tenant tables (read the platform
    tables), owning none of them.

    Run by the migration role after each upgrade (``noaber db upgrade``); idempotent.
    """
    if engine.dialect.name != "postgresql":
        return
    r = _quote(role)
    with engine.begin() as conn:
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {r}"))
        conn.execute(
            text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}")
        )
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}"))
        existing = set(inspect(conn).get_table_names())
        for table in READ_ONLY_FOR_APP:
            if table in existing:
                conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE ON {_quote(table)} FROM {r}"))
        for table in APPEND_ONLY_FOR_APP:
            if table in existing:
                conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {_quote(table)} FROM {r}"))


def role_of(url: str) -> str | None:
    """The user name in a database URL."""
    return make_url(url).username


def app_role_problems(engine: Engine) -> list[str]:
    """Why the role the app connects as could see past RLS (empty: it cannot)."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT rolsuper, rolbypassrls, "
                "  (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                "   WHERE n.nspname = current_schema() AND c.relowner = r.oid) "
                "FROM pg_roles r WHERE rolname = current_user"
            )
        ).one()
    problems = []
    if row[0]:
        problems.append("it is a superuser")
    if row[1]:
        problems.append("it has BYPASSRLS")
    if row[2]:
        problems.append(f"it owns {row[2]} relations")
    return problems
