"""A filed DOI's lookup remembered: `outputs.doi_looked_up_at`, set once Crossref answered for the output's DOI
(found or unknown), so a lookup that failed for a passing reason is tried again by the `doi-lookups` job

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outputs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("doi_looked_up_at", sa.DateTime(timezone=True), nullable=True))
    # the outputs whose DOI Crossref already answered for were looked up (their cards show it)
    op.execute(
        "UPDATE outputs SET doi_looked_up_at ="
        " (SELECT fetched_at FROM doi_metadata WHERE doi_metadata.doi = outputs.doi)"
        " WHERE doi IN (SELECT doi FROM doi_metadata)"
    )


def downgrade() -> None:
    with op.batch_alter_table("outputs", schema=None) as batch_op:
        batch_op.drop_column("doi_looked_up_at")
