"""The database schema: table models only. The public JSON contract lives in api/v1/schemas.py."""

import datetime

from sqlalchemy import CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel


class Region(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=3)
    label: str
    description: str = Field(sa_column=Column(Text, nullable=False))
    sort_order: int


class Tier(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=3)
    label: str
    definition: str = Field(sa_column=Column(Text, nullable=False))
    sort_order: int


class Country(SQLModel, table=True):
    __table_args__ = (CheckConstraint("kind IN ('sovereign', 'territory', 'historic')", name="ck_country_kind"),)

    iso3: str = Field(primary_key=True, max_length=3)
    iso2: str = Field(unique=True, max_length=2)
    name: str
    kind: str = Field(max_length=16)
    region: str = Field(foreign_key="region.code", max_length=3)
    exists_from: int | None = None
    exists_to: int | None = None


class CountryAlias(SQLModel, table=True):
    __tablename__ = "country_alias"

    key: str = Field(primary_key=True)
    alias: str
    iso3: str = Field(foreign_key="country.iso3", index=True, max_length=3)


class Report(SQLModel, table=True):
    year: int = Field(primary_key=True)
    edition: int
    release_date: datetime.date
    url: str
    countries_covered: int | None = None
    published_tier_1: int | None = None
    published_tier_2: int | None = None
    published_tier_2wl: int | None = None
    published_tier_3: int | None = None
    published_special_case: int | None = None
    published_source: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))


class Placement(SQLModel, table=True):
    __table_args__ = (CheckConstraint("basis IN ('report', 'secondary', 'derived')", name="ck_placement_basis"),)

    year: int = Field(foreign_key="report.year", primary_key=True)
    iso3: str = Field(foreign_key="country.iso3", primary_key=True, index=True, max_length=3)
    tier: str = Field(foreign_key="tier.code", index=True, max_length=3)
    name_in_report: str
    region: str = Field(foreign_key="region.code", max_length=3)
    basis: str = Field(max_length=16)
    source_url: str = Field(sa_column=Column(Text, nullable=False))
    source_class: int = Field(default=6)
    report_url: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    report_url_scope: str = Field(default="edition", max_length=8)
    note: str | None = Field(default=None, sa_column=Column(Text))


class CoverageGap(SQLModel, table=True):
    """A country the report covered in a year whose tier no source could confirm: listed, never guessed."""

    __tablename__ = "coverage_gap"

    year: int = Field(foreign_key="report.year", primary_key=True)
    iso3: str = Field(foreign_key="country.iso3", primary_key=True, max_length=3)
    note: str = Field(sa_column=Column(Text, nullable=False))


class Correction(SQLModel, table=True):
    """A change made to a published row after it was first served, with its reason and evidence."""

    id: int | None = Field(default=None, primary_key=True)
    date: datetime.date
    year: int = Field(foreign_key="report.year", index=True)
    iso3: str = Field(foreign_key="country.iso3", index=True, max_length=3)
    field: str = Field(max_length=16)
    old_value: str | None = None
    new_value: str | None = None
    reason: str = Field(sa_column=Column(Text, nullable=False))
    evidence_url: str = Field(sa_column=Column(Text, nullable=False))


class Dataset(SQLModel, table=True):
    """One row: which version of seed/data is loaded, so readers and caches can tell."""

    id: int = Field(default=1, primary_key=True)
    version: str
    loaded_at: datetime.datetime
