from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from api.config import settings
from api.db import SessionDep
from api.errors import InvalidParameter
from api.models import Country, CoverageGap, Placement, Report, Tier
from api.v1.countries import resolve_country
from api.v1.formats import CSV_RESPONSE, Format, FormatDep, csv_response, model_csv
from api.v1.meta import DataVersion
from api.v1.regions import parse_regions
from api.v1.schemas import Basis, PageLinks, PageMeta, PlacementPage, PlacementRow
from api.v1.tiers import parse_tiers

router = APIRouter(tags=["placements"])

FIRST_YEAR, LAST_YEAR = 2001, 2100
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Report year, inclusive bound.")]
GAP = "gap"


class Layout(StrEnum):
    LONG = "long"
    WIDE = "wide"


def placement_rows(session: Session, query: Any) -> list[PlacementRow]:
    """Rows of a `select(Placement, Country, Tier.label)` query, as the public contract shapes them."""
    return [
        PlacementRow(
            year=p.year, iso3=p.iso3, iso2=c.iso2, country=c.name, name_in_report=p.name_in_report,
            region=p.region, tier=p.tier, tier_label=label, basis=p.basis, source_url=p.source_url, note=p.note,
        )
        for p, c, label in session.exec(query).all()
    ]  # fmt: skip


def all_placements() -> Any:
    """Every placement with its country and tier label, in the documented order (year, then ISO3)."""
    return (
        select(Placement, Country, Tier.label)
        .join(Country)
        .join(Tier, col(Tier.code) == Placement.tier)
        .order_by(col(Placement.year), col(Placement.iso3))
    )


def _wide(session: Session, rows: Sequence[PlacementRow], years: SelectOfScalar[int]) -> Response:
    """One row per country, one column per report year, cells holding tier codes (`gap`: covered, tier unknown)."""
    columns = [str(y) for y in session.exec(years).all()]
    countries: dict[str, dict[str, Any]] = {}
    for row in rows:
        countries.setdefault(row.iso3, {"iso3": row.iso3, "iso2": row.iso2, "country": row.country})[str(row.year)] = (
            row.tier.value
        )
    for gap in session.exec(select(CoverageGap).where(col(CoverageGap.iso3).in_(countries))):
        if str(gap.year) in columns:
            countries[gap.iso3].setdefault(str(gap.year), GAP)
    ordered = sorted(countries.values(), key=lambda c: c["iso3"])
    return csv_response(["iso3", "iso2", "country", *columns], ordered, "placements-wide.csv")


@router.get(
    "/placements", summary="Placements, filtered (JSON or CSV)", response_model=PlacementPage, responses=CSV_RESPONSE
)
@router.get("/placements.csv", response_model=PlacementPage, include_in_schema=False)
def list_placements(
    request: Request,
    response: Response,
    session: SessionDep,
    version: DataVersion,
    output: FormatDep,
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
    layout: Annotated[
        Layout,
        Query(
            description="CSV only: `wide` gives one row per country and one column per report year, each cell a "
            "tier code (empty: not covered; `gap`: covered but the tier is not confirmed)."
        ),
    ] = Layout.LONG,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=settings.max_page_size,
            description=f"Rows per page: {settings.default_page_size} by default, at most {settings.max_page_size}. "
            "CSV holds every matching row unless you set a limit.",
        ),
    ] = None,
    # Bounded so that a huge number is a 422, not an integer the database cannot hold.
    offset: Annotated[int, Query(ge=0, le=10**9, description="Rows to skip.")] = 0,
) -> PlacementPage | Response:
    """Every placement as one flat row per country per report year, ordered by year then ISO3 code.

    Combine the filters to ask a question: `?year=2024&tier=3` lists the 2024 Tier 3 countries,
    `?country=Thailand` gives Thailand's history, `?region=AF&tier=2WL&year_from=2020` the African countries
    on the Watch List since 2020. Filters that match nothing return an empty list, not an error.
    Add `.csv` to the path (or `format=csv`) for a spreadsheet: every matching row, no paging;
    `layout=wide` makes it one row per country with a column per year.
    """
    query = all_placements()
    years = select(Report.year).order_by(col(Report.year))
    for value in year or []:
        if not FIRST_YEAR <= value <= LAST_YEAR:
            raise InvalidParameter("year", f"{value} is outside {FIRST_YEAR}-{LAST_YEAR}; the first report was in 2001")
    if year:
        query = query.where(col(Placement.year).in_(year))
        years = years.where(col(Report.year).in_(year))
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidParameter("year_from", f"year_from ({year_from}) is after year_to ({year_to})")
    if year_from is not None:
        query = query.where(Placement.year >= year_from)
        years = years.where(Report.year >= year_from)
    if year_to is not None:
        query = query.where(Placement.year <= year_to)
        years = years.where(Report.year <= year_to)
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
    if layout is Layout.WIDE and output is not Format.CSV:
        raise InvalidParameter("layout", "'wide' is a CSV layout; use /v1/placements.csv?layout=wide")
    if layout is Layout.WIDE and (limit is not None or offset):
        raise InvalidParameter("limit", "the wide layout holds every matching country; drop limit and offset")

    if output is Format.CSV:
        if limit is not None:
            query = query.limit(limit)
        rows = placement_rows(session, query.offset(offset))
        if layout is Layout.WIDE:
            return _wide(session, rows, years)
        return model_csv(PlacementRow, rows, "placements.csv")

    limit = limit or settings.default_page_size
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    data = placement_rows(session, query.limit(limit).offset(offset))
    next_url = str(request.url.include_query_params(offset=offset + limit)) if offset + limit < total else None
    prev_url = str(request.url.include_query_params(offset=max(offset - limit, 0))) if offset > 0 else None
    links = [f'<{url}>; rel="{rel}"' for url, rel in ((next_url, "next"), (prev_url, "prev")) if url]
    if links:
        response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(total)
    return PlacementPage(
        data=data,
        meta=PageMeta(total=total, limit=limit, offset=offset, data_version=version),
        links=PageLinks(self=str(request.url), next=next_url, prev=prev_url),
    )
