"""PostgreSQL: webhook_logs and idempotency_keys partitioned by range of created_at

Each table is rebuilt as a partitioned table (primary key with created_at, since a partitioned table's
unique constraints must hold the partition key), with partitions from its oldest row (or its default
retention ago, if earlier) to some periods ahead of now, and its rows copied over in this transaction: an upgraded database loses nothing, and the
sweeper (services/retention.py) keeps partitions ahead and drops expired ones from then on. Partitions are
named and aligned as services/retention.py computes them. The expires_at index of idempotency_keys is not
made again: keys go by dropped partitions there. SQLite is left as it is (batched deletes).

Revision ID: time_partitioning
Revises: flat_running_totals
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


revision = 'time_partitioning'
down_revision = 'flat_running_totals'
branch_labels = None
depends_on = None

ANCHOR = datetime(2000, 1, 3, tzinfo=timezone.utc)  # services/retention.py ANCHOR
# table: (primary key, period, periods ahead, history, indexes after the copy as (name, columns, where)).
# Partitions start at the oldest row or `history` ago (the default retention), whichever is earlier.
TABLES = {
    'webhook_logs': ('id, created_at', timedelta(days=7), 4, timedelta(days=90), [
        ('ix_webhook_logs_merchant_created', 'merchant_id, created_at, id', None),
        ('ix_webhook_logs_payment_created', 'payment_id, created_at, id', None),
        ('ix_webhook_logs_pending_next_retry', 'next_retry_at', "status = 'pending'"),
        ('ix_webhook_logs_status', 'status', None)]),
    'idempotency_keys': ('key, merchant_id, created_at', timedelta(days=1), 14, timedelta(days=2), [
        ('ix_idempotency_keys_merchant_id', 'merchant_id', None)]),
}
OLD_INDEXES = {'webhook_logs': TABLES['webhook_logs'][4],
               'idempotency_keys': [('ix_idempotency_keys_expires_at', 'expires_at', None),
                                    ('ix_idempotency_keys_merchant_id', 'merchant_id', None)]}
OLD_KEYS = {'webhook_logs': 'id', 'idempotency_keys': 'key, merchant_id'}


def _indexes(table, indexes):
    for name, columns, where in indexes:
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})" + (f" WHERE {where}" if where else ""))


def _rebuild(table, partitioned):
    """The table again under its own name, partitioned or not, with its rows, key, indexes and foreign key."""
    key, period, ahead, history, indexes = TABLES[table]
    new = f"{table}_rebuilt"
    bind = op.get_bind()
    if partitioned:
        op.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS) PARTITION BY RANGE (created_at)")
        now = datetime.now(timezone.utc)
        oldest = min(bind.execute(sa.text(f"SELECT min(created_at) FROM {table}")).scalar() or now, now - history)
        at = ANCHOR + ((oldest - ANCHOR) // period) * period
        while at < now + ahead * period:
            op.execute(f"CREATE TABLE {table}_p{at:%Y%m%d} PARTITION OF {new} FOR VALUES FROM "
                       f"('{at.isoformat()}') TO ('{(at + period).isoformat()}')")
            at += period
    else:
        op.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS)")
        key, indexes = OLD_KEYS[table], OLD_INDEXES[table]
    # Going back, a key may be in two partitions (an expired claim and its successor): the newest stays.
    latest = "" if partitioned else f" DISTINCT ON ({key}) * FROM {table} ORDER BY {key}, created_at DESC --"
    op.execute(f"INSERT INTO {new} SELECT{latest} * FROM {table}")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {new} RENAME TO {table}")
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({key})")
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_merchant_id_fkey FOREIGN KEY (merchant_id) "
               "REFERENCES merchants (id)")
    _indexes(table, indexes)
    op.execute(f"ANALYZE {table}")


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        _rebuild(table, partitioned=True)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        _rebuild(table, partitioned=False)
