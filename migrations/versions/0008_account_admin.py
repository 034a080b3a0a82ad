"""people administration, export, erasure and retention

Revision ID: 0008_account_admin
Revises: 0007_identities
Create Date: 2026-12-07 08:00:00

`user.last_seen_at` (the admin list's "last seen", refreshed at most every few
minutes), `user.erased_at` (an anonymised account), `user_session.ip` (blanked after
SESSION_IP_RETENTION_DAYS), and `erasure_job`: the contributions of an erased account
still to remove, written with the anonymisation so the worker cannot lose them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_account_admin'
down_revision = '0007_identities'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ip', sa.String(length=45), nullable=True))
    op.create_table('erasure_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_erasure_job_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_job'))
    )
    with op.batch_alter_table('erasure_job', schema=None) as batch_op:
        batch_op.create_index('ix_erasure_job_pending', ['done_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('erasure_job', schema=None) as batch_op:
        batch_op.drop_index('ix_erasure_job_pending')
    op.drop_table('erasure_job')
    # Plain DROP COLUMN, not a batch copy: on SQLite a batch drops and recreates "user",
    # and with foreign keys on, dropping it cascades to every row that references it.
    op.drop_column('user_session', 'ip')
    op.drop_column('user', 'erased_at')
    op.drop_column('user', 'last_seen_at')
