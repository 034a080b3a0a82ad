"""analytics facts: question timelines, daily rollups, deflection and reading logs

Revision ID: 0009_analytics
Revises: 0008_account_admin
Create Date: 2026-12-07 07:45:06

The tables start empty: run `flask --app wsgi community recompute` once after this
upgrade to build the timelines, rollups and contribution counts of the existing
content (the domain events keep them current from then on). A migration does not run
the application's classification code, which needs the settings' SLA calendar.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_analytics'
down_revision = '0008_account_admin'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('analytics_ask_form',
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('shown', sa.Boolean(), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('asked', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_analytics_ask_form'))
    )
    with op.batch_alter_table('analytics_ask_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analytics_ask_form_day'), ['day'], unique=False)

    op.create_table('analytics_counter',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('space_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'space_id', 'kind', name=op.f('pk_analytics_counter'))
    )
    op.create_table('analytics_daily',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('space_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('questions', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('solved', sa.Integer(), nullable=False),
    sa.Column('by_peer', sa.Integer(), nullable=False),
    sa.Column('by_ambassador', sa.Integer(), nullable=False),
    sa.Column('by_staff', sa.Integer(), nullable=False),
    sa.Column('by_case', sa.Integer(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('sla_met', sa.Integer(), nullable=False),
    sa.Column('sla_breached', sa.Integer(), nullable=False),
    sa.Column('sla_warned', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'space_id', name=op.f('pk_analytics_daily'))
    )
    op.create_table('analytics_activity',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_analytics_activity_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'user_id', name=op.f('pk_analytics_activity'))
    )
    with op.batch_alter_table('analytics_activity', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_activity_user', ['user_id', 'day'], unique=False)
    op.create_table('question_timeline',
    sa.Column('thread_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('asked_day', sa.Date(), nullable=False),
    sa.Column('imported', sa.Boolean(), nullable=False),
    sa.Column('first_response_at', sa.DateTime(), nullable=True),
    sa.Column('first_response_by_id', sa.Integer(), nullable=True),
    sa.Column('first_response_kind', sa.String(length=10), nullable=True),
    sa.Column('first_response_seconds', sa.Integer(), nullable=True),
    sa.Column('first_response_business_seconds', sa.Integer(), nullable=True),
    sa.Column('solved_at', sa.DateTime(), nullable=True),
    sa.Column('resolution', sa.String(length=10), nullable=True),
    sa.Column('resolution_seconds', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('case_group_id', sa.Integer(), nullable=True),
    sa.Column('case_opened_at', sa.DateTime(), nullable=True),
    sa.Column('case_first_response_at', sa.DateTime(), nullable=True),
    sa.Column('case_resolved_at', sa.DateTime(), nullable=True),
    sa.Column('case_response_business_seconds', sa.Integer(), nullable=True),
    sa.Column('sla', sa.String(length=8), nullable=True),
    sa.Column('sla_warned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_group_id'], ['expert_group.id'], name=op.f('fk_question_timeline_case_group_id_expert_group'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['escalation_case.id'], name=op.f('fk_question_timeline_case_id_escalation_case'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['first_response_by_id'], ['user.id'], name=op.f('fk_question_timeline_first_response_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['space.id'], name=op.f('fk_question_timeline_space_id_space'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_question_timeline_thread_id_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', name=op.f('pk_question_timeline'))
    )
    with op.batch_alter_table('question_timeline', schema=None) as batch_op:
        batch_op.create_index('ix_question_timeline_day_space', ['asked_day', 'space_id'], unique=False)
        batch_op.create_index('ix_question_timeline_unanswered', ['first_response_at', 'solved_at', 'asked_at'], unique=False)



def downgrade():
    with op.batch_alter_table('question_timeline', schema=None) as batch_op:
        batch_op.drop_index('ix_question_timeline_unanswered')
        batch_op.drop_index('ix_question_timeline_day_space')

    op.drop_table('question_timeline')
    with op.batch_alter_table('analytics_activity', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_activity_user')

    op.drop_table('analytics_activity')
    op.drop_table('analytics_daily')
    op.drop_table('analytics_counter')
    with op.batch_alter_table('analytics_ask_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analytics_ask_form_day'))

    op.drop_table('analytics_ask_form')
