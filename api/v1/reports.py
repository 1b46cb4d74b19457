from collections import Counter, defaultdict

from fastapi import APIRouter, Path, Response
from sqlmodel import Session, col, func, select

from api.db import SessionDep
from api.errors import NotFound
from api.models import Country, CoverageGap, Placement, Report
from api.v1.formats import CSV_RESPONSE, Format, FormatDep, model_csv
from api.v1.meta import DataVersion
from api.v1.schemas import (
    BasisCounts,
    Gap,
    ListMeta,
    PublishedFigures,
    RegionTierCounts,
    ReportDetail,
    ReportList,
    ReportOut,
    counts,
)

router = APIRouter(tags=["reports"])


def _summaries(session: Session, reports: list[Report]) -> list[ReportOut]:
    years = [r.year for r in reports]
    by_year: dict[int, Counter[str]] = defaultdict(Counter)
    for year, tier, n in session.exec(
        select(Placement.year, Placement.tier, func.count())
        .where(col(Placement.year).in_(years))
        .group_by(col(Placement.year), col(Placement.tier))
    ):
        by_year[year][tier] = n
    gaps = dict(
        session.exec(
            select(CoverageGap.year, func.count())
            .where(col(CoverageGap.year).in_(years))
            .group_by(col(CoverageGap.year))
        ).all()
    )
    return [
        ReportOut(
            year=r.year, edition=r.edition, release_date=r.release_date, url=r.url,
            countries_placed=sum(by_year[r.year].values()), known_gaps=gaps.get(r.year, 0),
            counts=counts(by_year[r.year]),
            published=PublishedFigures(
                countries_covered=r.countries_covered, tier_1=r.published_tier_1, tier_2=r.published_tier_2,
                tier_2wl=r.published_tier_2wl, tier_3=r.published_tier_3, special_case=r.published_special_case,
                source=r.published_source,
            ),
            note=r.note,
        )
        for r in reports
    ]  # fmt: skip


@router.get(
    "/reports", summary="Report editions with counts per tier", response_model=ReportList, responses=CSV_RESPONSE
)
@router.get("/reports.csv", response_model=ReportList, include_in_schema=False)
def list_reports(session: SessionDep, version: DataVersion, output: FormatDep) -> ReportList | Response:
    """Every edition from 2001, oldest first, with placements per tier and the totals published at the time.

    `counts` are this dataset's placements; `published` are the totals the State Department or reliable
    coverage stated at the time, so you can see where the two agree.
    """
    reports = list(session.exec(select(Report).order_by(col(Report.year))).all())
    data = _summaries(session, reports)
    if output is Format.CSV:
        return model_csv(ReportOut, data, "reports.csv")
    return ReportList(data=data, meta=ListMeta(total=len(data), data_version=version))


@router.get(
    "/reports/{year}",
    summary="One edition: counts by tier and region, evidence, gaps",
    responses={404: {"description": "No report was published that year."}},
)
def get_report(session: SessionDep, year: int = Path(ge=2001, le=2100, examples=[2024])) -> ReportDetail:
    """One edition: counts per tier overall and per region, how each placement is known, and the known gaps."""
    report = session.get(Report, year)
    if report is None:
        raise NotFound(f"No TIP Report for {year} is in this dataset; see /v1/reports for the editions.")
    by_region: dict[str, Counter[str]] = defaultdict(Counter)
    for region, tier, n in session.exec(
        select(Placement.region, Placement.tier, func.count())
        .where(Placement.year == year)
        .group_by(col(Placement.region), col(Placement.tier))
    ):
        by_region[region][tier] = n
    basis: Counter[str] = Counter()
    for kind, n in session.exec(
        select(Placement.basis, func.count()).where(Placement.year == year).group_by(col(Placement.basis))
    ):
        basis[kind] = n
    gaps = session.exec(
        select(CoverageGap, Country.name).join(Country).where(CoverageGap.year == year).order_by(col(CoverageGap.iso3))
    ).all()
    return ReportDetail(
        **_summaries(session, [report])[0].model_dump(),
        counts_by_region=[
            RegionTierCounts(region=region, counts=counts(by_region[region])) for region in sorted(by_region)
        ],
        basis_counts=BasisCounts(report=basis["report"], secondary=basis["secondary"], derived=basis["derived"]),
        gaps=[Gap(iso3=g.iso3, country=name, note=g.note) for g, name in gaps],
    )
