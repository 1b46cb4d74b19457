from collections import Counter, defaultdict

from fastapi import Path

from api.errors import NotFound
from api.snapshot import Snapshot
from api.v1 import derived
from api.v1.params import FIRST_YEAR, LAST_YEAR, SnapshotDep
from api.v1.render import Router
from api.v1.schemas import BasisCounts, Gap, ListMeta, RegionTierCounts, ReportDetail, ReportList, counts

router = Router(tags=["reports"])


@router.get("/reports", summary="Report editions with counts per tier", response_model=ReportList)
async def list_reports(snapshot: SnapshotDep) -> ReportList:
    """Every edition from 2001, oldest first, with placements per tier and the totals published at the time.

    `counts` are this dataset's placements; `published` are the totals the State Department or reliable
    coverage stated at the time, so you can see where the two agree.
    """
    data = derived.reports(snapshot)
    return ReportList(data=data, meta=ListMeta(total=len(data), data_version=snapshot.version))


@router.get(
    "/reports/{year}",
    summary="One edition: counts by tier and region, evidence, gaps",
    responses={404: {"description": "No report was published that year."}},
)
async def get_report(
    snapshot: SnapshotDep, year: int = Path(ge=FIRST_YEAR, le=LAST_YEAR, examples=[2024])
) -> ReportDetail:
    """One edition: counts per tier overall and per region, how each placement is known, and the known gaps."""
    if year not in snapshot.reports:
        raise NotFound(f"No TIP Report for {year} is in this dataset; see /v1/reports for the editions.")
    return snapshot.once(("report", year), lambda: _detail(snapshot, year))


def _detail(snapshot: Snapshot, year: int) -> ReportDetail:
    by_region: dict[str, Counter[str]] = defaultdict(Counter)
    basis: Counter[str] = Counter()
    for p in (snapshot.placements[i] for i in snapshot.by_year.get(year, ())):
        by_region[p.region][p.tier] += 1
        basis[p.basis] += 1
    summary = derived.report(snapshot, year)
    return ReportDetail(
        **summary.model_dump(),
        counts_by_region=[
            RegionTierCounts(region=region, counts=counts(by_region[region])) for region in sorted(by_region)
        ],
        basis_counts=BasisCounts(report=basis["report"], secondary=basis["secondary"], derived=basis["derived"]),
        gaps=[
            Gap(iso3=g.iso3, country=snapshot.countries[g.iso3].name, note=g.note)
            for g in snapshot.gaps
            if g.year == year
        ],
    )
