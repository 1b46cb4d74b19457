from collections import Counter
from typing import Annotated

from fastapi import Query

from api.v1 import derived
from api.v1.derived import ALL
from api.v1.params import FIRST_YEAR, LAST_YEAR, SnapshotDep, parse_regions
from api.v1.render import Router
from api.v1.schemas import TIER_FIELDS, ListMeta, StatList, StatRow, TierShares, counts

router = Router(tags=["trends"])


@router.get("/stats", summary="Counts and shares per tier per year, overall or by region", response_model=StatList)
async def list_stats(
    snapshot: SnapshotDep,
    region: Annotated[
        list[str] | None,
        Query(description="Regional bureau code or label, or `ALL` for the world (the default); repeat for several."),
    ] = None,
    year_from: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="First report year.")] = None,
    year_to: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Last report year.")] = None,
) -> StatList:
    """A time series ready to chart: how many countries were on each tier each year, and what share of those placed.

    One row per year for the whole report (`region=ALL`, the default) or per region (`region=AF&region=EAP`).
    Shares are percentages of the placements that year; a year's known gaps are not in them.
    """
    named = [r for r in region or [] if r != ALL]
    wanted = [ALL] if not region else [ALL] * (ALL in region) + parse_regions(named, snapshot.region_keys)
    table = derived.tier_counts(snapshot)
    gaps: Counter[tuple[int, str]] = Counter()
    for gap in snapshot.gaps:
        gaps[(gap.year, snapshot.countries[gap.iso3].region)] += 1
        gaps[(gap.year, ALL)] += 1
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
    return StatList(data=rows, meta=ListMeta(total=len(rows), data_version=snapshot.version))
