"""wijkbedrijf: whether a resident's notification was sent, when, or why not

Revision ID: 0002_wijkbedrijf_delivery
Revises: 0001_wijkbedrijf
Create Date: 2026-11-23 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002_wijkbedrijf_delivery"
down_revision: str | Sequence[str] | None = "0001_wijkbedrijf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("wijkbedrijf_notification", schema=None) as batch_op:
        # Messages stored before this revision were never sent: they are 'open'.
        batch_op.add_column(
            sa.Column(
                "delivery",
                sa.Enum(
                    "open",
                    "verstuurd",
                    "geen_emailadres",
                    "mislukt",
                    name="delivery",
                    native_enum=False,
                    length=30,
                ),
                nullable=False,
                server_default="open",
            )
        )
        batch_op.add_column(
            sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("delivery_error", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
    # The server default only fills the existing rows; the application always sets it.
    with op.batch_alter_table("wijkbedrijf_notification", schema=None) as batch_op:
        batch_op.alter_column("delivery", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("wijkbedrijf_notification", schema=None) as batch_op:
        batch_op.drop_column("delivery_error")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("delivery")
