from collections import Counter, defaultdict
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlmodel import col, func, select

from api.db import SessionDep
from api.models import Country, CoverageGap, Placement
from api.v1.formats import CSV_RESPONSE, Format, FormatDep, model_csv
from api.v1.meta import DataVersion
from api.v1.regions import parse_regions, region_keys
from api.v1.schemas import TIER_FIELDS, ListMeta, StatList, StatRow, TierShares, counts

router = APIRouter(tags=["trends"])
ALL = "ALL"


def tier_counts(session: SessionDep) -> dict[tuple[int, str], Counter[str]]:
    """Placements per (year, region) and tier, with the region `ALL` holding each year's totals."""
    table: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for year, region, tier, n in session.exec(
        select(Placement.year, Placement.region, Placement.tier, func.count()).group_by(
            col(Placement.year), col(Placement.region), col(Placement.tier)
        )
    ):
        table[(year, region)][tier] += n
        table[(year, ALL)][tier] += n
    return table


@router.get(
    "/stats",
    summary="Counts and shares per tier per year, overall or by region",
    response_model=StatList,
    responses=CSV_RESPONSE,
)
@router.get("/stats.csv", response_model=StatList, include_in_schema=False)
def list_stats(
    session: SessionDep,
    version: DataVersion,
    output: FormatDep,
    region: Annotated[
        list[str] | None,
        Query(description="Regional bureau code or label, or `ALL` for the world (the default); repeat for several."),
    ] = None,
    year_from: Annotated[int | None, Query(ge=2001, le=2100, description="First report year.")] = None,
    year_to: Annotated[int | None, Query(ge=2001, le=2100, description="Last report year.")] = None,
) -> StatList | Response:
    """A time series ready to chart: how many countries were on each tier each year, and what share of those placed.

    One row per year for the whole report (`region=ALL`, the default) or per region (`region=AF&region=EAP`).
    Shares are percentages of the placements that year; a year's known gaps are not in them.
    """
    named = [r for r in region or [] if r != ALL]
    wanted = [ALL] if not region else [ALL] * (ALL in region) + parse_regions(named, region_keys(session))
    table = tier_counts(session)
    gaps: Counter[tuple[int, str]] = Counter()
    for year, area in session.exec(select(CoverageGap.year, Country.region).join(Country)):
        gaps[(year, area)] += 1
        gaps[(year, ALL)] += 1
    rows = []
    for year, area in sorted(table):
        if area not in wanted or (year_from and year < year_from) or (year_to and year > year_to):
            continue
        by_tier = table[(year, area)]
        placed = sum(by_tier.values())
        shares = {field: round(100 * by_tier[code] / placed, 1) for code, field in TIER_FIELDS.items()}
        rows.append(StatRow(year=year, region=area, placed=placed, known_gaps=gaps[(year, area)],
                            counts=counts(by_tier), shares=TierShares(**shares)))  # fmt: skip
    rows.sort(key=lambda r: (r.year, wanted.index(r.region)))
    if output is Format.CSV:
        return model_csv(StatRow, rows, "stats.csv")
    return StatList(data=rows, meta=ListMeta(total=len(rows), data_version=version))
