"""What every /v1 route takes, defined once: the snapshot of the live data version, and the filters (years, tiers,
regions, countries) with the one way each parses. Route modules import this, never each other."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from starlette.exceptions import HTTPException

from api.errors import InvalidParameter
from api.live import live
from api.models import Country
from api.names import name_key
from api.snapshot import Snapshot
from api.v1.schemas import Basis, RegionCode, TierCode

FIRST_YEAR, LAST_YEAR = 2001, 2100
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Report year, inclusive bound.")]


async def current_snapshot(request: Request) -> Snapshot:
    """The snapshot the cache layer was handed for this request (api/live.py), so the answer and its ETag are of one
    version; on every /v1 route, so none can answer without one."""
    snapshot = request.scope.get("state", {}).get("snapshot") or await live.get()
    if snapshot is None:
        if live.failure is not None:
            raise live.failure
        raise HTTPException(503, "The database does not answer; please retry shortly.", {"Retry-After": "5"})
    request.state.snapshot = snapshot
    if snapshot.loaded_at is not None:
        request.state.data_version = snapshot.version
        request.state.last_modified = snapshot.updated
    return snapshot


SnapshotDep = Annotated[Snapshot, Depends(current_snapshot)]

# Spellings people type, folded to lower case without spaces, hyphens, underscores or a leading "tier".
_SPELLINGS = {
    "1": "1", "i": "1", "t1": "1",
    "2": "2", "ii": "2", "t2": "2",
    "2wl": "2WL", "2watchlist": "2WL", "watchlist": "2WL", "wl": "2WL", "t2wl": "2WL", "iiwl": "2WL",
    "3": "3", "iii": "3", "t3": "3",
    "sc": "SC", "special": "SC", "specialcase": "SC", "specialcases": "SC",
}  # fmt: skip


def parse_tiers(values: list[str] | None, parameter: str = "tier") -> list[str]:
    """Accept repeated or comma-separated tiers in any common spelling ("2wl", "watch-list", "Tier 3", "special")."""
    codes: list[str] = []
    for value in values or []:
        for part in value.split(","):
            folded = "".join(c for c in part.lower() if c not in " -_.")
            code = _SPELLINGS.get(folded.removeprefix("tier"))
            if code is None:
                allowed = ", ".join(TierCode)
                raise InvalidParameter(parameter, f"{part.strip()!r} is not a tier; use one of {allowed}")
            if code not in codes:
                codes.append(code)
    return codes


def parse_regions(values: list[str] | None, by_key: Mapping[str, str]) -> list[str]:
    """Accept repeated or comma-separated bureau codes or labels, in any case ("eap", "East Asia and Pacific")."""
    codes: list[str] = []
    for value in values or []:
        for part in value.split(","):
            code = by_key.get(name_key(part))
            if code is None:
                raise InvalidParameter(
                    "region", f"{part.strip()!r} is not a region; use one of {', '.join(RegionCode)}"
                )
            if code not in codes:
                codes.append(code)
    return codes


def parse_years(values: list[int] | None) -> list[int]:
    for value in values or []:
        if not FIRST_YEAR <= value <= LAST_YEAR:
            raise InvalidParameter("year", f"{value} is outside {FIRST_YEAR}-{LAST_YEAR}; the first report was in 2001")
    return values or []


def country_named(snapshot: Snapshot, name: str, parameter: str = "country") -> Country:
    """A filter's country, by any code or name, or a 422 that says where to look."""
    found = snapshot.country(name)
    if found is None:
        raise InvalidParameter(parameter, f"no country goes by {name[:100]!r}; see /v1/countries?q=...")
    return found


@dataclass(frozen=True)
class Selection:
    """The placements a request's filters select: the report years in range, and the matching rows' positions."""

    snapshot: Snapshot
    years: list[int]
    matching: list[int]


def _matching(
    snapshot: Snapshot, years: list[int], tiers: list[str], regions: list[str], codes: list[str], bases: list[str]
) -> list[int]:
    """Positions of the matching rows of these report years, in the documented order (year, then ISO3)."""
    if codes:
        candidates = sorted(i for code in set(codes) for i in snapshot.by_country.get(code, ()))
    else:
        candidates = [i for year in years for i in snapshot.by_year.get(year, ())]
    wanted_years = set(years)
    # Plain tuples, made once per version: reading a table model's attribute goes through SQLAlchemy's descriptor.
    keys = snapshot.once("placement-keys", lambda: [(p.year, p.tier, p.region, p.basis) for p in snapshot.placements])
    return [
        i
        for i in candidates
        if (row := keys[i])[0] in wanted_years
        and (not tiers or row[1] in tiers)
        and (not regions or row[2] in regions)
        and (not bases or row[3] in bases)
    ]


async def select_placements(
    snapshot: SnapshotDep,
    year: Annotated[
        list[int] | None, Query(description="Report year; repeat for several (`year=2023&year=2024`).", examples=[2024])
    ] = None,
    year_from: Year = None,
    year_to: Year = None,
    tier: Annotated[
        list[str] | None,
        Query(
            description="Tier code `1`, `2`, `2WL`, `3` or `SC`, in any common spelling (`2wl`, `watch-list`, "
            "`tier-3`, `special`); repeat or comma-separate.",
            examples=["2WL"],
        ),
    ] = None,
    region: Annotated[
        list[str] | None, Query(description="Regional bureau in that year (`AF`, `EAP`, `EUR`, `NEA`, `SCA`, `WHA`).")
    ] = None,
    country: Annotated[
        list[str] | None,
        Query(description="ISO3, ISO2 or any name the country has gone by; repeat for several.", examples=["THA"]),
    ] = None,
    basis: Annotated[list[Basis] | None, Query(description="Only placements resting on this kind of evidence.")] = None,
) -> Selection:
    """The placement filters, parsed once for every route that takes them (placements, cite)."""
    parse_years(year)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidParameter("year_from", f"year_from ({year_from}) is after year_to ({year_to})")
    tiers = parse_tiers(tier)
    regions = parse_regions(region, snapshot.region_keys)
    codes = [country_named(snapshot, name).iso3 for name in country or []]
    bases = [b.value for b in basis or []]
    low, high = year_from or FIRST_YEAR, year_to or LAST_YEAR
    # Every placement is of a report year, so the year filters select report years, and the wide layout's columns.
    years = [y for y in snapshot.years if low <= y <= high and (not year or y in year)]
    return Selection(snapshot, years, _matching(snapshot, years, tiers, regions, codes, bases))


SelectionDep = Annotated[Selection, Depends(select_placements)]
