"""the facts of the event behind each message; the time an event claimed when it was clamped

Revision ID: 0003_msg_facts
Revises: 0002
Create Date: 2026-12-03 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_msg_facts'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_facts', sa.JSON(), nullable=True))
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('event_facts')
