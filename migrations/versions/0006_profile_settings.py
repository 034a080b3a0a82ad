"""a member's profile settings: time zone, bio and avatar

Revision ID: 0006_profile_settings
Revises: 0005_email_tokens
Create Date: 2026-12-07 08:00:00

`/settings` and `PATCH /api/v1/me` let members set a time zone (dates are shown in
it), a short Markdown bio (kept with its sanitised HTML, as posts are) and an avatar
(its renditions live in AVATAR_STORAGE_DIR, named by `avatar_version`). Every column
is nullable: existing accounts keep the site's time zone and their initials.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_profile_settings'
down_revision = '0005_email_tokens'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: recreating "user" on SQLite would drop it, and
# with foreign keys on that deletes every row that cascades from an account.
COLUMNS = (
    ('timezone', sa.String(length=64)),
    ('bio', sa.Text()),
    ('bio_html', sa.Text()),
    ('avatar_version', sa.String(length=16)),
)


def upgrade():
    for name, type_ in COLUMNS:
        op.add_column('user', sa.Column(name, type_, nullable=True))


def downgrade():
    for name, _type in reversed(COLUMNS):
        op.drop_column('user', name)
