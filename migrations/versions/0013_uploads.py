"""uploads: files attached to posts, and which thread bodies and replies show them

Revision ID: 0013_uploads
Revises: 0012_tags
Create Date: 2026-12-07 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_uploads'
down_revision = '0012_tags'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('upload',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('is_image', sa.Boolean(), nullable=False),
    sa.Column('has_thumbnail', sa.Boolean(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_upload_owner_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['space_id'], ['space.id'], name=op.f('fk_upload_space_id_space'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_upload'))
    )
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.create_index('ix_upload_created', ['created_at'], unique=False)
        batch_op.create_index('ix_upload_owner_created', ['owner_id', 'created_at'], unique=False)
    op.create_table('upload_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.String(length=32), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_upload_link_post_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_upload_link_thread_id_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['upload_id'], ['upload.id'], name=op.f('fk_upload_link_upload_id_upload'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_upload_link'))
    )
    with op.batch_alter_table('upload_link', schema=None) as batch_op:
        batch_op.create_index('ix_upload_link_source', ['thread_id', 'post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_upload_link_upload_id'), ['upload_id'], unique=False)


def downgrade():
    with op.batch_alter_table('upload_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_upload_link_upload_id'))
        batch_op.drop_index('ix_upload_link_source')

    op.drop_table('upload_link')
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.drop_index('ix_upload_owner_created')
        batch_op.drop_index('ix_upload_created')

    op.drop_table('upload')
