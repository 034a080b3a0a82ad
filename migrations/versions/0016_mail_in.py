"""replies by email: the messages already posted, by Message-ID digest

Revision ID: 0016_mail_in
Revises: 0015_organisations
Create Date: 2026-12-07 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_mail_in'
down_revision = '0015_organisations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_in_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('message_key', sa.String(length=64), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=8), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_mail_in_message_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_in_message')),
        sa.UniqueConstraint('user_id', 'message_key', name='uq_mail_in_message_user_key'),
    )


def downgrade():
    op.drop_table('mail_in_message')
