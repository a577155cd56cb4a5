"""domain: coordinates for people, helpers and requests; a helper's reach radius

Revision ID: 0003_domain_location
Revises: 0002_domain
Create Date: 2026-11-23 11:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_domain_location"
down_revision: str | Sequence[str] | None = "0002_domain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "person": ("latitude", "longitude"),
    "helper_profile": ("reach_radius_km", "latitude", "longitude"),
    "help_request": ("latitude", "longitude"),
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(sa.Column(column, sa.Float(), nullable=True))


def downgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(columns):
                batch_op.drop_column(column)
