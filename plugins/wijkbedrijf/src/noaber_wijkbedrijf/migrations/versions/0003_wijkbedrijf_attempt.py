"""wijkbedrijf: when the latest attempt to send a notification began (a send is claimed
first, so two requests never send the same confirmation)

Revision ID: 0003_wijkbedrijf_attempt
Revises: 0002_wijkbedrijf_delivery
Create Date: 2026-12-06 21:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003_wijkbedrijf_attempt"
down_revision: str | Sequence[str] | None = "0002_wijkbedrijf_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("wijkbedrijf_notification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("attempted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("wijkbedrijf_notification", schema=None) as batch_op:
        batch_op.drop_column("attempted_at")
