"""Outputs found, not only filed: an output's source, the joint works suggested to club leaders, the DOI cache,
the App Home's one ORCID nudge

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outputs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source",
                sa.Enum(
                    "filed", "discovered", name="output_source", native_enum=False, create_constraint=True, length=32
                ),
                server_default="filed",
                nullable=False,
            )
        )
    op.create_table(
        "output_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("club_id", sa.Integer(), nullable=False),
        sa.Column("doi", sa.String(length=255), nullable=False),
        sa.Column("openalex_id", sa.String(length=40), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("venue", sa.String(length=500), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("international", sa.Boolean(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("member_ids", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "confirmed",
                "rejected",
                name="suggestion_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("output_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["club_id"], ["clubs.id"], name=op.f("fk_output_suggestions_club_id_clubs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["output_id"], ["outputs.id"], name=op.f("fk_output_suggestions_output_id_outputs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_output_suggestions")),
        sa.UniqueConstraint("club_id", "doi", name=op.f("uq_output_suggestions_club_id_doi")),
    )
    with op.batch_alter_table("output_suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_output_suggestions_club_id"), ["club_id"], unique=False)
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("orcid_nudged_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "doi_metadata",
        sa.Column("doi", sa.String(length=255), nullable=False),
        sa.Column("message", sa.JSON(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("venue", sa.String(length=500), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("crossref_type", sa.String(length=64), nullable=True),
        sa.Column("output_type", sa.String(length=32), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("doi", name=op.f("pk_doi_metadata")),
    )


def downgrade() -> None:
    op.drop_table("doi_metadata")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("orcid_nudged_at")
    with op.batch_alter_table("output_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_output_suggestions_club_id"))
    op.drop_table("output_suggestions")
    with op.batch_alter_table("outputs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outputs_output_source"), type_="check")
        batch_op.drop_column("source")
