"""staff notes on an order (issue 19 item 3: the order, whole)

Revision ID: 0005_order_notes
Revises: 0004_hostile2
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_order_notes"
down_revision = "0004_hostile2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "shop_id", sa.Integer(), sa.ForeignKey("shops.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "order_id", sa.Integer(), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_order_notes_order", "order_notes", ["shop_id", "order_id"])


def downgrade() -> None:
    op.drop_index("ix_order_notes_order", table_name="order_notes")
    op.drop_table("order_notes")
