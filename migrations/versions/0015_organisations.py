"""customer organisations (tier, CRM id), user membership, a case's CRM id

Revision ID: 0015_organisations
Revises: 0014_drafts
Create Date: 2026-12-07 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_organisations'
down_revision = '0014_drafts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('external_ref', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('external_ref', name=op.f('uq_organisation_external_ref')),
    sa.UniqueConstraint('name', name=op.f('uq_organisation_name'))
    )
    # Plain ADD COLUMN and CREATE INDEX, never a batch copy: on SQLite a batch drops and
    # recreates "user" and "escalation_case", and with foreign keys on that cascades to
    # every table referencing them (see 0012_tags).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE "user" ADD COLUMN organisation_id INTEGER '
                   'CONSTRAINT fk_user_organisation_id_organisation '
                   'REFERENCES organisation (id)')
    else:
        op.add_column('user', sa.Column('organisation_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_user_organisation_id_organisation'), 'user',
                              'organisation', ['organisation_id'], ['id'])
    op.create_index(op.f('ix_user_organisation_id'), 'user', ['organisation_id'], unique=False)
    op.add_column('escalation_case', sa.Column('external_ref', sa.String(length=100),
                                               nullable=True))
    op.create_index(op.f('ix_escalation_case_external_ref'), 'escalation_case',
                    ['external_ref'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_escalation_case_external_ref'), table_name='escalation_case')
    op.drop_column('escalation_case', 'external_ref')
    op.drop_index(op.f('ix_user_organisation_id'), table_name='user')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_user_organisation_id_organisation'), 'user',
                           type_='foreignkey')
    op.drop_column('user', 'organisation_id')
    op.drop_table('organisation')
