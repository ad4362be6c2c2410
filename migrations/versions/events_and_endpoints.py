"""events (stored once, evt_...) and webhook endpoints; a delivery (webhook_logs) names its event and endpoint

Rows of webhook_logs made before keep their own payload and have no event; new deliveries send their
event's payload, so webhook_logs.payload becomes nullable.

Revision ID: events_and_endpoints
Revises: idempotency_effect
"""
from alembic import op
import sqlalchemy as sa


revision = 'events_and_endpoints'
down_revision = 'idempotency_effect'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'events',
        sa.Column('id', sa.String(length=32), primary_key=True),
        sa.Column('merchant_id', sa.String(length=36), sa.ForeignKey('merchants.id'), nullable=False),
        sa.Column('type', sa.String(length=50), nullable=False),
        sa.Column('object_id', sa.String(length=64), nullable=True),
        sa.Column('payment_id', sa.String(length=64), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_events_merchant_created', 'events', ['merchant_id', 'created_at', 'id'])
    op.create_index('ix_events_merchant_type_created', 'events', ['merchant_id', 'type', 'created_at', 'id'])
    op.create_index('ix_events_object_created', 'events', ['object_id', 'created_at', 'id'])
    op.create_table(
        'webhook_endpoints',
        sa.Column('id', sa.String(length=32), primary_key=True),
        sa.Column('merchant_id', sa.String(length=36), sa.ForeignKey('merchants.id'), nullable=False),
        sa.Column('url', sa.String(length=2048), nullable=False),
        sa.Column('description', sa.String(length=255), nullable=True),
        sa.Column('enabled_events', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('secret_encrypted', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_webhook_endpoints_merchant_created', 'webhook_endpoints',
                    ['merchant_id', 'created_at', 'id'])
    with op.batch_alter_table('webhook_logs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('endpoint_id', sa.String(length=32), nullable=True))
        batch_op.alter_column('payload', existing_type=sa.JSON(), nullable=True)
        batch_op.create_index('ix_webhook_logs_event', ['event_id'])


def downgrade():
    with op.batch_alter_table('webhook_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_logs_event')
        batch_op.drop_column('endpoint_id')
        batch_op.drop_column('event_id')
    op.drop_table('webhook_endpoints')
    op.drop_table('events')
