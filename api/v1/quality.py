from collections import Counter, defaultdict

from api.snapshot import Snapshot
from api.v1.params import SnapshotDep
from api.v1.render import Router
from api.v1.schemas import (
    TIER_FIELDS,
    BasisCounts,
    Quality,
    QualityYear,
    ScopeCounts,
    SourceClassCounts,
    WatchListFlag,
)
from api.watchlist import streak_flags

router = Router(tags=["reports"])

_PUBLISHED = {code: f"published_{field}" for code, field in TIER_FIELDS.items()}


@router.get("/quality", summary="Data quality: coverage, evidence and rule checks per edition")
async def get_quality(snapshot: SnapshotDep) -> Quality:
    """How complete and how well sourced each edition is, and which Watch List runs break the statute's rules.

    For every year: how many countries the report covered, how many are placed here, which are known gaps,
    how many placements were read in the report, came from a secondary source or were derived, how many link the
    country's own chapter on state.gov, how citable their sources are (by class), and whether our
    per-tier counts equal the totals published at the time. Then every Watch List run longer than the automatic
    downgrade rules allow (two years plus waivers: four until 2018, three from 2019; one year after returning
    from an automatic downgrade), flagged for review rather than changed.
    """
    return snapshot.once("quality", lambda: _quality(snapshot))


def _quality(snapshot: Snapshot) -> Quality:
    tiers: dict[int, Counter[str]] = defaultdict(Counter)
    basis: dict[int, Counter[str]] = defaultdict(Counter)
    scopes: dict[int, Counter[str]] = defaultdict(Counter)
    classes: dict[int, Counter[int]] = defaultdict(Counter)
    history: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for p in snapshot.placements:
        tiers[p.year][p.tier] += 1
        basis[p.year][p.basis] += 1
        scopes[p.year][p.report_url_scope] += 1
        classes[p.year][p.source_class] += 1
        history[p.iso3].append((p.year, p.tier))
    gaps: dict[int, list[str]] = defaultdict(list)
    for gap in sorted(snapshot.gaps, key=lambda g: g.iso3):
        gaps[gap.year].append(gap.iso3)
    years = []
    for report in snapshot.reports.values():
        placed = sum(tiers[report.year].values())
        covered = report.countries_covered
        published = {code: getattr(report, field) for code, field in _PUBLISHED.items()}
        checked = {code: n for code, n in published.items() if n is not None}
        years.append(
            QualityYear(
                year=report.year,
                countries_covered=covered,
                countries_placed=placed,
                known_gaps=gaps[report.year],
                unaccounted=None if covered is None else covered - placed - len(gaps[report.year]),
                basis_counts=BasisCounts(**{k: basis[report.year][k] for k in ("report", "secondary", "derived")}),
                report_url_scope_counts=ScopeCounts(**{k: scopes[report.year][k] for k in ("country", "edition")}),
                source_class_counts=SourceClassCounts(
                    **{name: classes[report.year][i] for i, name in enumerate(SourceClassCounts.model_fields, 1)}
                ),
                matches_published=all(tiers[report.year][c] == n for c, n in checked.items()) if checked else None,
            )
        )
    flags = [
        WatchListFlag(
            iso3=f.iso3,
            country=snapshot.countries[f.iso3].name,
            year=f.year,
            streak=f.streak,
            rule=f.rule,
            message=f.message,
        )
        for iso3 in sorted(history)
        for f in streak_flags(iso3, history[iso3])
    ]
    return Quality(years=years, watch_list_flags=flags, data_version=snapshot.version)
