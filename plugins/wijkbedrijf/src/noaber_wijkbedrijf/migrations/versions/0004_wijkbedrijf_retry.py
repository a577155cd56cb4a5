"""wijkbedrijf: failed confirmation mails are retried: how often sending was tried and
when the next try is due

Revision ID: 0004_wijkbedrijf_retry
Revises: 0003_wijkbedrijf_attempt
Create Date: 2026-12-07 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004_wijkbedrijf_retry"
down_revision: str | Sequence[str] | None = "0003_wijkbedrijf_attempt"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("wijkbedrijf_notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("next_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_wijkbedrijf_notification_next_attempt_at"),
            ["next_attempt_at"],
            unique=False,
        )
    # A message that went out, failed or is being sent was tried once (at least). Failures
    # from before this revision get no next try: a coordinator already sees them and
    # resends by hand; mailing an old confirmation unasked could surprise a resident.
    op.execute(
        "UPDATE wijkbedrijf_notification SET attempts = 1 "
        "WHERE delivery IN ('verstuurd', 'mislukt', 'bezig')"
    )
    # The server default only fills the existing rows; the application always sets it.
    with op.batch_alter_table("wijkbedrijf_notification", schema=None) as batch_op:
        batch_op.alter_column("attempts", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("wijkbedrijf_notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wijkbedrijf_notification_next_attempt_at"))
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
