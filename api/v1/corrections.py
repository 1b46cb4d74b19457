from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.db import SessionDep
from api.errors import InvalidParameter
from api.v1.countries import corrections_of, resolve_country
from api.v1.formats import CSV_RESPONSE, Format, FormatDep, model_csv
from api.v1.meta import DataVersion
from api.v1.placements import FIRST_YEAR, LAST_YEAR
from api.v1.schemas import CorrectionList, CorrectionOut, ListMeta

router = APIRouter(tags=["reports"])


@router.get(
    "/corrections",
    summary="Corrections made to the data, with reason and evidence",
    response_model=CorrectionList,
    responses=CSV_RESPONSE,
)
@router.get("/corrections.csv", response_model=CorrectionList, include_in_schema=False)
def list_corrections(
    session: SessionDep,
    version: DataVersion,
    output: FormatDep,
    year: Annotated[
        int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Report year of the corrected row.")
    ] = None,
    country: Annotated[
        str | None, Query(description="ISO3, ISO2 or any name of the country.", examples=["St. Lucia"])
    ] = None,
) -> CorrectionList | Response:
    """Every change made to a row after it was first served: a tier corrected, a row added or removed, each with
    the date, the old and new value, the reason and the page that settles it (`seed/data/corrections.csv`).

    A correction is a new data version, so ETags change with it; `/v1/feed.atom` announces each."""
    iso3 = None
    if country is not None:
        found = resolve_country(session, country)
        if found is None:
            raise InvalidParameter("country", f"no country goes by {country[:100]!r}; see /v1/countries?q=...")
        iso3 = found.iso3
    data = corrections_of(session, iso3, year)
    if output is Format.CSV:
        return model_csv(CorrectionOut, data, "corrections.csv")
    return CorrectionList(data=data, meta=ListMeta(total=len(data), data_version=version))
