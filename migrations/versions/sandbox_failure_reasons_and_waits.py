"""sandbox: failure reasons, waits (3-D Secure, UPI approval), return_url, card issuer on payments

Revision ID: sandbox_failure_reasons
Revises: 8bfe116cbd4d
Create Date: 2026-12-01 08:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'sandbox_failure_reasons'
down_revision = 'secrets_at_rest'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error_reason', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('error_source', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('error_step', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('waiting_for', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('authentication_attempts', sa.Integer(), server_default=sa.text('0'),
                                      nullable=False))
        batch_op.add_column(sa.Column('card_issuer', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('return_url', sa.String(length=2048), nullable=True))
        batch_op.create_index('ix_payments_merchant_reason', ['merchant_id', 'error_reason'], unique=False)


def downgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_merchant_reason')
        for column in ('return_url', 'card_issuer', 'authentication_attempts', 'waiting_for', 'error_step',
                       'error_source', 'error_reason'):
            batch_op.drop_column(column)
