"""People: the times a person said they were away, kept as history (the reports count them away, not silent)

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "away_spans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_away_spans_days_ordered")),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_away_spans_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_away_spans")),
    )
    with op.batch_alter_table("away_spans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_away_spans_participant_id"), ["participant_id"], unique=False)
    # who is away now: from today (when they said so was not kept) to the day they gave
    now = datetime.now(UTC)
    today = now.date()
    participants = sa.table("participants", sa.column("id", sa.Integer), sa.column("away_until", sa.Date))
    spans = sa.table(
        "away_spans",
        sa.column("participant_id", sa.Integer),
        sa.column("first_day", sa.Date),
        sa.column("last_day", sa.Date),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(participants.c.id, participants.c.away_until).where(participants.c.away_until >= today)
    ).all()
    if rows:
        op.bulk_insert(
            spans,
            [{"participant_id": r[0], "first_day": today, "last_day": r[1], "created_at": now} for r in rows],
        )


def downgrade() -> None:
    with op.batch_alter_table("away_spans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_away_spans_participant_id"))
    op.drop_table("away_spans")
