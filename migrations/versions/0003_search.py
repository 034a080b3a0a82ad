"""search outbox and the log of searches that found nothing

Revision ID: 0003_search
Revises: 0002_import
"""
from alembic import op
import sqlalchemy as sa


revision = "0003_search"
down_revision = "0002_import"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_search_outbox_action", ["action", "id"], unique=False)

    op.create_table(
        "search_miss",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=256), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["space_id"], ["space.id"],
                                name=op.f("fk_search_miss_space_id_space"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_miss")),
    )
    with op.batch_alter_table("search_miss", schema=None) as batch_op:
        batch_op.create_index("ix_search_miss_time", ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("search_miss", schema=None) as batch_op:
        batch_op.drop_index("ix_search_miss_time")
    op.drop_table("search_miss")
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_search_outbox_action")
    op.drop_table("search_outbox")
