"""site settings: administrators' overrides of the rule tables (levels, privileges,
reputation rules, flood limits, escalation delays, SLA calendar)

Revision ID: 0021_site_settings
Revises: 0020_knowledge
Create Date: 2026-12-07 11:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0021_site_settings'
down_revision = '0020_knowledge'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_setting',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'],
                            name=op.f('fk_site_setting_updated_by_id_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_setting'))
    )


def downgrade():
    op.drop_table('site_setting')
