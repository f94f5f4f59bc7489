"""short links for SMS and messengers (/t/<code>)

Revision ID: 0003_links_api
Revises: 0002
Create Date: 2026-12-03 10:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_links_api'
down_revision = '0003_msg_shipments'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('short_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('shop_id', 'order_id', name='uq_short_links_order')
    )


def downgrade() -> None:
    op.drop_table('short_links')
