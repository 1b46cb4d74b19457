from typing import Annotated

from fastapi import Query

from api.v1 import derived
from api.v1.params import FIRST_YEAR, LAST_YEAR, SnapshotDep, country_named
from api.v1.render import Router
from api.v1.schemas import CorrectionList, ListMeta

router = Router(tags=["reports"])


@router.get(
    "/corrections", summary="Corrections made to the data, with reason and evidence", response_model=CorrectionList
)
async def list_corrections(
    snapshot: SnapshotDep,
    year: Annotated[
        int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Report year of the corrected row.")
    ] = None,
    country: Annotated[
        str | None, Query(description="ISO3, ISO2 or any name of the country.", examples=["St. Lucia"])
    ] = None,
) -> CorrectionList:
    """Every change made to a row after it was first served: a tier corrected, a row added or removed, each with
    the date, the old and new value, the reason and the page that settles it (`seed/data/corrections.csv`).

    A correction is a new data version, so ETags change with it; `/v1/feed.atom` announces each."""
    iso3 = None if country is None else country_named(snapshot, country).iso3
    data = [c for c in derived.corrections(snapshot) if iso3 in (None, c.iso3) and year in (None, c.year)]
    return CorrectionList(data=data, meta=ListMeta(total=len(data), data_version=snapshot.version))
