"""row-level security on every table with a tenant_id column

Hand-written (autogenerate cannot see policies). It covers every table that has a
``tenant_id`` column when it runs, found by inspecting the schema, so it protects the
tables of every earlier revision, core's and plugins' alike. Tables created by later
revisions call ``noaber.db.rls.enable_tenant_rls(op, table)`` themselves.

Revision ID: 0010_rls
Revises: 0003_domain_location
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

from noaber.db.rls import disable_tenant_rls, enable_tenant_rls, tenant_tables_in_database

revision: str = "0010_rls"
down_revision: str | Sequence[str] | None = "0003_domain_location"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in tenant_tables_in_database(op.get_bind()):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    for table in tenant_tables_in_database(op.get_bind()):
        disable_tenant_rls(op, table)
