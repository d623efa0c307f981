"""listings: the cluster of listings on other platforms that are the same thing

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cluster_id', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_listings_cluster_id', ['cluster_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_cluster_id')
        batch_op.drop_column('cluster_id')
