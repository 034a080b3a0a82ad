"""tag synonyms (a merged tag points to the tag it was merged into) and archived spaces

Revision ID: 0012_tags
Revises: 0011_analytics_more
Create Date: 2026-12-07 08:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_tags'
down_revision = '0011_analytics_more'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('space', sa.Column('archived_at', sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        # Plain ADD COLUMN with its REFERENCES clause, not a batch copy: on SQLite a
        # batch drops and recreates "tag", and with foreign keys on that cascades to
        # thread_tag (every thread would lose its tags).
        op.execute('ALTER TABLE tag ADD COLUMN synonym_of_id INTEGER '
                   'CONSTRAINT fk_tag_synonym_of_id_tag REFERENCES tag (id)')
        return
    op.add_column('tag', sa.Column('synonym_of_id', sa.Integer(), nullable=True))
    op.create_foreign_key(op.f('fk_tag_synonym_of_id_tag'), 'tag', 'tag',
                          ['synonym_of_id'], ['id'])


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_tag_synonym_of_id_tag'), 'tag', type_='foreignkey')
    op.drop_column('tag', 'synonym_of_id')
    op.drop_column('space', 'archived_at')
