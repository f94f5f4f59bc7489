"""promise: each change of an order's delivery date with its cause, and the range's first day

Revision ID: 0005_promise
Revises: 0005_order_notes
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_promise"
down_revision = "0005_order_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("estimated_earliest", sa.Date(), nullable=True))
    op.create_table(
        "promise_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "shop_id", sa.Integer(), sa.ForeignKey("shops.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "order_id", sa.Integer(), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("shipment_external_id", sa.String(100), nullable=True),
        sa.Column("earliest", sa.Date(), nullable=False),
        sa.Column("latest", sa.Date(), nullable=False),
        sa.Column("cause", sa.String(16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_promise_changes_order", "promise_changes", ["order_id", "id"])
    op.create_index("ix_promise_changes_shop_created", "promise_changes", ["shop_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_promise_changes_shop_created", table_name="promise_changes")
    op.drop_index("ix_promise_changes_order", table_name="promise_changes")
    op.drop_table("promise_changes")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("estimated_earliest")
