"""care: open orders' next care time, and the care steps taken (once each)

Revision ID: 0005_care
Revises: 0005_promise
"""

import sqlalchemy as sa
from alembic import op


revision = "0005_care"
down_revision = "0005_promise"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_watch",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("shop_id", sa.Integer(), sa.ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("next_care_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("order_id", name="uq_care_watch_order"),
    )
    op.create_index("ix_care_watch_due", "care_watch", ["next_care_at"])
    op.create_table(
        "care_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("shop_id", sa.Integer(), sa.ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("step", sa.String(10), nullable=False),
        sa.Column("parcel", sa.String(100), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("discount_code", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("shop_id", "order_id", "key", name="uq_care_actions_once"),
    )
    op.create_index("ix_care_actions_shop_at", "care_actions", ["shop_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_care_actions_shop_at", table_name="care_actions")
    op.drop_table("care_actions")
    op.drop_index("ix_care_watch_due", table_name="care_watch")
    op.drop_table("care_watch")
