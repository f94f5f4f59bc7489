"""tracking links carry an opaque per-order id, not [shop_id, order_id] (issue 16 item 12)

Revision ID: 0005_link_ids
Revises: 0005_fair_claims
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005_link_ids"
down_revision = "0005_fair_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_id", sa.String(length=32), nullable=True))
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("public_id", sa.String))
    bind = op.get_bind()
    ids = [row[0] for row in bind.execute(sa.select(orders.c.id))]
    for order_id in ids:  # one random id each; old links keep working by their old token
        bind.execute(
            orders.update()
            .where(orders.c.id == order_id)
            .values(public_id=secrets.token_urlsafe(16))
        )
    op.create_index("uq_orders_public_id", "orders", ["public_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_orders_public_id", table_name="orders")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("public_id")
