"""hostile input: phones as typed beside E.164, bounded event processing

Revision ID: 0003_hostile
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_hostile"
down_revision = "0003_tracking_page"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column(
            "phone", existing_type=sa.String(length=32), type_=sa.String(length=100)
        )
        batch_op.add_column(sa.Column("phone_e164", sa.String(length=16), nullable=True))
    with op.batch_alter_table("order_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order_events", schema=None) as batch_op:
        batch_op.drop_column("last_error")
        batch_op.drop_column("attempts")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("phone_e164")
        batch_op.alter_column(
            "phone", existing_type=sa.String(length=100), type_=sa.String(length=32)
        )
