"""verified email, single-use email tokens and the account-email outbox

Revision ID: 0005_email_tokens
Revises: 0004_email_sending
Create Date: 2026-12-07 08:00:00

`user.email_verified_at` is set when the owner follows a verification link. Accounts
that exist at upgrade time are marked verified (as of their creation): they were made
before the platform could check an address, and turning COMMUNITY_REQUIRE_EMAIL_VERIFICATION
on must not silence a whole community at once. New accounts made by registration start
unverified; `create-user` and demo accounts are verified.

`email_token` keeps only the SHA-256 digest of each reset or verification token;
`account_email` is the outbox of account emails (reset, verification, change notice),
written in the request's transaction and sent by the background mailer.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_email_tokens'
down_revision = '0004_email_sending'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('user', sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    user = sa.table('user', sa.column('email', sa.String(254)),
                    sa.column('created_at', sa.DateTime()),
                    sa.column('email_verified_at', sa.DateTime()))
    op.execute(user.update().where(user.c.email.is_not(None))
               .values(email_verified_at=user.c.created_at))

    op.create_table(
        'email_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=8), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('binding', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("purpose IN ('reset', 'verify')", name=op.f('ck_email_token_purpose')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_email_token_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_email_token_token_hash')),
    )
    with op.batch_alter_table('email_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_token_user_id'), ['user_id'], unique=False)

    op.create_table(
        'account_email',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('base_url', sa.String(length=255), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=8), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('password_reset', 'verify_email', 'email_changed')",
                           name=op.f('ck_account_email_kind')),
        sa.CheckConstraint("state IN ('pending', 'sending', 'done', 'failed')",
                           name=op.f('ck_account_email_state')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_account_email_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_email')),
    )
    with op.batch_alter_table('account_email', schema=None) as batch_op:
        batch_op.create_index('ix_account_email_state', ['state', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('account_email', schema=None) as batch_op:
        batch_op.drop_index('ix_account_email_state')
    op.drop_table('account_email')
    with op.batch_alter_table('email_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_token_user_id'))
    op.drop_table('email_token')
    if op.get_bind().dialect.name == 'sqlite':
        # A batch operation would copy and drop "user", and dropping it cascades to
        # every row that references an account; SQLite 3.35+ drops a column in place.
        op.execute('ALTER TABLE "user" DROP COLUMN email_verified_at')
    else:
        op.drop_column('user', 'email_verified_at')
