"""a parcel's delivery window as its carrier gives it, out for delivery (issue 14 item 5)

Revision ID: 0005_delivery_window
Revises: 0005_parcel_number_key
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_delivery_window"
down_revision = "0005_parcel_number_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_window", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_column("delivery_window")
