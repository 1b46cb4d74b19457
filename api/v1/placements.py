from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import col, func, select

from api.config import settings
from api.db import SessionDep
from api.errors import InvalidParameter
from api.models import Country, Placement, Tier
from api.v1.countries import resolve_country
from api.v1.meta import current_version
from api.v1.regions import parse_regions
from api.v1.schemas import Basis, PageLinks, PageMeta, PlacementPage, PlacementRow
from api.v1.tiers import parse_tiers

router = APIRouter(tags=["placements"])

FIRST_YEAR, LAST_YEAR = 2001, 2100
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Report year, inclusive bound.")]


@router.get("/placements")
def list_placements(
    request: Request,
    response: Response,
    session: SessionDep,
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
    limit: Annotated[
        int, Query(ge=1, le=settings.max_page_size, description=f"Rows per page, at most {settings.max_page_size}.")
    ] = settings.default_page_size,
    offset: Annotated[int, Query(ge=0, description="Rows to skip.")] = 0,
) -> PlacementPage:
    """Every placement as one flat row per country per report year, ordered by year then ISO3 code."""
    query = select(Placement, Country, Tier.label).join(Country).join(Tier, col(Tier.code) == Placement.tier)
    for value in year or []:
        if not FIRST_YEAR <= value <= LAST_YEAR:
            raise InvalidParameter("year", f"{value} is outside {FIRST_YEAR}-{LAST_YEAR}; the first report was in 2001")
    if year:
        query = query.where(col(Placement.year).in_(year))
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidParameter("year_from", f"year_from ({year_from}) is after year_to ({year_to})")
    if year_from is not None:
        query = query.where(Placement.year >= year_from)
    if year_to is not None:
        query = query.where(Placement.year <= year_to)
    if tiers := parse_tiers(tier):
        query = query.where(col(Placement.tier).in_(tiers))
    if regions := parse_regions(region, session):
        query = query.where(col(Placement.region).in_(regions))
    if country:
        codes = []
        for name in country:
            found = resolve_country(session, name)
            if found is None:
                raise InvalidParameter("country", f"no country goes by {name!r}; see /v1/countries?q=...")
            codes.append(found.iso3)
        query = query.where(col(Placement.iso3).in_(codes))
    if basis:
        query = query.where(col(Placement.basis).in_([b.value for b in basis]))

    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Placement.year), col(Placement.iso3)).limit(limit).offset(offset)).all()
    data = [
        PlacementRow(
            year=p.year,
            iso3=p.iso3,
            iso2=c.iso2,
            country=c.name,
            name_in_report=p.name_in_report,
            region=p.region,
            tier=p.tier,
            tier_label=label,
            basis=p.basis,
            source_url=p.source_url,
            note=p.note,
        )
        for p, c, label in rows
    ]
    next_url = str(request.url.include_query_params(offset=offset + limit)) if offset + limit < total else None
    prev_url = str(request.url.include_query_params(offset=max(offset - limit, 0))) if offset > 0 else None
    links = [f'<{url}>; rel="{rel}"' for url, rel in ((next_url, "next"), (prev_url, "prev")) if url]
    if links:
        response.headers["Link"] = ", ".join(links)
    return PlacementPage(
        data=data,
        meta=PageMeta(total=total, limit=limit, offset=offset, data_version=current_version(session)),
        links=PageLinks(self=str(request.url), next=next_url, prev=prev_url),
    )
