from collections import Counter
from typing import Annotated
from xml.sax.saxutils import escape

from fastapi import Query, Response

from api.errors import NotFound, shown
from api.v1.derived import ALL, tier_counts
from api.v1.params import SnapshotDep, parse_regions
from api.v1.render import Router

router = Router(prefix="/charts", tags=["charts"])

SVG = "image/svg+xml"
SVG_RESPONSE: dict[int | str, dict[str, object]] = {200: {"content": {SVG: {}}, "description": "An SVG image."}}
TIERS = [("1", "Tier 1", "#1a9850"), ("2", "Tier 2", "#91cf60"), ("2WL", "Tier 2 Watch List", "#f6c141"),
         ("3", "Tier 3", "#d73027"), ("SC", "Special Case", "#8c8c8c")]  # fmt: skip
LABEL = {code: label for code, label, _ in TIERS}
COLOUR = {code: colour for code, _, colour in TIERS}
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
CREDIT_HEIGHT = 20


def credit(years: list[int], version: str) -> str:
    """The line every chart carries, so a republished copy still says where its tiers come from."""
    editions = f"{years[0]}-{years[-1]} editions" if years else "no editions"
    return f"Source: U.S. Department of State, Trafficking in Persons Report, {editions}. TIP Tiers API data {version}."


def _svg(width: int, height: int, title: str, desc: str, body: list[str], source: str) -> Response:
    """An accessible, self-contained SVG: role=img, a title and a description that says what the chart shows, and a
    credit line (source, editions shown, data version) below the chart."""
    height += CREDIT_HEIGHT
    body = [*body, f'<text class="credit" x="8" y="{height - 8}" font-size="10" fill="#555555">{escape(source)}</text>']
    desc = f"{desc} {source}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-title chart-desc" {FONT}>'
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
    )
    return Response(head + "".join(body) + "</svg>", media_type=SVG)


@router.get(
    "/countries/{code}.svg",
    summary="A country's tier history as an SVG step chart",
    response_class=Response,
    responses={**SVG_RESPONSE, 404: {"description": "No country goes by that code or name."}},
)
async def get_country_chart(snapshot: SnapshotDep, code: str) -> Response:
    """A step chart of one country's tier in every edition, to embed in a story (`<img src=...>`).

    Tiers run from Tier 1 at the top to Tier 3; Special Cases sit on their own line below, editions that did not
    cover the country are blank, and known gaps are marked with a hollow circle and a question mark.
    """
    country = snapshot.country(code)
    if country is None:
        raise NotFound(f"No country goes by {shown(code)}; try /v1/countries?q=... to search names.")
    rows = [snapshot.placements[i] for i in snapshot.by_country.get(country.iso3, ())]
    tiers = {p.year: p.tier for p in rows}
    gaps = snapshot.gap_years.get(country.iso3, set())
    years, version = snapshot.years, snapshot.version
    width, height, left, top, row = 760, 250, 140, 40, 34
    step = (width - left - 20) / max(len(years) - 1, 1)
    x = {year: left + i * step for i, year in enumerate(years)}
    y = {code: top + i * row + (12 if code == "SC" else 0) for i, (code, _, _) in enumerate(TIERS)}
    body = [f'<text x="{left}" y="22" font-size="15" font-weight="bold">{escape(country.name)}: tier in each TIP '
            f"Report</text>"]  # fmt: skip
    for tier_code, label, _ in TIERS:
        body.append(f'<text x="{left - 12}" y="{y[tier_code] + 4}" text-anchor="end">{escape(label)}</text>')
        body.append(f'<line x1="{left}" x2="{width - 20}" y1="{y[tier_code]}" y2="{y[tier_code]}" stroke="#e5e5e5"/>')
    axis = y["SC"] + 30
    for year in years:
        if year % 2 == 1 or year == years[-1]:
            body.append(f'<text x="{x[year]:.1f}" y="{axis}" text-anchor="middle">{year}</text>')
    run: list[str] = []  # a polyline through consecutive ranked years; special cases and blanks break it
    for maybe_year in [*years, None]:
        tier = tiers.get(maybe_year) if maybe_year is not None else None
        if maybe_year is not None and tier is not None and tier != "SC":
            year = maybe_year
            run += [f"{x[year] - step / 2:.1f},{y[tier]}", f"{x[year] + step / 2:.1f},{y[tier]}"]
        elif run:
            body.append(f'<polyline class="history" points="{" ".join(run)}" fill="none" stroke="#555" '
                        'stroke-width="2"/>')  # fmt: skip
            run = []
    for year, tier in sorted(tiers.items()):
        tip = f"{year}: {LABEL[tier]}"
        body.append(f'<circle class="placement" data-year="{year}" data-tier="{tier}" cx="{x[year]:.1f}" '
                    f'cy="{y[tier]}" r="6" fill="{COLOUR[tier]}" stroke="#333">'
                    f"<title>{escape(tip)}</title></circle>")  # fmt: skip
    for year in sorted(gaps):
        middle = (y["2"] + y["2WL"]) / 2
        body.append(f'<circle class="gap" data-year="{year}" cx="{x[year]:.1f}" cy="{middle}" r="7" fill="none" '
                    f'stroke="#333" stroke-dasharray="2 2"><title>{year}: covered, tier not confirmed</title></circle>'
                    f'<text x="{x[year]:.1f}" y="{middle + 4}" text-anchor="middle">?</text>')  # fmt: skip
    history = "; ".join(f"{year} {LABEL[tier]}" for year, tier in sorted(tiers.items()))
    desc = f"Tier of {country.name} in each Trafficking in Persons Report edition: {history or 'none'}."
    if gaps:
        desc += f" Covered but tier not confirmed: {', '.join(map(str, sorted(gaps)))}."
    title = f"{country.name}: Trafficking in Persons Report tier, {years[0]}-{years[-1]}" if years else country.name
    return _svg(width, height, title, desc, body, credit(years, version))


@router.get(
    "/tiers.svg",
    summary="Countries per tier each year as an SVG stacked bar chart",
    response_class=Response,
    responses=SVG_RESPONSE,
)
async def get_tiers_chart(
    snapshot: SnapshotDep,
    region: Annotated[
        str | None,
        Query(description="One regional bureau code or label; the whole report by default.", examples=["AF"]),
    ] = None,
) -> Response:
    """A stacked bar per edition: how many countries were on each tier, overall or in one region."""
    area = ALL if region is None else parse_regions([region], snapshot.region_keys)[0]
    table = tier_counts(snapshot)
    years, version = [year for year in snapshot.years if (year, area) in table], snapshot.version
    width, height, left, top, bottom = 760, 380, 50, 40, 300
    largest = max((sum(table[(year, area)].values()) for year in years), default=1)
    scale = (bottom - top) / largest
    band = (width - left - 20) / max(len(years), 1)
    where = "all regions" if area == ALL else f"the {area} region"
    body = [f'<text x="{left}" y="22" font-size="15" font-weight="bold">Countries per tier, {escape(where)}</text>']
    for tick in range(0, largest + 1, 50 if largest > 60 else 10):
        ty = bottom - tick * scale
        body.append(f'<line x1="{left}" x2="{width - 20}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#eeeeee"/>'
                    f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{tick}</text>')  # fmt: skip
    for year_index, year in enumerate(years):
        by_tier: Counter[str] = table[(year, area)]
        base = float(bottom)
        x = left + year_index * band + band * 0.15
        for code, label, colour in TIERS:
            n = by_tier[code]
            if not n:
                continue
            h = n * scale
            base -= h
            body.append(f'<rect class="bar" data-year="{year}" data-tier="{code}" data-count="{n}" x="{x:.1f}" '
                        f'y="{base:.1f}" width="{band * 0.7:.1f}" height="{h:.1f}" fill="{colour}">'
                        f"<title>{year}: {escape(label)}, {n}</title></rect>")  # fmt: skip
        if year % 2 == 1 or year == years[-1]:
            body.append(f'<text x="{x + band * 0.35:.1f}" y="{bottom + 16}" text-anchor="middle">{year}</text>')
    body.append(f'<line x1="{left}" x2="{width - 20}" y1="{bottom}" y2="{bottom}" stroke="#333"/>')
    for i, (_, label, colour) in enumerate(TIERS):
        lx = left + i * 140
        body.append(f'<rect class="legend" x="{lx}" y="{bottom + 34}" width="12" height="12" fill="{colour}"/>'
                    f'<text x="{lx + 18}" y="{bottom + 44}">{escape(label)}</text>')  # fmt: skip
    totals = "; ".join(
        f"{year}: " + ", ".join(f"{LABEL[c]} {table[(year, area)][c]}" for c, _, _ in TIERS if table[(year, area)][c])
        for year in years
    )
    title = f"Countries per Trafficking in Persons Report tier, {where}"
    desc = f"Placements per tier in each edition, {where}: {totals}."
    return _svg(width, height, title, desc, body, credit(years, version))
