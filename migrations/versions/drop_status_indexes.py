"""payments and refunds lose their single-column status index

It served only the whole-table counts by status of /metrics and /api/v1/test/jobs/status, which now sum
the running totals (services/totals.py across_merchants); every index costs every insert (payments had
eight). The sweeper's scans use the partial pending indexes; lists filter through (merchant_id, status,
created_at, id). webhook_logs keeps its status index: deliveries are still counted by row.

Revision ID: drop_status_indexes
Revises: events_partitioning
"""
from alembic import op


revision = 'drop_status_indexes'
down_revision = 'events_partitioning'
branch_labels = None
depends_on = None

INDEXES = {'payments': 'ix_payments_status', 'refunds': 'ix_refunds_status'}


def upgrade():
    for table, name in INDEXES.items():
        op.drop_index(name, table_name=table)


def downgrade():
    for table, name in INDEXES.items():
        op.create_index(name, table, ['status'])
