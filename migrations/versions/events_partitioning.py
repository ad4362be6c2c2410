"""PostgreSQL: events partitioned by week of created_at, like webhook_logs

Events grow with the deliveries (three or more a payment) and go after the same retention; batched
DELETEs of a day's millions of rows leave dead tuples and write WAL per row, a dropped partition does
neither. The table is rebuilt partitioned (primary key (id, created_at): a partitioned table's unique
constraints must hold the partition key; the id carries its millisecond, so a look-up by id still reads
one partition), with weekly partitions from its oldest row (or 90 days ago) to 4 weeks ahead, named and
aligned as services/retention.py computes them, and its rows copied over in this transaction. The
sweeper keeps partitions ahead and drops expired ones from then on. SQLite is left as it is (batched
deletes).

Revision ID: events_partitioning
Revises: events_and_endpoints
"""
import importlib.util
from datetime import timedelta
from pathlib import Path

from alembic import op


revision = 'events_partitioning'
down_revision = 'events_and_endpoints'
branch_labels = None
depends_on = None


def _time_partitioning():
    """The time_partitioning migration's module (its rebuild, for one more table): a fresh copy of it."""
    spec = importlib.util.spec_from_file_location("_time_partitioning", Path(__file__).with_name("time_partitioning.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    indexes = [('ix_events_merchant_created', 'merchant_id, created_at, id', None),
               ('ix_events_merchant_type_created', 'merchant_id, type, created_at, id', None),
               ('ix_events_object_created', 'object_id, created_at, id', None)]
    # (primary key, period, periods ahead, history, indexes): webhook_logs' weeks and default retention.
    module.TABLES['events'] = ('id, created_at', timedelta(days=7), 4, timedelta(days=90), indexes)
    module.OLD_KEYS['events'], module.OLD_INDEXES['events'] = 'id', indexes
    return module


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _time_partitioning()._rebuild('events', partitioned=True)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _time_partitioning()._rebuild('events', partitioned=False)
