"""Initial schema: regions, tiers, countries and aliases, reports, placements, coverage gaps, dataset version.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 04:34:00.979013
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("loaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "region",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "report",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("edition", sa.Integer(), nullable=False),
        sa.Column("release_date", sa.Date(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("countries_covered", sa.Integer(), nullable=True),
        sa.Column("published_tier_1", sa.Integer(), nullable=True),
        sa.Column("published_tier_2", sa.Integer(), nullable=True),
        sa.Column("published_tier_2wl", sa.Integer(), nullable=True),
        sa.Column("published_tier_3", sa.Integer(), nullable=True),
        sa.Column("published_special_case", sa.Integer(), nullable=True),
        sa.Column("published_source", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "tier",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "country",
        sa.Column("iso3", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("iso2", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("exists_from", sa.Integer(), nullable=True),
        sa.Column("exists_to", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('sovereign', 'territory', 'historic')", name="ck_country_kind"),
        sa.ForeignKeyConstraint(
            ["region"],
            ["region.code"],
        ),
        sa.PrimaryKeyConstraint("iso3"),
        sa.UniqueConstraint("iso2"),
    )
    op.create_table(
        "country_alias",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("alias", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("iso3", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["iso3"],
            ["country.iso3"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("country_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_country_alias_iso3"), ["iso3"], unique=False)

    op.create_table(
        "coverage_gap",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("iso3", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["iso3"],
            ["country.iso3"],
        ),
        sa.ForeignKeyConstraint(
            ["year"],
            ["report.year"],
        ),
        sa.PrimaryKeyConstraint("year", "iso3"),
    )
    op.create_table(
        "placement",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("iso3", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("tier", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("name_in_report", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("basis", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("basis IN ('report', 'secondary', 'derived')", name="ck_placement_basis"),
        sa.ForeignKeyConstraint(
            ["iso3"],
            ["country.iso3"],
        ),
        sa.ForeignKeyConstraint(
            ["region"],
            ["region.code"],
        ),
        sa.ForeignKeyConstraint(
            ["tier"],
            ["tier.code"],
        ),
        sa.ForeignKeyConstraint(
            ["year"],
            ["report.year"],
        ),
        sa.PrimaryKeyConstraint("year", "iso3"),
    )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_iso3"), ["iso3"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_tier"), ["tier"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_tier"))
        batch_op.drop_index(batch_op.f("ix_placement_iso3"))

    op.drop_table("placement")
    op.drop_table("coverage_gap")
    with op.batch_alter_table("country_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_country_alias_iso3"))

    op.drop_table("country_alias")
    op.drop_table("country")
    op.drop_table("tier")
    op.drop_table("report")
    op.drop_table("region")
    op.drop_table("dataset")
