"""money in messages: the shipping line of an order

Revision ID: 0004_money
Revises: 0003_hostile
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_money"
down_revision = "0003_hostile"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shipping_total", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("shipping_total")
