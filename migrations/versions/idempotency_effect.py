"""idempotency_keys.effect: the rows the key's effect wrote, recorded in the effect's own transaction

A key whose process died between its effect's commit and storing its answer is then rebuilt from them
instead of being taken over (and run a second time) once stale. Existing keys have none: unchanged.

Revision ID: idempotency_effect
Revises: time_partitioning
"""
from alembic import op
import sqlalchemy as sa


revision = 'idempotency_effect'
down_revision = 'time_partitioning'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idempotency_keys') as batch_op:
        batch_op.add_column(sa.Column('effect', sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    with op.batch_alter_table('idempotency_keys') as batch_op:
        batch_op.drop_column('effect')
