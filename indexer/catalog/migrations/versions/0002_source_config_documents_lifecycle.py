"""source config, documents, listing lifecycle

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa



revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('source_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('lastmod', sa.DateTime(timezone=True), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_source_documents_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_documents')),
    sa.UniqueConstraint('source_id', 'url', name=op.f('uq_source_documents_source_id'))
    )
    with op.batch_alter_table('source_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_documents_source_id'), ['source_id'], unique=False)

    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pages', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('missed_crawls', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('gone_reason', sa.String(length=40), nullable=True))

    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('config', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_column('config')
        batch_op.drop_column('resolved_url')

    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_column('gone_reason')
        batch_op.drop_column('missed_crawls')

    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.drop_column('pages')

    with op.batch_alter_table('source_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_documents_source_id'))

    op.drop_table('source_documents')
