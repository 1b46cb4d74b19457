import csv
import datetime
import io
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from api.config import settings
from api.db import get_session, route_session
from api.errors import InvalidParameter
from api.links import this_page
from api.live import Loaded, live, loaded_at
from api.models import Country, CountryAlias, CoverageGap, Dataset, Placement, Report, Tier
from api.names import name_key
from api.v1.formats import CSV_MEDIA_TYPE, CSV_RESPONSE, Format, FormatDep, columns, csv_response, csv_rows
from api.v1.regions import parse_regions, region_keys
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
            region=p.region, tier=p.tier, tier_label=label, basis=p.basis, source_url=p.source_url,
            source_class=p.source_class, report_url=p.report_url, report_url_scope=p.report_url_scope, note=p.note,
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


@dataclass(frozen=True)
class Snapshot:
    """Every placement of one data version in memory, each row already serialized: a filter is a loop over a list,
    a page is a join of bytes, and no request waits on the database."""

    version: str
    loaded_at: datetime.datetime | None
    rows: list[PlacementRow]
    json: list[bytes]
    csv: list[str]
    by_year: dict[int, list[int]]
    by_country: dict[str, list[int]]
    years: list[int]
    released: dict[int, datetime.date]
    gaps: dict[str, set[int]]
    codes: dict[str, str]
    aliases: dict[str, str]
    regions: dict[str, str]

    def country(self, name: str) -> str | None:
        """`resolve_country` over the snapshot: ISO3, ISO2 or any alias, ignoring case, accents and punctuation."""
        upper = name.strip().upper()
        if len(upper) in (2, 3) and upper.isalpha() and upper in self.codes:
            return self.codes[upper]
        return self.aliases.get(name_key(name))


def load_snapshot(session: Session) -> Snapshot:
    """Read in one transaction, so the version and the rows are always of the same load."""
    dataset = session.get(Dataset, 1)
    rows = placement_rows(session, all_placements())
    by_year: dict[int, list[int]] = defaultdict(list)
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_year[row.year].append(i)
        by_country[row.iso3].append(i)
    gaps: dict[str, set[int]] = defaultdict(set)
    for gap in session.exec(select(CoverageGap)):
        gaps[gap.iso3].add(gap.year)
    codes: dict[str, str] = {}
    for country in session.exec(select(Country)):
        codes[country.iso2] = codes[country.iso3] = country.iso3
    return Snapshot(
        version=dataset.version if dataset else "none",
        loaded_at=loaded_at(dataset) if dataset else None,
        rows=rows,
        json=[_ROW_JSON(row) for row in rows],
        csv=[_csv_line(row) for row in rows],
        by_year=by_year,
        by_country=by_country,
        years=list(session.exec(select(Report.year).order_by(col(Report.year)))),
        released={report.year: report.release_date for report in session.exec(select(Report))},
        gaps=gaps,
        codes=codes,
        aliases={alias.key: alias.iso3 for alias in session.exec(select(CountryAlias))},
        regions=region_keys(session),
    )


_ROW_JSON = PlacementRow.__pydantic_serializer__.to_json
_CSV_COLUMNS = columns(PlacementRow)


def _csv_line(row: PlacementRow | None = None) -> str:
    """One row as `csv_response` writes it; without a row, the header."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_CSV_COLUMNS, extrasaction="ignore")
    if row is None:
        writer.writeheader()
    else:
        writer.writerow(next(csv_rows([row])))
    return buffer.getvalue()


_CSV_HEADER = _csv_line()


@dataclass
class _Held:
    # The test's override of get_session the snapshot was read through; None in production.
    source: object
    snapshot: Snapshot


_held: _Held | None = None
_loading = threading.Lock()
logger = logging.getLogger(__name__)


def _refresh(overrides: Mapping[Any, Any], wanted: Loaded | None) -> _Held:
    """In a worker thread: read the whole snapshot, unless another request read the wanted version meanwhile."""
    global _held
    source = overrides.get(get_session)
    with _loading:
        held = _held
        if held is not None and held.source is source and wanted is not None and _is(held.snapshot, wanted):
            return held
        with route_session(overrides) as session:
            _held = _Held(source, load_snapshot(session))
        return _held


def _is(snapshot: Snapshot, loaded: Loaded) -> bool:
    return (snapshot.version, snapshot.loaded_at) == (loaded.version, loaded.loaded_at)


async def current_snapshot(request: Request) -> Snapshot:
    """The snapshot of the live data version (api/live.py), read again only when that version changes: a new load
    is served within VERSION_CHECK_INTERVAL, and every answer comes whole from one version.

    Async, and with no session of its own: a request of a version already read costs no thread hop and no connection.
    """
    overrides = request.app.dependency_overrides
    loaded = await live.get(overrides)
    held = _held
    mine = held is not None and held.source is overrides.get(get_session)
    if held is None or not mine or (loaded is not None and not _is(held.snapshot, loaded)):
        try:
            held = await anyio.to_thread.run_sync(_refresh, overrides, loaded)
        except SQLAlchemyError as error:
            if held is None or not mine:
                raise
            # Stale if error: the rows last read are still whole and true to their version; /ready reports the outage.
            logger.warning("placements: the new data version could not be read (%s); serving the snapshot held", error)
    snapshot = held.snapshot
    if snapshot.loaded_at is not None:
        request.state.data_version = snapshot.version
        request.state.last_modified = snapshot.loaded_at
    return snapshot


SnapshotDep = Annotated[Snapshot, Depends(current_snapshot)]


def _matching(
    snapshot: Snapshot, years: list[int], tiers: list[str], regions: list[str], codes: list[str], bases: list[str]
) -> list[int]:
    """Positions of the matching rows of these report years, in the documented order (year, then ISO3)."""
    if codes:
        candidates = sorted(i for code in set(codes) for i in snapshot.by_country.get(code, ()))
    else:
        candidates = [i for year in years for i in snapshot.by_year.get(year, ())]
    wanted_years = set(years)
    rows = snapshot.rows
    return [
        i
        for i in candidates
        if (row := rows[i]).year in wanted_years
        and (not tiers or row.tier in tiers)
        and (not regions or row.region in regions)
        and (not bases or row.basis in bases)
    ]


def _wide(snapshot: Snapshot, matching: list[int], years: list[int]) -> Response:
    """One row per country, one column per report year, cells holding tier codes (`gap`: covered, tier unknown)."""
    columns = [str(y) for y in years]
    countries: dict[str, dict[str, Any]] = {}
    for row in (snapshot.rows[i] for i in matching):
        countries.setdefault(row.iso3, {"iso3": row.iso3, "iso2": row.iso2, "country": row.country})[str(row.year)] = (
            row.tier.value
        )
    for iso3, cells in countries.items():
        for year in snapshot.gaps.get(iso3, ()):
            if str(year) in columns:
                cells.setdefault(str(year), GAP)
    ordered = sorted(countries.values(), key=lambda c: c["iso3"])
    return csv_response(["iso3", "iso2", "country", *columns], ordered, "placements-wide.csv")


def snapshot_csv(snapshot: Snapshot, matching: Iterable[int], filename: str) -> Response:
    """The rows' CSV lines, written once per snapshot, under the header."""
    body = _CSV_HEADER + "".join(snapshot.csv[i] for i in matching)
    return Response(body, media_type=CSV_MEDIA_TYPE, headers={"Content-Disposition": f'inline; filename="{filename}"'})


@dataclass(frozen=True)
class Selection:
    """The placements a request's filters select: the report years in range, and the matching rows' positions."""

    snapshot: Snapshot
    years: list[int]
    matching: list[int]


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
    for value in year or []:
        if not FIRST_YEAR <= value <= LAST_YEAR:
            raise InvalidParameter("year", f"{value} is outside {FIRST_YEAR}-{LAST_YEAR}; the first report was in 2001")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidParameter("year_from", f"year_from ({year_from}) is after year_to ({year_to})")
    tiers = parse_tiers(tier)
    regions = parse_regions(region, snapshot.regions)
    codes = []
    for name in country or []:
        found = snapshot.country(name)
        if found is None:
            raise InvalidParameter("country", f"no country goes by {name!r}; see /v1/countries?q=...")
        codes.append(found)
    bases = [b.value for b in basis or []]
    low, high = year_from or FIRST_YEAR, year_to or LAST_YEAR
    # Every placement is of a report year, so the year filters select report years, and the wide layout's columns.
    years = [y for y in snapshot.years if low <= y <= high and (not year or y in year)]
    return Selection(snapshot, years, _matching(snapshot, years, tiers, regions, codes, bases))


SelectionDep = Annotated[Selection, Depends(select_placements)]


@router.get(
    "/placements", summary="Placements, filtered (JSON or CSV)", response_model=PlacementPage, responses=CSV_RESPONSE
)
@router.get("/placements.csv", response_model=PlacementPage, include_in_schema=False)
async def list_placements(
    request: Request,
    snapshot: SnapshotDep,
    output: FormatDep,
    selected: SelectionDep,
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
    # Async, and over the in-memory snapshot: no thread hop, no query.
    if layout is Layout.WIDE and output is not Format.CSV:
        raise InvalidParameter("layout", "'wide' is a CSV layout; use /v1/placements.csv?layout=wide")
    if layout is Layout.WIDE and (limit is not None or offset):
        raise InvalidParameter("limit", "the wide layout holds every matching country; drop limit and offset")
    years, matching = selected.years, selected.matching

    if output is Format.CSV:
        if layout is Layout.WIDE:
            return _wide(snapshot, matching, years)
        end = None if limit is None else offset + limit
        return snapshot_csv(snapshot, matching[offset:end], "placements.csv")

    limit = limit or settings.default_page_size
    total = len(matching)
    next_url = this_page(request.url, offset=offset + limit) if offset + limit < total else None
    prev_url = this_page(request.url, offset=max(offset - limit, 0)) if offset > 0 else None
    meta = PageMeta(total=total, limit=limit, offset=offset, data_version=snapshot.version)
    links = PageLinks(self=this_page(request.url), next=next_url, prev=prev_url)
    body = b"".join((
        b'{"data":[', b",".join(snapshot.json[i] for i in matching[offset : offset + limit]),
        b'],"meta":', _META_JSON(meta), b',"links":', _LINKS_JSON(links), b"}",
    ))  # fmt: skip
    headers = {"X-Total-Count": str(total)}
    pages: list[tuple[str | None, str]] = [(next_url, "next"), (prev_url, "prev")]
    if next_url or prev_url:  # more than one page: RFC 8288's first and last too, as GitHub's API gives them
        last = max(total - 1, 0) // limit * limit
        pages += [(this_page(request.url, offset=0), "first"), (this_page(request.url, offset=last), "last")]
    if link := ", ".join(f'<{url}>; rel="{rel}"' for url, rel in pages if url):
        headers["Link"] = link
    return Response(body, media_type="application/json", headers=headers)


_META_JSON = PageMeta.__pydantic_serializer__.to_json
_LINKS_JSON = PageLinks.__pydantic_serializer__.to_json
