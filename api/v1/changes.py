from typing import Annotated

from fastapi import Query

from api.errors import InvalidParameter
from api.models import Placement
from api.moves import Direction, direction
from api.v1.params import FIRST_YEAR, LAST_YEAR, SnapshotDep, parse_regions, parse_tiers
from api.v1.render import Router
from api.v1.schemas import Change, ChangeList, ChangeMeta

router = Router(tags=["trends"])

MOVES = [d for d in Direction if d is not Direction.UNCHANGED]


@router.get("/changes", summary="Who moved up or down between two editions", response_model=ChangeList)
async def list_changes(
    snapshot: SnapshotDep,
    from_year: Annotated[
        int | None,
        Query(
            alias="from",
            ge=FIRST_YEAR,
            le=LAST_YEAR,
            description="The earlier report year; by default the edition before `to`.",
            examples=[2024],
        ),
    ] = None,
    to_year: Annotated[
        int | None,
        Query(
            alias="to",
            ge=FIRST_YEAR,
            le=LAST_YEAR,
            description="The later report year; by default the latest edition.",
            examples=[2025],
        ),
    ] = None,
    region: Annotated[
        list[str] | None, Query(description="Regional bureau code or label; repeat or comma-separate.")
    ] = None,
    move: Annotated[
        list[Direction] | None,
        Query(
            alias="direction", description="Only these moves, e.g. `down`; by default every move except `unchanged`."
        ),
    ] = None,
    from_tier: Annotated[
        list[str] | None,
        Query(
            description="Only countries on this tier in the earlier year (any spelling: `2wl`, `tier-3`); repeat "
            "or comma-separate.",
            examples=["2WL"],
        ),
    ] = None,
    to_tier: Annotated[
        list[str] | None,
        Query(
            description="Only countries on this tier in the later year: `?to_tier=3` is who fell to (or stayed "
            "on) Tier 3.",
            examples=["3"],
        ),
    ] = None,
) -> ChangeList:
    """Upgrades, downgrades, Special Case changes and countries entering or leaving between two reports.

    `/v1/changes` compares the latest edition with the one before: who was upgraded, who was downgraded, who
    entered or left the report. `?from=2013&to=2014&direction=down` lists the 2014 downgrades; `?direction=unchanged`
    lists those that stayed. Tier 1 is the top; moves to or from a Special Case are neither up nor down. Countries
    whose tier in either year is a known gap are `unknown` and listed in `meta.gaps`.

    **Who fell to Tier 3 this year:** `/v1/changes?to_tier=3` (every move into Tier 3 since the edition before, Watch
    List countries downgraded automatically or not). Add `direction=unchanged` for those who stayed there.
    """
    years = snapshot.years
    for name, value in (("to", to_year), ("from", from_year)):
        if value is not None and value not in years:
            raise InvalidParameter(
                name, f"there is no {value} report in the dataset; editions run {years[0]}-{years[-1]}"
            )
    to_year = to_year if to_year is not None else years[-1]
    if from_year is None:
        earlier = [y for y in years if y < to_year]
        if not earlier:
            raise InvalidParameter("to", f"{to_year} is the first edition; there is nothing to compare it with")
        from_year = earlier[-1]
    if from_year >= to_year:
        raise InvalidParameter("from", f"from ({from_year}) must be before to ({to_year})")
    regions = parse_regions(region, snapshot.region_keys)
    wanted = set(move or MOVES)
    from_tiers, to_tiers = parse_tiers(from_tier, "from_tier"), parse_tiers(to_tier, "to_tier")

    placed: dict[int, dict[str, Placement]] = {
        year: {snapshot.placements[i].iso3: snapshot.placements[i] for i in snapshot.by_year.get(year, ())}
        for year in (from_year, to_year)
    }
    gaps = {(g.year, g.iso3) for g in snapshot.gaps if g.year in placed}
    rows = []
    for iso3 in sorted(set(placed[from_year]) | set(placed[to_year]) | {i for _, i in gaps}):
        before, after = placed[from_year].get(iso3), placed[to_year].get(iso3)
        if before is None and after is None:
            continue  # a gap in one year and not covered in the other says nothing
        gap = (from_year, iso3) in gaps or (to_year, iso3) in gaps
        move_ = direction(before.tier if before else None, after.tier if after else None, gap=gap)
        where = (after or before).region  # type: ignore[union-attr]
        tiers_match = (not from_tiers or (before is not None and before.tier in from_tiers)) and (
            not to_tiers or (after is not None and after.tier in to_tiers)
        )
        if move_ in wanted and (not regions or where in regions) and tiers_match:
            name = snapshot.countries[iso3].name
            rows.append(Change(iso3=iso3, country=name, region=where, from_year=from_year, to_year=to_year,
                               from_tier=before.tier if before else None, to_tier=after.tier if after else None,
                               direction=move_))  # fmt: skip
    return ChangeList(
        data=rows,
        meta=ChangeMeta(total=len(rows), data_version=snapshot.version, from_year=from_year, to_year=to_year,
                        gaps=sorted(iso3 for _, iso3 in gaps)),
    )  # fmt: skip
