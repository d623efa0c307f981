"""search_pending: listings whose index update the search engine has not taken yet

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No foreign key to listings: a pending row may name a listing that is gone or deleted, whose
    # removal from the index is what is pending.
    op.create_table('search_pending',
    sa.Column('listing_id', sa.String(length=64), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('listing_id', name=op.f('pk_search_pending'))
    )


def downgrade() -> None:
    op.drop_table('search_pending')
