"""platform tables: tenants, hosts, neighbourhoods

Revision ID: 0001_platform
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001_platform"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("core",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tenant",
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("cbs_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("package", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("provisioned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
        sa.UniqueConstraint("cbs_code"),
    )
    op.create_table(
        "neighbourhood",
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("cbs_wijk_code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("cbs_buurt_codes", sa.JSON(), nullable=False),
        sa.Column("postcodes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.slug"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "cbs_wijk_code"),
    )
    with op.batch_alter_table("neighbourhood", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_neighbourhood_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "tenant_host",
        sa.Column("host", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.slug"],
        ),
        sa.PrimaryKeyConstraint("host"),
    )
    with op.batch_alter_table("tenant_host", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tenant_host_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tenant_host", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tenant_host_tenant_id"))

    op.drop_table("tenant_host")
    with op.batch_alter_table("neighbourhood", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_neighbourhood_tenant_id"))

    op.drop_table("neighbourhood")
    op.drop_table("tenant")
