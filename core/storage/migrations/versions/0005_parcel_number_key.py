"""followed parcels matched on their normalised number (issue 14: pushes with spaces/dashes)

Revision ID: 0005_parcel_number_key
Revises: 0005_care
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_parcel_number_key"
down_revision = "0005_care"
branch_labels = None
depends_on = None

# numbers.clean() in SQL for the rows already followed: upper case, without spaces,
# tabs, dashes or dots (new rows get the Python function's value at discovery).
_CLEAN = (
    "upper(replace(replace(replace(replace(number, ' ', ''), '-', ''), '.', ''), "
    "char(9), ''))"
)


def upgrade() -> None:
    with op.batch_alter_table("followed_parcels", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("number_key", sa.String(100), nullable=False, server_default="")
        )
        batch_op.drop_index("ix_followed_parcels_shop_number")
    clean = _CLEAN if op.get_bind().dialect.name == "sqlite" else _CLEAN.replace("char(", "chr(")
    op.execute(f"UPDATE followed_parcels SET number_key = {clean}")
    op.create_index(
        "ix_followed_parcels_shop_number", "followed_parcels", ["shop_id", "number_key"]
    )


def downgrade() -> None:
    op.drop_index("ix_followed_parcels_shop_number", table_name="followed_parcels")
    with op.batch_alter_table("followed_parcels", schema=None) as batch_op:
        batch_op.drop_column("number_key")
        batch_op.create_index(
            "ix_followed_parcels_shop_number", ["shop_id", "carrier", "number"]
        )
