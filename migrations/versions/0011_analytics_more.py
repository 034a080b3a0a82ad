"""analytics, more: answers per question, idea decisions, covering indexes
(question timeline percentiles, the ambassador rule's ledger window, ideas)

Revision ID: 0011_analytics_more
Revises: 0010_webhooks
Create Date: 2026-12-07 10:00:00

The new answer counts start at 0: run `flask --app wsgi community recompute` once after
this upgrade to fill them. Ideas decided before it have no decision time (their
statuses kept no history).
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_analytics_more'
down_revision = '0010_webhooks'
branch_labels = None
depends_on = None

DAY_INDEXES = {
    'ix_question_timeline_day_first': ['asked_day', 'space_id', 'first_response_seconds'],
    'ix_question_timeline_day_business': ['asked_day', 'space_id', 'first_response_business_seconds'],
    'ix_question_timeline_day_resolution': ['asked_day', 'space_id', 'resolution_seconds'],
    'ix_question_timeline_day_case': ['asked_day', 'space_id', 'case_id', 'case_group_id', 'sla',
                                      'sla_warned', 'case_response_business_seconds'],
}


def upgrade():
    with op.batch_alter_table('question_timeline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('ambassador_answers', sa.Integer(), server_default='0',
                                      nullable=False))
        for name, columns in DAY_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table('analytics_daily', schema=None) as batch_op:
        for name in ('first_by_ambassador', 'answers', 'ambassador_answers'):
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0', nullable=False))
    op.create_table('analytics_idea_decision',
    sa.Column('thread_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_analytics_idea_decision_thread_id_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', name=op.f('pk_analytics_idea_decision'))
    )
    with op.batch_alter_table('analytics_idea_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analytics_idea_decision_decided_at'), ['decided_at'], unique=False)
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_user_time')
        batch_op.create_index('ix_ledger_user_time_points', ['user_id', 'created_at', 'points'],
                              unique=False)
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.create_index('ix_thread_ideas', ['idea_status', 'deleted_at', 'score'], unique=False,
                              sqlite_where=sa.text("kind = 'idea'"),
                              postgresql_where=sa.text("kind = 'idea'"))


def downgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_ideas')
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_user_time_points')
        batch_op.create_index('ix_ledger_user_time', ['user_id', 'created_at'], unique=False)
    with op.batch_alter_table('analytics_idea_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analytics_idea_decision_decided_at'))
    op.drop_table('analytics_idea_decision')
    with op.batch_alter_table('analytics_daily', schema=None) as batch_op:
        for name in ('ambassador_answers', 'answers', 'first_by_ambassador'):
            batch_op.drop_column(name)
    with op.batch_alter_table('question_timeline', schema=None) as batch_op:
        for name in DAY_INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column('ambassador_answers')
        batch_op.drop_column('answers')
