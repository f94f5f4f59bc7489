"""carriers: parcels followed at their carriers, and their scans

Revision ID: 0004_carriers
Revises: 0004_i18n
"""

import sqlalchemy as sa
from alembic import op


revision = "0004_carriers"
down_revision = "0004_i18n"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followed_parcels",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("shop_id", sa.Integer(), sa.ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("shipment_id", sa.Integer(), sa.ForeignKey("shipments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("order_external_id", sa.String(100), nullable=False),
        sa.Column("shipment_external_id", sa.String(100), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("carrier", sa.String(40), nullable=True),
        sa.Column("detected_by", sa.String(10), nullable=True),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("not_found_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("final_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("shipment_id", name="uq_followed_parcels_shipment"),
    )
    op.create_index("ix_followed_parcels_due", "followed_parcels", ["state", "next_check_at"])
    op.create_index(
        "ix_followed_parcels_shop_number", "followed_parcels", ["shop_id", "carrier", "number"]
    )
    op.create_table(
        "carrier_scans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("shop_id", sa.Integer(), sa.ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "parcel_id",
            sa.Integer(),
            sa.ForeignKey("followed_parcels.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("scan_id", sa.String(100), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("parcel_id", "scan_id", name="uq_carrier_scans_scan"),
    )
    op.create_index("ix_carrier_scans_parcel_id", "carrier_scans", ["parcel_id"])


def downgrade() -> None:
    op.drop_index("ix_carrier_scans_parcel_id", table_name="carrier_scans")
    op.drop_table("carrier_scans")
    op.drop_index("ix_followed_parcels_shop_number", table_name="followed_parcels")
    op.drop_index("ix_followed_parcels_due", table_name="followed_parcels")
    op.drop_table("followed_parcels")
