"""a merged question's opening post keeps its title (it stays a question, not an answer)

Revision ID: 0019_curation
Revises: 0018_analytics_rollups
Create Date: 2026-12-07 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0019_curation'
down_revision = '0018_analytics_rollups'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch copy): on SQLite a batch recreates "post", and with
    # foreign keys on that would cascade to the rows referencing posts.
    op.add_column('post', sa.Column('merged_title', sa.String(length=255), nullable=True))


def downgrade():
    op.drop_column('post', 'merged_title')
