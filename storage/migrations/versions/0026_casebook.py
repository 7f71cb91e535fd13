"""The casebook: the secretariat's picks, consents to print, interviews, forewords

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "casebook_picks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("club_id", sa.Integer(), nullable=False),
        sa.Column("picked_by", sa.String(length=32), nullable=True),
        sa.Column("picked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["club_id"], ["clubs.id"], name=op.f("fk_casebook_picks_club_id_clubs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casebook_picks")),
        sa.UniqueConstraint("year", "club_id", name=op.f("uq_casebook_picks_year_club_id")),
    )
    with op.batch_alter_table("casebook_picks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_casebook_picks_club_id"), ["club_id"], unique=False)
    op.create_table(
        "casebook_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("club_id", sa.Integer(), nullable=True),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "answer IN ('pending', 'agree', 'anonymise', 'decline')", name=op.f("ck_casebook_consents_answer")
        ),
        sa.ForeignKeyConstraint(
            ["club_id"], ["clubs.id"], name=op.f("fk_casebook_consents_club_id_clubs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbox.id"], name=op.f("fk_casebook_consents_message_id_outbox"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_casebook_consents_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casebook_consents")),
        sa.UniqueConstraint("year", "participant_id", name=op.f("uq_casebook_consents_year_participant_id")),
    )
    with op.batch_alter_table("casebook_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_casebook_consents_participant_id"), ["participant_id"], unique=False)
    op.create_table(
        "casebook_interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("club_id", sa.Integer(), nullable=False),
        sa.Column("interviewee_id", sa.Integer(), nullable=True),
        sa.Column("pairs", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["club_id"], ["clubs.id"], name=op.f("fk_casebook_interviews_club_id_clubs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["interviewee_id"],
            ["participants.id"],
            name=op.f("fk_casebook_interviews_interviewee_id_participants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casebook_interviews")),
        sa.UniqueConstraint("year", "club_id", name=op.f("uq_casebook_interviews_year_club_id")),
    )
    with op.batch_alter_table("casebook_interviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_casebook_interviews_club_id"), ["club_id"], unique=False)
    op.create_table(
        "casebook_forewords",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casebook_forewords")),
        sa.UniqueConstraint("year", "lang", name=op.f("uq_casebook_forewords_year_lang")),
    )


def downgrade() -> None:
    op.drop_table("casebook_forewords")
    with op.batch_alter_table("casebook_interviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casebook_interviews_club_id"))
    op.drop_table("casebook_interviews")
    with op.batch_alter_table("casebook_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casebook_consents_participant_id"))
    op.drop_table("casebook_consents")
    with op.batch_alter_table("casebook_picks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casebook_picks_club_id"))
    op.drop_table("casebook_picks")
