"""problem reports: forwarded by a job with retries, and an inbox for the merchant

Revision ID: 0003_tracking_page
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_tracking_page'
down_revision = '0003_links_api'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('problem_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('state', sa.String(length=20), server_default='pending', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('not_before', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claim', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('forwarded_to', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('handled_by', sa.String(length=320), nullable=True))
    reports = sa.table(
        'problem_reports',
        sa.column('state', sa.String),
        sa.column('forwarded_at', sa.DateTime(timezone=True)),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('not_before', sa.DateTime(timezone=True)),
        sa.column('forwarded_to', sa.JSON()),
    )
    # reports from before: forwarded ones stay done; the others were lost on the way and
    # now show as failed in the merchant's inbox (nothing is re-sent days later)
    op.execute(reports.update().where(reports.c.forwarded_at.isnot(None)).values(state='forwarded'))
    op.execute(reports.update().where(reports.c.forwarded_at.is_(None)).values(state='failed'))
    op.execute(reports.update().values(not_before=reports.c.created_at, forwarded_to=[]))
    with op.batch_alter_table('problem_reports', schema=None) as batch_op:
        batch_op.alter_column('not_before', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('forwarded_to', existing_type=sa.JSON(), nullable=False)
        batch_op.create_index('ix_problem_reports_due', ['state', 'not_before'], unique=False)
        batch_op.create_index('ix_problem_reports_open', ['shop_id', 'handled_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('problem_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_problem_reports_open')
        batch_op.drop_index('ix_problem_reports_due')
        for column in ('handled_by', 'handled_at', 'forwarded_to', 'claimed_at', 'claim',
                       'queued_at', 'not_before', 'attempts', 'state', 'locale'):
            batch_op.drop_column(column)
