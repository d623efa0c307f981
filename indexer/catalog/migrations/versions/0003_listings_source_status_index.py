"""listings: one index on (source_id, status) instead of source_id alone

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_source_id')
        batch_op.create_index('ix_listings_source_status', ['source_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_source_status')
        batch_op.create_index('ix_listings_source_id', ['source_id'], unique=False)
