"""analytics rollups: counts per tag and the day's durations (percentiles without a scan);
covering indexes for the participation figures and a space's unanswered questions

Revision ID: 0018_analytics_rollups
Revises: 0017_idea_demand
Create Date: 2026-12-08 10:00:00

Both tables start empty: run `flask --app wsgi community recompute` once after this
upgrade to fill them from the question timelines (until then the tag filter and the
percentiles show no data for past days).
"""
from alembic import op
import sqlalchemy as sa


revision = '0018_analytics_rollups'
down_revision = '0017_idea_demand'
branch_labels = None
depends_on = None

COUNTS = ('questions', 'answered', 'solved', 'by_peer', 'by_ambassador', 'by_staff', 'by_case',
          'cases', 'sla_met', 'sla_breached', 'sla_warned', 'first_by_ambassador', 'answers',
          'ambassador_answers')
VALUES = ('first_response', 'first_response_business', 'resolution', 'case_response_business')


def _key():
    return [sa.Column('tag_id', sa.Integer(), autoincrement=False, nullable=False),
            sa.Column('day', sa.Date(), nullable=False),
            sa.Column('space_id', sa.Integer(), autoincrement=False, nullable=False)]


def upgrade():
    op.create_table('analytics_daily_tag', *_key(),
                    *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
                    sa.PrimaryKeyConstraint('tag_id', 'day', 'space_id',
                                            name=op.f('pk_analytics_daily_tag')))
    op.create_table('analytics_daily_values', *_key(),
                    *(sa.Column(name, sa.LargeBinary(), nullable=False) for name in VALUES),
                    sa.PrimaryKeyConstraint('tag_id', 'day', 'space_id',
                                            name=op.f('pk_analytics_daily_values')))
    op.create_index('ix_analytics_daily_tag_day', 'analytics_daily_tag', ['day', 'space_id'],
                    unique=False)
    op.create_index('ix_analytics_daily_values_day', 'analytics_daily_values',
                    ['day', 'space_id'], unique=False)
    with op.batch_alter_table('question_timeline', schema=None) as batch_op:
        batch_op.create_index('ix_question_timeline_unanswered_space',
                              ['space_id', 'first_response_at', 'solved_at', 'asked_at'],
                              unique=False)
    with op.batch_alter_table('analytics_activity', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_activity_user')
        batch_op.create_index('ix_analytics_activity_user', ['user_id', 'day', 'posts'],
                              unique=False)
        batch_op.create_index('ix_analytics_activity_day_cover',
                              ['day', 'user_id', 'posts', 'views'], unique=False)


def downgrade():
    with op.batch_alter_table('question_timeline', schema=None) as batch_op:
        batch_op.drop_index('ix_question_timeline_unanswered_space')
    with op.batch_alter_table('analytics_activity', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_activity_day_cover')
        batch_op.drop_index('ix_analytics_activity_user')
        batch_op.create_index('ix_analytics_activity_user', ['user_id', 'day'], unique=False)
    op.drop_index('ix_analytics_daily_values_day', table_name='analytics_daily_values')
    op.drop_index('ix_analytics_daily_tag_day', table_name='analytics_daily_tag')
    op.drop_table('analytics_daily_values')
    op.drop_table('analytics_daily_tag')
