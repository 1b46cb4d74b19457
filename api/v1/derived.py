"""What two or more routes show that is worked out from the snapshot: summaries of countries and editions, counts per
tier, the corrections, and the log of changes. Each is worked out once per data version (Snapshot.once)."""

import datetime
from collections import Counter, defaultdict

from api.links import public
from api.moves import Direction, direction, moves
from api.names import name_key
from api.snapshot import Snapshot
from api.v1.schemas import (
    CorrectionOut,
    CountryDetail,
    CountryOut,
    CountryPlacement,
    CountrySummary,
    DataChange,
    PublishedFigures,
    ReportOut,
    counts,
)
from api.watchlist import runs

ALL = "ALL"
FEED_TAG = "tag:tip-tiers-api,2026:"


def countries(snapshot: Snapshot) -> dict[str, CountryOut]:
    """Every country in name order, with the other names it goes by and its first and last report years."""

    def compute() -> dict[str, CountryOut]:
        found: dict[str, CountryOut] = {}
        for iso3, c in snapshot.countries.items():
            own = name_key(c.name)
            years = [snapshot.placements[i].year for i in snapshot.by_country.get(iso3, ())]
            found[iso3] = CountryOut(
                iso3=c.iso3, iso2=c.iso2, name=c.name, kind=c.kind, region=c.region,
                aliases=[a.alias for a in snapshot.aliases.get(iso3, ()) if a.key != own],
                first_year=min(years, default=None), last_year=max(years, default=None),
            )  # fmt: skip
        return found

    return snapshot.once("countries", compute)


def tier_counts(snapshot: Snapshot) -> dict[tuple[int, str], Counter[str]]:
    """Placements per (year, region) and tier, with the region `ALL` holding each year's totals."""

    def compute() -> dict[tuple[int, str], Counter[str]]:
        table: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
        for p in snapshot.placements:
            table[(p.year, p.region)][p.tier] += 1
            table[(p.year, ALL)][p.tier] += 1
        return dict(table)

    return snapshot.once("tier-counts", compute)


def reports(snapshot: Snapshot) -> list[ReportOut]:
    """Every edition, oldest first, with its placements per tier, its known gaps and the totals published."""

    def compute() -> list[ReportOut]:
        table = tier_counts(snapshot)
        gaps = Counter(g.year for g in snapshot.gaps)
        return [
            ReportOut(
                year=r.year, edition=r.edition, release_date=r.release_date, url=r.url,
                countries_placed=sum(table.get((r.year, ALL), Counter()).values()), known_gaps=gaps[r.year],
                counts=counts(table.get((r.year, ALL), Counter())),
                published=PublishedFigures(
                    countries_covered=r.countries_covered, tier_1=r.published_tier_1, tier_2=r.published_tier_2,
                    tier_2wl=r.published_tier_2wl, tier_3=r.published_tier_3, special_case=r.published_special_case,
                    source=r.published_source,
                ),
                note=r.note,
            )
            for r in snapshot.reports.values()
        ]  # fmt: skip

    return snapshot.once("reports", compute)


def report(snapshot: Snapshot, year: int) -> ReportOut:
    """One edition's summary, as `/v1/reports` lists it."""
    return snapshot.once("report-by-year", lambda: {r.year: r for r in reports(snapshot)})[year]


def corrections(snapshot: Snapshot) -> list[CorrectionOut]:
    """Every correction, oldest first, with the country's current name."""

    def compute() -> list[CorrectionOut]:
        return [
            CorrectionOut(
                date=c.date, year=c.year, iso3=c.iso3, country=snapshot.countries[c.iso3].name, field=c.field,
                old_value=c.old_value, new_value=c.new_value, reason=c.reason, evidence_url=c.evidence_url,
            )
            for c in snapshot.corrections
        ]  # fmt: skip

    return snapshot.once("corrections", compute)


def tiers_by_year(snapshot: Snapshot) -> dict[int, dict[str, str]]:
    """Each edition's placements as {iso3: tier}."""

    def compute() -> dict[int, dict[str, str]]:
        found: dict[int, dict[str, str]] = {year: {} for year in snapshot.reports}
        for p in snapshot.placements:
            found[p.year][p.iso3] = p.tier
        return found

    return snapshot.once("tiers-by-year", compute)


def data_changes(snapshot: Snapshot) -> list[DataChange]:
    """What changed in the data and when, newest first: each edition added, and each day's corrections."""
    return snapshot.once("data-changes", lambda: _data_changes(snapshot))


def _data_changes(snapshot: Snapshot) -> list[DataChange]:
    labels = snapshot.labels
    tiers = tiers_by_year(snapshot)
    changes: list[DataChange] = []
    previous: int | None = None
    for report in snapshot.reports.values():
        now = tiers[report.year]
        placed = Counter(now.values())
        summary = [", ".join(f"{labels[t]} {placed[t]}" for t in labels if placed[t]) + f" ({len(now)} placed)."]
        if previous is not None:
            moved = Counter(moves(tiers[previous], now).values())
            summary.append(
                f"Against {previous}: {moved[Direction.UP]} up, {moved[Direction.DOWN]} down, "
                f"{moved[Direction.ENTERED]} entered, {moved[Direction.LEFT]} left."
            )
        changes.append(
            DataChange(
                date=report.release_date, kind="edition", title=f"The {report.year} edition",
                summary=" ".join(summary), url=public(f"/v1/reports/{report.year}"), source_url=report.url,
                id=f"{FEED_TAG}edition-{report.year}",
            )
        )  # fmt: skip
        previous = report.year
    by_day: dict[datetime.date, list[CorrectionOut]] = defaultdict(list)
    for correction in corrections(snapshot):
        by_day[correction.date].append(correction)
    for day, made in by_day.items():
        lines = [
            f"{c.country} {c.year}: "
            + (f"{labels[c.old_value or '']} to {labels[c.new_value or '']}" if c.field == "tier"
               else f"added on {labels[c.new_value]}" if c.new_value else f"removed (was {labels[c.old_value or '']})")
            + "."
            for c in made
        ]  # fmt: skip
        changes.append(
            DataChange(
                date=day, kind="corrections", title=f"{len(made)} correction{'s' * (len(made) > 1)}",
                summary=" ".join(lines), url=public("/v1/corrections"), source_url=None,
                id=f"{FEED_TAG}corrections-{day.isoformat()}",
            )
        )  # fmt: skip
    changes.sort(key=lambda change: (change.date, change.kind), reverse=True)
    return changes


def history(snapshot: Snapshot, iso3: str) -> CountryDetail:
    """One country's whole history, worked out once per data version."""
    return snapshot.once(("history", iso3), lambda: _history(snapshot, iso3))


def _history(snapshot: Snapshot, iso3: str) -> CountryDetail:
    rows = [snapshot.placements[i] for i in snapshot.by_country.get(iso3, ())]
    gaps = sorted(snapshot.gap_years.get(iso3, ()))
    by_year = {p.year: p.tier for p in rows}
    editions = snapshot.years
    before = dict(zip(editions[1:], editions, strict=False))  # the edition before each, whatever the gap in years
    labels = snapshot.labels
    placements = [
        CountryPlacement(
            year=p.year, tier=p.tier, tier_label=labels[p.tier], name_in_report=p.name_in_report, region=p.region,
            basis=p.basis, source_url=p.source_url, source_class=p.source_class, report_url=p.report_url,
            report_url_scope=p.report_url_scope, note=p.note, previous_tier=by_year.get(before.get(p.year, 0)),
            change=direction(by_year.get(before.get(p.year, 0)), p.tier, gap=before.get(p.year) in gaps),
        )
        for p in rows
    ]  # fmt: skip
    years_on = Counter(by_year.values())
    current, longest = runs(by_year.items())
    # "On this tier since": back from the latest placement while each edition gave the same tier.
    tier_now = rows[-1].tier if rows else None
    since = None
    for year in reversed([y for y in editions if rows and y <= rows[-1].year]):
        if by_year.get(year) != tier_now:
            break
        since = year
    summary = CountrySummary(
        first_year_ranked=min((y for y, t in by_year.items() if t != "SC"), default=None),
        years_on_tier=counts(years_on),
        current_watch_list_streak=current,
        longest_watch_list_streak=longest,
        years_on_tier_3=years_on["3"],
        current_tier=tier_now,
        current_tier_since=since,
    )
    return CountryDetail(
        **countries(snapshot)[iso3].model_dump(), summary=summary, placements=placements, known_gaps=gaps,
        corrections=[c for c in corrections(snapshot) if c.iso3 == iso3],
    )  # fmt: skip
