from typing import Annotated

from fastapi import Query

from api.errors import InvalidParameter, NotFound, shown
from api.links import public
from api.names import name_key
from api.snapshot import Snapshot
from api.v1 import derived
from api.v1.params import SnapshotDep, parse_regions
from api.v1.render import Router
from api.v1.schemas import CountryDetail, CountryList, ListMeta

router = Router(tags=["countries"])


@router.get("/countries", summary="Countries and territories", response_model=CountryList)
async def list_countries(
    snapshot: SnapshotDep,
    region: Annotated[
        list[str] | None, Query(description="Current regional bureau code or label; repeat or comma-separate.")
    ] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="Part of any name the country has gone by, e.g. `korea`."),
    ] = None,
) -> CountryList:
    """Every country and territory any report has covered, with codes, region and the other names it goes by.

    Use it to find the code for a name (`?q=korea` finds both Koreas) or to list a region (`?region=EAP`).
    """
    if q is not None and not name_key(q):
        raise InvalidParameter("q", f"{shown(q)} has no letter or digit to match a name by")
    regions = parse_regions(region, snapshot.region_keys)
    named = None if q is None else {c.iso3 for c in snapshot.named_like(name_key(q))} | {q.strip().upper()}
    data = [
        country
        for iso3, country in derived.countries(snapshot).items()
        if (not regions or country.region in regions) and (named is None or iso3 in named)
    ]
    return CountryList(data=data, meta=ListMeta(total=len(data), data_version=snapshot.version))


def _not_found(snapshot: Snapshot, code: str) -> str:
    """A 404's detail: where the name is part of several countries' names ("Congo", "Korea"), every candidate with
    its code and URL, so the reader can pick; otherwise where to search."""
    key = name_key(code)
    candidates = [] if len(key) < 3 else sorted(snapshot.named_like(key), key=lambda c: c.name)
    if 1 < len(candidates) <= 10:
        listed = "; ".join(f"{c.name} ({c.iso3}, {public(f'/v1/countries/{c.iso3}')})" for c in candidates)
        return f"{shown(code)} could be any of {len(candidates)} countries: {listed}. Ask for one by its code."
    if len(candidates) == 1:
        (only,) = candidates
        return (f"No country goes by {shown(code)}; did you mean {only.name} "
                f"({only.iso3}, {public(f'/v1/countries/{only.iso3}')})?")  # fmt: skip
    return f"No country goes by {shown(code)}; try /v1/countries?q=... to search names."


@router.get(
    "/countries/{code}",
    summary="One country's tier history",
    response_model=CountryDetail,
    responses={404: {"description": "No country goes by that code or name."}},
)
async def get_country(snapshot: SnapshotDep, code: str) -> CountryDetail:
    """One country's full placement history, oldest first; `code` may be ISO3, ISO2 or any name, e.g. `Ivory Coast`.
    Add `.csv` (`/v1/countries/THA.csv`) for its placements as a spreadsheet."""
    country = snapshot.country(code)
    if country is None:
        raise NotFound(_not_found(snapshot, code))
    return derived.history(snapshot, country.iso3)
