"""Feed items: the DOI of a scholarly item (issue 17), shown in the digest as a link

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feed_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("doi", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feed_items", schema=None) as batch_op:
        batch_op.drop_column("doi")
