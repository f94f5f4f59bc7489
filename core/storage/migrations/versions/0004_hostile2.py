"""staff sessions end server-side: a generation bumped on sign-out (issue 16 item 9)

Revision ID: 0004_hostile2
Revises: 0004_carriers
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_hostile2"
down_revision = "0004_carriers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
