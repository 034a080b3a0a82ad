"""Gamification: badges awarded, leaderboard tallies, ambassador decisions, ledger causes.

Revision ID: 0004_gamification
Revises: 0003_search
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_gamification"
down_revision = "0003_search"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cause", sa.String(length=160), nullable=True))
        batch_op.create_index("ix_ledger_cause", ["cause"], unique=False)
        batch_op.create_index("ix_ledger_post", ["post_id"], unique=False)
    # Rows written before this revision: their cause is their key without "#n".
    op.execute(
        "UPDATE ledger_entry SET cause = CASE WHEN key LIKE '%#%' "
        "THEN substr(key, 1, length(key) - length(replace(key, rtrim(key, '0123456789'), '')) - 1) "
        "ELSE key END"
    )

    op.create_table(
        "badge_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("badge", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("awarded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_badge_award_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["thread_id"], ["thread.id"],
                                name=op.f("fk_badge_award_thread_id_thread"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_badge_award_post_id_post"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_award")),
        sa.UniqueConstraint("key", name=op.f("uq_badge_award_key")),
    )
    with op.batch_alter_table("badge_award", schema=None) as batch_op:
        batch_op.create_index("ix_badge_award_user", ["user_id", "awarded_at"], unique=False)
        batch_op.create_index("ix_badge_award_badge", ["badge", "user_id"], unique=False)

    op.create_table(
        "reputation_tally",
        sa.Column("period", sa.String(length=5), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("track", sa.String(length=7), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_reputation_tally_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("period", "start", "space_id", "user_id",
                                name=op.f("pk_reputation_tally")),
    )
    with op.batch_alter_table("reputation_tally", schema=None) as batch_op:
        batch_op.create_index("ix_tally_board", ["period", "start", "space_id", "track", "points", "user_id"],
                              unique=False)
        batch_op.create_index("ix_tally_user", ["user_id"], unique=False)

    op.create_table(
        "ambassador_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("review_due_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_ambassador_decision_user_id_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["by_id"], ["user.id"],
                                name=op.f("fk_ambassador_decision_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ambassador_decision")),
    )
    with op.batch_alter_table("ambassador_decision", schema=None) as batch_op:
        batch_op.create_index("ix_ambassador_decision_user", ["user_id", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("ambassador_decision", schema=None) as batch_op:
        batch_op.drop_index("ix_ambassador_decision_user")
    op.drop_table("ambassador_decision")
    with op.batch_alter_table("reputation_tally", schema=None) as batch_op:
        batch_op.drop_index("ix_tally_user")
        batch_op.drop_index("ix_tally_board")
    op.drop_table("reputation_tally")
    with op.batch_alter_table("badge_award", schema=None) as batch_op:
        batch_op.drop_index("ix_badge_award_badge")
        batch_op.drop_index("ix_badge_award_user")
    op.drop_table("badge_award")
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_post")
        batch_op.drop_index("ix_ledger_cause")
        batch_op.drop_column("cause")
