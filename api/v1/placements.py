"""/v1/placements: every placement as one flat row, filtered, paged, in any format."""

import csv
import io
from dataclasses import replace
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query, Request

from api.config import settings
from api.errors import InvalidParameter
from api.links import this_page
from api.snapshot import Snapshot
from api.v1.params import SelectionDep, SnapshotDep
from api.v1.render import Format, OutputFormat, Router, Table, columns, flatten
from api.v1.schemas import PageLinks, PageMeta, PlacementPage, PlacementRow

router = Router(tags=["placements"])

GAP = "gap"


class Layout(StrEnum):
    LONG = "long"
    WIDE = "wide"


_ROW_JSON = PlacementRow.__pydantic_serializer__.to_json
_CSV_COLUMNS = columns(PlacementRow)


def _csv_line(row: PlacementRow) -> str:
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=_CSV_COLUMNS, extrasaction="ignore").writerow(flatten(row))
    return buffer.getvalue()


def rows(snapshot: Snapshot) -> list[PlacementRow]:
    """Every placement as the public contract shapes it, in the snapshot's order, made once per data version."""

    def compute() -> list[PlacementRow]:
        labels, countries = snapshot.labels, snapshot.countries
        return [
            PlacementRow(
                year=p.year, iso3=p.iso3, iso2=countries[p.iso3].iso2, country=countries[p.iso3].name,
                name_in_report=p.name_in_report, region=p.region, tier=p.tier, tier_label=labels[p.tier],
                basis=p.basis, source_url=p.source_url, source_class=p.source_class, report_url=p.report_url,
                report_url_scope=p.report_url_scope, note=p.note,
            )
            for p in snapshot.placements
        ]  # fmt: skip

    return snapshot.once("placement-rows", compute)


def written(snapshot: Snapshot) -> tuple[list[bytes], list[str]]:
    """Every row's JSON and CSV, written once per data version: a page is then a join of bytes."""
    return snapshot.once(
        "placements-written", lambda: ([_ROW_JSON(r) for r in rows(snapshot)], [_csv_line(r) for r in rows(snapshot)])
    )


def table(snapshot: Snapshot, matching: list[int], **envelope: Any) -> Table:
    """The rows at these positions, with their bytes already written."""
    json_rows, csv_lines = written(snapshot)
    every = rows(snapshot)
    return Table(
        model=PlacementRow, rows=[every[i] for i in matching], envelope=envelope,
        json_rows=[json_rows[i] for i in matching], csv_lines=[csv_lines[i] for i in matching],
    )  # fmt: skip


def _wide(snapshot: Snapshot, matching: list[int], years: list[int]) -> Table:
    """One row per country, one column per report year, cells holding tier codes (`gap`: covered, tier unknown)."""
    year_columns = [str(y) for y in years]
    countries: dict[str, dict[str, Any]] = {}
    every = rows(snapshot)
    for row in (every[i] for i in matching):
        countries.setdefault(row.iso3, {"iso3": row.iso3, "iso2": row.iso2, "country": row.country})[str(row.year)] = (
            row.tier.value
        )
    for iso3, cells in countries.items():
        for year in snapshot.gap_years.get(iso3, ()):
            if str(year) in year_columns:
                cells.setdefault(str(year), GAP)
    ordered = sorted(countries.values(), key=lambda c: c["iso3"])
    return Table(model=PlacementRow, rows=ordered, columns=["iso3", "iso2", "country", *year_columns],
                 filename="placements-wide")  # fmt: skip


@router.get("/placements", summary="Placements, filtered (JSON or CSV)", response_model=PlacementPage)
async def list_placements(
    request: Request,
    snapshot: SnapshotDep,
    selected: SelectionDep,
    output: OutputFormat,
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
) -> Table:
    """Every placement as one flat row per country per report year, ordered by year then ISO3 code.

    Combine the filters to ask a question: `?year=2024&tier=3` lists the 2024 Tier 3 countries,
    `?country=Thailand` gives Thailand's history, `?region=AF&tier=2WL&year_from=2020` the African countries
    on the Watch List since 2020. Filters that match nothing return an empty list, not an error.
    Add `.csv` to the path (or `format=csv`) for a spreadsheet: every matching row, no paging;
    `layout=wide` makes it one row per country with a column per year.
    """
    # Async, and over the in-memory snapshot: no thread hop, no query.
    tabular = output is not Format.JSON
    if layout is Layout.WIDE and not tabular:
        raise InvalidParameter("layout", "'wide' is a CSV layout; use /v1/placements.csv?layout=wide")
    if layout is Layout.WIDE and (limit is not None or offset):
        raise InvalidParameter("limit", "the wide layout holds every matching country; drop limit and offset")
    years, matching = selected.years, selected.matching
    if tabular:
        if layout is Layout.WIDE:
            return _wide(snapshot, matching, years)
        return table(snapshot, matching[offset : None if limit is None else offset + limit])

    limit = limit or settings.default_page_size
    total = len(matching)
    next_url = this_page(request.url, offset=offset + limit) if offset + limit < total else None
    prev_url = this_page(request.url, offset=max(offset - limit, 0)) if offset > 0 else None
    meta = PageMeta(total=total, limit=limit, offset=offset, data_version=snapshot.version)
    links = PageLinks(self=this_page(request.url), next=next_url, prev=prev_url)
    headers = {"X-Total-Count": str(total)}
    pages: list[tuple[str | None, str]] = [(next_url, "next"), (prev_url, "prev")]
    if next_url or prev_url:  # more than one page: RFC 8288's first and last too, as GitHub's API gives them
        last = max(total - 1, 0) // limit * limit
        pages += [(this_page(request.url, offset=0), "first"), (this_page(request.url, offset=last), "last")]
    if link := ", ".join(f'<{url}>; rel="{rel}"' for url, rel in pages if url):
        headers["Link"] = link
    return replace(table(snapshot, matching[offset : offset + limit], meta=meta, links=links), headers=headers)
