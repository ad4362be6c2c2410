"""secrets at rest: API secret hashed and encrypted, webhook secret encrypted, dashboard session tokens

Existing rows are converted with the keyring of the running configuration (ENCRYPTION_KEYS, or the key
file in var/): the same secrets keep working, but no longer stand in the database in clear.

Revision ID: secrets_at_rest
Revises: 8bfe116cbd4d
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


revision = 'secrets_at_rest'
down_revision = '8bfe116cbd4d'
branch_labels = None
depends_on = None

merchants = sa.table('merchants', sa.column('id', sa.String), sa.column('api_secret', sa.String),
                     sa.column('webhook_secret', sa.String), sa.column('api_secret_hash', sa.String),
                     sa.column('api_secret_encrypted', sa.Text), sa.column('webhook_secret_encrypted', sa.Text))


def _ring():
    return current_app.runtime.config.keyring


def upgrade():
    with op.batch_alter_table('merchants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_secret_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('api_secret_encrypted', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('webhook_secret_encrypted', sa.Text(), nullable=True))
    bind, ring = op.get_bind(), _ring()
    for row in bind.execute(sa.select(merchants.c.id, merchants.c.api_secret, merchants.c.webhook_secret)).all():
        bind.execute(merchants.update().where(merchants.c.id == row.id).values(
            api_secret_hash=ring.secret_hash(row.api_secret), api_secret_encrypted=ring.encrypt(row.api_secret),
            webhook_secret_encrypted=None if row.webhook_secret is None else ring.encrypt(row.webhook_secret)))
    with op.batch_alter_table('merchants', schema=None) as batch_op:
        batch_op.alter_column('api_secret_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('api_secret_encrypted', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('api_secret')
        batch_op.drop_column('webhook_secret')

    op.create_table('merchant_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('merchant_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], ),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('merchant_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_merchant_sessions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_merchant_sessions_merchant_id'), ['merchant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('merchant_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_merchant_sessions_merchant_id'))
        batch_op.drop_index(batch_op.f('ix_merchant_sessions_expires_at'))
    op.drop_table('merchant_sessions')

    with op.batch_alter_table('merchants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('webhook_secret', sa.String(length=64), nullable=True))
    bind, ring = op.get_bind(), _ring()
    rows = bind.execute(sa.select(merchants.c.id, merchants.c.api_secret_encrypted,
                                  merchants.c.webhook_secret_encrypted)).all()
    for row in rows:
        bind.execute(merchants.update().where(merchants.c.id == row.id).values(
            api_secret=ring.decrypt(row.api_secret_encrypted),
            webhook_secret=(None if row.webhook_secret_encrypted is None
                            else ring.decrypt(row.webhook_secret_encrypted))))
    with op.batch_alter_table('merchants', schema=None) as batch_op:
        batch_op.alter_column('api_secret', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('webhook_secret_encrypted')
        batch_op.drop_column('api_secret_encrypted')
        batch_op.drop_column('api_secret_hash')
