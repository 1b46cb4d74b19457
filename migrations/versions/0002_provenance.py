"""Placements gain the State Department's own page for the country in that edition, its scope, and the class of
the cited source; corrections become a table. The loader's FORMAT changed with them, so the next `python -m seed`
reloads and fills them.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("placement") as batch:
        batch.add_column(sa.Column("source_class", sa.Integer(), nullable=False, server_default="6"))
        batch.add_column(sa.Column("report_url", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("report_url_scope", sa.String(length=8), nullable=False, server_default="edition"))
    op.create_table(
        "correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("iso3", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("old_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("new_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence_url", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["iso3"], ["country.iso3"]),
        sa.ForeignKeyConstraint(["year"], ["report.year"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_correction_iso3"), "correction", ["iso3"], unique=False)
    op.create_index(op.f("ix_correction_year"), "correction", ["year"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_correction_year"), table_name="correction")
    op.drop_index(op.f("ix_correction_iso3"), table_name="correction")
    op.drop_table("correction")
    with op.batch_alter_table("placement") as batch:
        batch.drop_column("report_url_scope")
        batch.drop_column("report_url")
        batch.drop_column("source_class")
