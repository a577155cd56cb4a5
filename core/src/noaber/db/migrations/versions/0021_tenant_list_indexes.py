"""indexes on (tenant_id, id) of the tables listed page by page

One tenant's first page in id order then reads that tenant's first rows, however many
municipalities share the table (noaber.db.base.tenant_list_index).

Revision ID: 0021_tenant_list_indexes
Revises: 0020_accounts
Create Date: 2026-12-06 20:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021_tenant_list_indexes"
down_revision: str | Sequence[str] | None = "0020_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LISTED = ("person", "household", "helper_profile", "help_request")


def upgrade() -> None:
    for table in LISTED:
        op.create_index(f"ix_{table}_tenant_id_id", table, ["tenant_id", "id"])


def downgrade() -> None:
    for table in LISTED:
        op.drop_index(f"ix_{table}_tenant_id_id", table_name=table)
