"""sources: schedule and health state, crawl leases; crawl_runs: hints and the failing URL;
audit_log, alerts, alert_silences

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sources') as batch:
        batch.add_column(sa.Column('state', sa.String(length=12), server_default='new', nullable=False))
        batch.add_column(sa.Column('state_since', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('failures', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('next_run_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('current_interval_minutes', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('schedule_reason', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('run_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('lease_owner', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
    # Sources crawled before this revision: healthy or failing by their last run is for the worker
    # to find out; paused ones say so now.
    op.execute("UPDATE sources SET state = 'paused' WHERE paused")
    with op.batch_alter_table('crawl_runs') as batch:
        batch.add_column(sa.Column('error_url', sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column('retry_after', sa.Float(), nullable=True))
        batch.add_column(sa.Column('fresh_for', sa.Float(), nullable=True))
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_at'), 'audit_log', ['at'], unique=False)
    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.Column('silenced', sa.Boolean(), nullable=False),
    sa.Column('delivery', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_alerts_source_id_sources'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    op.create_index('ix_alerts_open', 'alerts', ['source_id', 'rule', 'closed_at'], unique=False)
    op.create_table('alert_silences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=40), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_alert_silences_source_id_sources'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_silences'))
    )


def downgrade() -> None:
    op.drop_table('alert_silences')
    op.drop_index('ix_alerts_open', table_name='alerts')
    op.drop_table('alerts')
    op.drop_index(op.f('ix_audit_log_at'), table_name='audit_log')
    op.drop_table('audit_log')
    with op.batch_alter_table('crawl_runs') as batch:
        for column in ('fresh_for', 'retry_after', 'error_url'):
            batch.drop_column(column)
    with op.batch_alter_table('sources') as batch:
        for column in ('lease_until', 'lease_owner', 'run_requested_at', 'paused_at', 'schedule_reason',
                       'current_interval_minutes', 'next_run_at', 'failures', 'state_since', 'state'):
            batch.drop_column(column)
