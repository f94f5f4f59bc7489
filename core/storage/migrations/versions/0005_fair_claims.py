"""fair sending: each shop's last claim found by index, for round robin over shops (issue 16 item 7)

Revision ID: 0005_fair_claims
Revises: 0005_delivery_window
"""

from alembic import op

revision = "0005_fair_claims"
down_revision = "0005_delivery_window"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notifications_shop_claimed", "notifications", ["shop_id", "claimed_at"])


def downgrade() -> None:
    op.drop_index("ix_notifications_shop_claimed", table_name="notifications")
