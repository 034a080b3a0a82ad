"""an email being sent is 'sending' (with when it was claimed), 'done' only once sent

Revision ID: 0004_email_sending
Revises: 0003
Create Date: 2026-12-07 06:30:00

Before, the mailer marked a notification's email 'done' before sending it, so a crash
between the two lost the email. Now it claims it as 'sending' with the time, marks it
'done' after the send, and a claim older than EMAIL_CLAIM_TIMEOUT (a sender that died)
goes back to 'pending'.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_email_sending'
down_revision = '0003'
branch_labels = None
depends_on = None

OLD = "email_state IN ('none', 'pending', 'digest', 'done')"
NEW = "email_state IN ('none', 'pending', 'digest', 'sending', 'done')"


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_claimed_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(op.f('ck_notification_email_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_email_state'), NEW)


def downgrade():
    notification = sa.table('notification', sa.column('email_state', sa.String(8)))
    op.execute(notification.update().where(notification.c.email_state == 'sending')
               .values(email_state='pending'))
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_email_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_email_state'), OLD)
        batch_op.drop_column('email_claimed_at')
