"""ideas linked to the questions and cases that asked for them; staff saved replies

Revision ID: 0017_idea_demand
Revises: 0016_mail_in
Create Date: 2026-12-08 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_idea_demand'
down_revision = '0016_mail_in'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idea_demand',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(thread_id IS NULL) <> (case_id IS NULL)', name=op.f('ck_idea_demand_one_target')),
    sa.ForeignKeyConstraint(['idea_id'], ['thread.id'], name=op.f('fk_idea_demand_idea_id_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_idea_demand_thread_id_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['escalation_case.id'], name=op.f('fk_idea_demand_case_id_escalation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_by_id'], ['user.id'], name=op.f('fk_idea_demand_linked_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_demand'))
    )
    with op.batch_alter_table('idea_demand', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_demand_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_demand_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_idea_demand_thread', ['idea_id', 'thread_id'], unique=True,
                              sqlite_where=sa.text('thread_id IS NOT NULL'),
                              postgresql_where=sa.text('thread_id IS NOT NULL'))
        batch_op.create_index('uq_idea_demand_case', ['idea_id', 'case_id'], unique=True,
                              sqlite_where=sa.text('case_id IS NOT NULL'),
                              postgresql_where=sa.text('case_id IS NOT NULL'))
    op.create_table('saved_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('body_fr', sa.Text(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['expert_group.id'], name=op.f('fk_saved_reply_group_id_expert_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_saved_reply_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_reply'))
    )
    with op.batch_alter_table('saved_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_reply_group_id'), ['group_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_reply_group_id'))
    op.drop_table('saved_reply')
    with op.batch_alter_table('idea_demand', schema=None) as batch_op:
        batch_op.drop_index('uq_idea_demand_case')
        batch_op.drop_index('uq_idea_demand_thread')
        batch_op.drop_index(batch_op.f('ix_idea_demand_case_id'))
        batch_op.drop_index(batch_op.f('ix_idea_demand_thread_id'))
    op.drop_table('idea_demand')
