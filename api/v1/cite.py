import datetime
from typing import Annotated

from fastapi import Query, Request, Response

from api import citation
from api.citation import Style
from api.config import settings
from api.errors import InvalidParameter
from api.links import public
from api.v1.params import SelectionDep
from api.v1.render import Router

router = Router(tags=["placements"])

CITE_RESPONSE: dict[int | str, dict[str, object]] = {
    200: {
        "description": "References, one per State Department page the selected placements rest on, then the dataset.",
        "content": {media: {} for media in citation.MEDIA_TYPES.values()},
    }
}


@router.get("/cite", summary="How to cite the placements you use", response_class=Response, responses=CITE_RESPONSE)
async def get_citations(
    request: Request,
    selected: SelectionDep,
    style: Annotated[
        Style,
        Query(
            description="`text` (one reference a line), `bibtex`, `csl-json` (what Zotero and Pandoc import) or `ris`."
        ),
    ] = Style.TEXT,
    accessed: Annotated[
        str | None,
        Query(
            pattern=r"^\d{4}-\d{2}-\d{2}$",
            description="The access date to give, YYYY-MM-DD; today (UTC) by default.",
            examples=["2026-12-07"],
        ),
    ] = None,
) -> Response:
    """References for the placements the filters select (the filters of `/v1/placements`): one per State Department
    page they rest on (`report_url`: the country's chapter in that edition where its address is known, otherwise the
    edition), oldest first, then this dataset with its data version and the access date.

    `?country=Thailand&year=2025` cites Thailand's 2025 chapter; `?year=2025&tier=3&style=bibtex` every 2025 Tier 3
    chapter, for a reference manager."""
    snapshot = selected.snapshot
    try:
        day = datetime.date.fromisoformat(accessed) if accessed else datetime.datetime.now(datetime.UTC).date()
    except ValueError:
        raise InvalidParameter("accessed", f"{accessed!r} is not a date (YYYY-MM-DD)") from None
    refs: dict[str, citation.Reference] = {}
    for row in (snapshot.placements[i] for i in selected.matching):
        if row.report_url not in refs:
            chapter = row.name_in_report if row.report_url_scope == "country" else None
            released = snapshot.released[row.year]
            refs[row.report_url] = citation.report_reference(row.year, released, row.report_url, chapter, row.iso3, day)
    years = sorted({snapshot.placements[i].year for i in selected.matching}) or snapshot.years
    query = request.url.remove_query_params(["style", "accessed"]).query
    # The same selection as data; without a configured public address there is no URL to cite (never the Host's).
    url = public("/v1/placements" + (f"?{query}" if query else "")) if settings.public_url else ""
    dataset = citation.dataset_reference(years[0], years[-1], snapshot.version, url, day)
    # The answer changes with the day as well as the data: its ETag says so, and no stored copy outlives the day.
    request.state.data_version = f"{snapshot.version}:{day.isoformat()}"
    body = citation.RENDER[style]([*refs.values(), dataset])
    return Response(body, media_type=citation.MEDIA_TYPES[style],
                    headers={"Content-Disposition": f'inline; filename="{citation.FILE_NAMES[style]}"'})  # fmt: skip
