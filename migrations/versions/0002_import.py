"""comments (Stack Exchange import)

Revision ID: 0002_import
Revises: 64276d3fbb69
Create Date: 2026-11-24 01:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0002_import"
down_revision = "64276d3fbb69"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_comment_author_id_user")),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_comment_post_id_post"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["thread_id"], ["thread.id"], name=op.f("fk_comment_thread_id_thread"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
        sa.UniqueConstraint("external_id", name=op.f("uq_comment_external_id")),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comment_post_id"), ["post_id"], unique=False)
        batch_op.create_index("ix_comment_thread_created", ["thread_id", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_thread_created")
        batch_op.drop_index(batch_op.f("ix_comment_post_id"))
        batch_op.drop_index(batch_op.f("ix_comment_author_id"))
    op.drop_table("comment")
