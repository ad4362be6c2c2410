"""running totals (merchant_totals) and list indexes that match each filter

The totals are backfilled from the rows already there, so an upgraded database reads the same figures as
before. Each list's index is (filter..., created_at, id): it serves the newest-first page and the cursor;
the single-column merchant_id / order_id / payment_id indexes it makes redundant are dropped.

Revision ID: flat_running_totals
Revises: 8bfe116cbd4d
"""
from alembic import op
import sqlalchemy as sa


revision = 'flat_running_totals'
down_revision = 'sandbox_failure_reasons'
branch_labels = None
depends_on = None

# table: the indexes created
_NEW = {
    'orders': [('ix_orders_merchant_created', ['merchant_id', 'created_at', 'id'])],
    'payments': [('ix_payments_merchant_created', ['merchant_id', 'created_at', 'id']),
                 ('ix_payments_merchant_status_created', ['merchant_id', 'status', 'created_at', 'id']),
                 ('ix_payments_merchant_method_created', ['merchant_id', 'method', 'created_at', 'id']),
                 ('ix_payments_order_created', ['order_id', 'created_at', 'id'])],
    'refunds': [('ix_refunds_merchant_created', ['merchant_id', 'created_at', 'id']),
                ('ix_refunds_payment_created', ['payment_id', 'created_at', 'id'])],
    'webhook_logs': [('ix_webhook_logs_merchant_created', ['merchant_id', 'created_at', 'id']),
                     ('ix_webhook_logs_payment_created', ['payment_id', 'created_at', 'id'])],
}
# table: the indexes dropped (and restored by the downgrade)
_OLD = {
    'orders': [('ix_orders_merchant_id', ['merchant_id']), ('ix_orders_merchant_created', ['merchant_id', 'created_at'])],
    'payments': [('ix_payments_merchant_id', ['merchant_id']), ('ix_payments_order_id', ['order_id']),
                 ('ix_payments_merchant_created', ['merchant_id', 'created_at'])],
    'refunds': [('ix_refunds_merchant_id', ['merchant_id']), ('ix_refunds_payment_id', ['payment_id']),
                ('ix_refunds_merchant_created', ['merchant_id', 'created_at'])],
    'webhook_logs': [('ix_webhook_logs_merchant_id', ['merchant_id']), ('ix_webhook_logs_payment_id', ['payment_id']),
                     ('ix_webhook_logs_merchant_created', ['merchant_id', 'created_at'])],
}


def _day(column: str) -> str:
    if op.get_bind().dialect.name == 'postgresql':
        return f"(({column} AT TIME ZONE 'UTC')::date)"
    return f"date({column})"


def _swap(dropped: dict, created: dict) -> None:
    for table in created:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _columns in dropped[table]:
                batch_op.drop_index(name)
            for name, columns in created[table]:
                batch_op.create_index(name, columns, unique=False)


def upgrade():
    op.create_table('merchant_totals',
    sa.Column('merchant_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('shard', sa.Integer(), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], ),
    sa.PrimaryKeyConstraint('merchant_id', 'kind', 'day', 'method', 'status', 'shard')
    )
    with op.batch_alter_table('merchant_totals', schema=None) as batch_op:
        batch_op.create_index('ix_merchant_totals_unfolded', ['day'], unique=False,
                              postgresql_where=sa.text('shard <> 0'), sqlite_where=sa.text('shard <> 0'))
    _swap(_OLD, _NEW)
    day = _day('created_at')
    op.execute(f"""INSERT INTO merchant_totals (merchant_id, kind, day, method, status, shard, count, amount)
        SELECT merchant_id, 'payment', {day}, method, status, 0, count(*), sum(amount) FROM payments
        GROUP BY merchant_id, {day}, method, status""")
    op.execute(f"""INSERT INTO merchant_totals (merchant_id, kind, day, method, status, shard, count, amount)
        SELECT merchant_id, 'refund', {day}, '', status, 0, count(*), sum(amount) FROM refunds
        GROUP BY merchant_id, {day}, status""")
    op.execute(f"""INSERT INTO merchant_totals (merchant_id, kind, day, method, status, shard, count, amount)
        SELECT merchant_id, 'order', {day}, '', '', 0, count(*), sum(amount) FROM orders
        GROUP BY merchant_id, {day}""")


def downgrade():
    _swap(_NEW, _OLD)
    op.drop_table('merchant_totals')
