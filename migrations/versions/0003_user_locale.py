"""the account's language: a supported code, or NULL to follow the browser

Revision ID: 0003
Revises: 0002_unanswered
Create Date: 2026-12-08 10:00:00

`user.locale` has existed since 0001, but nothing in the application wrote it. From
this release the language switch and `PATCH /api/v1/me` set it, and it chooses the
language of a member's pages, toasts, notifications and emails; NULL means "follow
the browser". Values written by hand or by other tools ("FR", "fr_FR",
"fr-CA", "") are folded to the two-letter code the application compares with, and
anything else that is not a language it ships becomes NULL rather than a language
nobody can read.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002_unanswered'
branch_labels = None
depends_on = None

SHIPPED = ('en', 'fr')


def upgrade():
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('locale', sa.String(8)))
    conn = op.get_bind()
    rows = conn.execute(sa.select(user.c.id, user.c.locale).where(user.c.locale.is_not(None)))
    for user_id, locale in rows.fetchall():
        code = locale.strip().replace('-', '_').split('_')[0].lower()
        folded = code if code in SHIPPED else None
        if folded != locale:
            conn.execute(user.update().where(user.c.id == user_id).values(locale=folded))


def downgrade():
    # Folding a value loses nothing a reader could use; there is nothing to restore.
    pass
