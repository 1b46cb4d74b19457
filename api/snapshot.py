"""Every table of one data version in memory, read in one transaction: the one place answers are read from while
serving. SQL is for the seed and for building this; what is worked out from it is worked out once per version."""

import datetime
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from api.models import Correction, Country, CountryAlias, CoverageGap, Dataset, Placement, Region, Report, Tier
from api.names import name_key

T = TypeVar("T")
NO_DATA = "none"


def loaded_at(dataset: Dataset) -> datetime.datetime:
    """When the data was loaded, in UTC: SQLite hands the stored time back without its zone."""
    return dataset.loaded_at if dataset.loaded_at.tzinfo else dataset.loaded_at.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Immutable: built once, shared by every request of its version, never changed after."""

    version: str
    loaded_at: datetime.datetime | None
    tiers: list[Tier]
    regions: list[Region]
    countries: dict[str, Country]  # by ISO3, in name order
    aliases: dict[str, list[CountryAlias]]  # by ISO3, each in key order
    reports: dict[int, Report]  # by year, oldest first
    placements: list[Placement]  # by year, then ISO3
    gaps: list[CoverageGap]  # by year, then ISO3
    corrections: list[Correction]  # by date, then year
    by_year: dict[int, list[int]]
    by_country: dict[str, list[int]]
    gap_years: dict[str, set[int]]
    codes: dict[str, str]  # ISO3 and ISO2 to ISO3
    alias_keys: dict[str, str]  # every name, folded (api/names.py), to ISO3
    region_keys: dict[str, str]  # every code and label of a bureau, folded, to its code
    _memo: dict[Any, Any] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def years(self) -> list[int]:
        return self.once("years", lambda: list(self.reports))

    @property
    def released(self) -> dict[int, datetime.date]:
        return self.once("released", lambda: {year: r.release_date for year, r in self.reports.items()})

    @property
    def labels(self) -> dict[str, str]:
        """Tier code to the report's own label, in tier order."""
        return self.once("labels", lambda: {tier.code: tier.label for tier in self.tiers})

    @property
    def region_labels(self) -> dict[str, str]:
        """Bureau code to its name ("EAP" to "East Asia and Pacific"), in the bureaus' order."""
        return self.once("region-labels", lambda: {region.code: region.label for region in self.regions})

    @property
    def updated(self) -> datetime.datetime | None:
        """The data's own date: the latest edition's release or correction, whichever is later. Two loads of the same
        data give the same date, which the time of loading would not."""

        def compute() -> datetime.datetime | None:
            days = [*(r.release_date for r in self.reports.values()), *(c.date for c in self.corrections)]
            if not days or self.loaded_at is None:
                return None
            return datetime.datetime.combine(max(days), datetime.time(), datetime.UTC)

        return self.once("updated", compute)

    def country(self, name: str) -> Country | None:
        """The one country lookup: ISO3, ISO2 or any name it has gone by, ignoring case, accents and punctuation."""
        upper = name.strip().upper()
        if len(upper) in (2, 3) and upper.isalpha() and upper in self.codes:
            return self.countries[self.codes[upper]]
        iso3 = self.alias_keys.get(name_key(name))
        return self.countries[iso3] if iso3 else None

    def named_like(self, key: str) -> list[Country]:
        """Countries one of whose names contains `key` (a name_key), in name order: what `?q=` and 404 hints search."""
        return [c for iso3, c in self.countries.items() if any(key in a.key for a in self.aliases.get(iso3, ()))]

    def once(self, key: Any, compute: Callable[[], T]) -> T:
        """What is worked out from the data (histories, changes, statistics) is worked out once per version, at its
        first use, and kept with the version it came from."""
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        with self._lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]  # type: ignore[no-any-return]


def load(session: Session) -> Snapshot:
    """Every table, read in the caller's one transaction, so the version and the rows are always of the same load."""
    dataset = session.get(Dataset, 1)
    tiers = list(session.exec(select(Tier).order_by(col(Tier.sort_order))))
    countries = sorted(session.exec(select(Country)), key=lambda c: (name_key(c.name), c.iso3))
    by_iso3 = {country.iso3: country for country in countries}
    aliases: dict[str, list[CountryAlias]] = defaultdict(list)
    for alias in session.exec(select(CountryAlias).order_by(col(CountryAlias.key))):
        aliases[alias.iso3].append(alias)
    placements = list(session.exec(select(Placement).order_by(col(Placement.year), col(Placement.iso3))))
    by_year: dict[int, list[int]] = defaultdict(list)
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(placements):
        by_year[p.year].append(i)
        by_country[p.iso3].append(i)
    gaps = list(session.exec(select(CoverageGap).order_by(col(CoverageGap.year), col(CoverageGap.iso3))))
    gap_years: dict[str, set[int]] = defaultdict(set)
    for gap in gaps:
        gap_years[gap.iso3].add(gap.year)
    regions = list(session.exec(select(Region).order_by(col(Region.sort_order))))
    region_keys = {name_key(key): r.code for r in regions for key in (r.code, r.label)}
    codes = {code: c.iso3 for c in countries for code in (c.iso2, c.iso3)}
    snapshot = Snapshot(
        version=dataset.version if dataset else NO_DATA,
        loaded_at=loaded_at(dataset) if dataset else None,
        tiers=tiers,
        regions=regions,
        countries=by_iso3,
        aliases=dict(aliases),
        reports={r.year: r for r in session.exec(select(Report).order_by(col(Report.year)))},
        placements=placements,
        gaps=gaps,
        corrections=list(session.exec(select(Correction).order_by(col(Correction.date), col(Correction.year)))),
        by_year=dict(by_year),
        by_country=dict(by_country),
        gap_years=dict(gap_years),
        codes=codes,
        alias_keys={a.key: a.iso3 for found in aliases.values() for a in found},
        region_keys=region_keys,
    )
    # Nothing is read from the database after this: the objects are plain values from here on.
    session.expunge_all()
    return snapshot
