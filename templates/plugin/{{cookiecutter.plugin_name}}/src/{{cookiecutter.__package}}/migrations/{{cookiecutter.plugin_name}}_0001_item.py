"""{{ cookiecutter.plugin_name }}: {{ cookiecutter.plugin_name }}_item

The first revision of this plugin's own version branch: ``branch_labels`` names the
branch, ``depends_on`` is core's head when the plugin was generated (the tenant table
must exist). Later revisions: ``noaber db revision --branch {{ cookiecutter.plugin_name }} -m "..."``.

Revision ID: {{ cookiecutter.plugin_name }}_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "{{ cookiecutter.plugin_name }}_0001"
down_revision = None
branch_labels = ("{{ cookiecutter.plugin_name }}",)
depends_on = {{ cookiecutter.core_revision|revisions }}


def upgrade() -> None:
    op.create_table(
        "{{ cookiecutter.plugin_name }}_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.String(length=40),
            sa.ForeignKey("tenant.slug"),
            nullable=False,
            index=True,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("{{ cookiecutter.plugin_name }}_item")
