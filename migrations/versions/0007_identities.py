"""accounts at an OpenID Connect provider (issuer, subject) linked to local accounts

Revision ID: 0007_identities
Revises: 0006_profile_settings
Create Date: 2026-12-07 10:00:00

Single sign-on finds the account by the provider's subject, never by email alone:
one row per (issuer, subject), pointing at the local user.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_identities'
down_revision = '0006_profile_settings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_identity_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_identity')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_user_identity_issuer_subject'))
    )
    with op.batch_alter_table('user_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_identity_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_identity_user_id'))
    op.drop_table('user_identity')
