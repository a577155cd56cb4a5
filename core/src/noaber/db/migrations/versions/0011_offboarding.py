"""offboarding register

Revision ID: 0011_offboarding
Revises: 0010_rls
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_offboarding"
down_revision: str | Sequence[str] | None = "0010_rls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offboarding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_slug", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("tenant_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("cbs_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("offboarded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("deleted_rows", sa.JSON(), nullable=False),
        sa.Column("export_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("offboarding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offboarding_tenant_slug"), ["tenant_slug"])


def downgrade() -> None:
    with op.batch_alter_table("offboarding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offboarding_tenant_slug"))
    op.drop_table("offboarding")
