"""admin language per staff member

Revision ID: 0004_i18n
Revises: 0004_money
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_i18n"
down_revision = "0004_money"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("locale")
