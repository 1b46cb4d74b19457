import itertools
from collections import Counter
from collections.abc import Callable
from typing import Annotated
from xml.sax.saxutils import escape

from fastapi import Query, Response

from api import worldmap
from api.errors import NotFound, shown
from api.v1.derived import ALL, tier_counts
from api.v1.params import FIRST_YEAR, LAST_YEAR, SnapshotDep, parse_regions
from api.v1.render import Router

router = Router(prefix="/charts", tags=["charts"])

SVG = "image/svg+xml"
SVG_RESPONSE: dict[int | str, dict[str, object]] = {200: {"content": {SVG: {}}, "description": "An SVG image."}}
# One palette for every chart, the map and the pages: it survives grey-scale printing and colour-blindness
# (api/worldmap.py tests it), and a reader sees the same colour for a tier everywhere.
_NAMES = (("1", "Tier 1"), ("2", "Tier 2"), ("2WL", "Tier 2 Watch List"), ("3", "Tier 3"), ("SC", "Special Case"))
TIERS = [(code, label, worldmap.PALETTE[code]) for code, label in _NAMES]
LABEL = {code: label for code, label, _ in TIERS}
COLOUR = {code: colour for code, _, colour in TIERS}
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
CREDIT_SIZE = 11
LINE = 16
DERIVED = "derived (inferred, not read in the report)"
GAP = "covered, tier not confirmed"
# A derived placement's mark, over a dark disc that outlines it like the solid marks: a ring in the tier's colour,
# white in the middle.
RING = 'r="4.5" fill="#ffffff" stroke="{colour}" stroke-width="3"'


def credit(years: list[int], version: str) -> str:
    """The line every chart carries, so a republished copy still says where its tiers come from."""
    if not years:
        editions = "no editions"
    else:
        editions = f"{years[0]} edition" if years[0] == years[-1] else f"{years[0]}-{years[-1]} editions"
    return f"Source: U.S. Department of State, Trafficking in Persons Report, {editions}. TIP Tiers API data {version}."


def _width(text: str, size: int = 12) -> float:
    """A slightly generous guess at the width of `text` in a sans-serif font (DejaVu Sans, the widest common one,
    averages about 0.5 em a character), for layout without a font at hand."""
    return len(text) * size * 0.55


def _credit_lines(source: str, width: int) -> list[str]:
    """The credit on one line, or cut before its last sentence (the data version) when that would run off the
    chart."""
    if _width(source, CREDIT_SIZE) <= width - 16:
        return [source]
    first, _, rest = source.rpartition(". ")
    return [f"{first}.", rest]


def _legend(
    entries: list[tuple[str, Callable[[float, int], str], str]], left: float, top: int, right: float
) -> tuple[list[str], int]:
    """Legend entries side by side, each as wide as its swatch and label, wrapped onto a new row before `right`;
    returns the marks and the height they take. Each entry is (key, swatch drawn at x, y, label)."""
    body: list[str] = []
    x, y = left, top
    for key, swatch, label in entries:
        width = 18 + _width(label)
        if x > left and x + width > right:
            x, y = left, y + LINE + 4
        body.append(f'<g class="legend" data-key="{key}">{swatch(round(x, 1), y)}<text x="{x + 18:.1f}" y="{y + 10}">'
                    f"{escape(label)}</text></g>")  # fmt: skip
        x += width + 16
    return body, y + LINE - top


def _svg(width: int, height: int, title: str, desc: str, body: list[str], source: str) -> Response:
    """An accessible, self-contained SVG: role=img, a title and a description that says what the chart shows, and a
    credit line (source, editions shown, data version) below the chart, readable at the chart's own size."""
    lines = _credit_lines(source, width)
    height += len(lines) * LINE + 6
    tspans = "".join(
        f'<tspan x="8" y="{height - 8 - (len(lines) - 1 - i) * LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    body = [*body, f'<text class="credit" font-size="{CREDIT_SIZE}" fill="#555555">{tspans}</text>']
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
    cover the country are blank, derived placements (inferred, not read in the report) are hollow rings, and known
    gaps are marked with a dashed circle and a question mark.
    """
    country = snapshot.country(code)
    if country is None:
        raise NotFound(f"No country goes by {shown(code)}; try /v1/countries?q=... to search names.")
    rows = [snapshot.placements[i] for i in snapshot.by_country.get(country.iso3, ())]
    tiers = {p.year: p.tier for p in rows}
    derived = {p.year for p in rows if p.basis == "derived"}
    gaps = snapshot.gap_years.get(country.iso3, set())
    years, version = snapshot.years, snapshot.version
    width, left, top, row = 760, 140, 40, 34
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
            # Each year's step is as wide as the gap between years, kept inside the grid at either end.
            start, end = max(x[year] - step / 2, left), min(x[year] + step / 2, width - 20)
            run += [f"{start:.1f},{y[tier]}", f"{end:.1f},{y[tier]}"]
        elif run:
            body.append(f'<polyline class="history" points="{" ".join(run)}" fill="none" stroke="#555" '
                        'stroke-width="2"/>')  # fmt: skip
            run = []
    for year, tier in sorted(tiers.items()):
        cx, cy = f"{x[year]:.1f}", y[tier]
        if year in derived:
            # A ring, hollow in the middle: inferred from other evidence, so it must not look read in the report.
            body.append(f'<circle cx="{cx}" cy="{cy}" r="6.5" fill="#333"/>')
            mark, tip = f'class="placement derived" {RING.format(colour=COLOUR[tier])}', " (derived)"
        else:
            mark, tip = f'class="placement" r="6" fill="{COLOUR[tier]}" stroke="#333"', ""
        body.append(f'<circle {mark} data-year="{year}" data-tier="{tier}" cx="{cx}" cy="{cy}">'
                    f"<title>{year}: {escape(LABEL[tier])}{tip}</title></circle>")  # fmt: skip
    middle = (y["2"] + y["2WL"]) / 2
    for year in sorted(gaps):
        body.append(f'<circle class="gap" data-year="{year}" cx="{x[year]:.1f}" cy="{middle}" r="7" fill="none" '
                    f'stroke="#333" stroke-dasharray="2 2"><title>{year}: {GAP}</title></circle>'
                    f'<text x="{x[year]:.1f}" y="{middle + 4}" text-anchor="middle">?</text>')  # fmt: skip
    legend, legend_height = _legend(
        [
            ("placement", lambda lx, ly: f'<circle cx="{lx + 6}" cy="{ly + 6}" r="6" fill="{COLOUR["2"]}" '
             'stroke="#333"/>', "tier as published"),
            ("derived", lambda lx, ly: f'<circle cx="{lx + 6}" cy="{ly + 6}" r="6.5" fill="#333"/><circle '
             f'cx="{lx + 6}" cy="{ly + 6}" {RING.format(colour=COLOUR["2"])}/>', DERIVED),
            ("gap", lambda lx, ly: f'<circle cx="{lx + 6}" cy="{ly + 6}" r="7" fill="none" stroke="#333" '
             f'stroke-dasharray="2 2"/><text x="{lx + 6}" y="{ly + 10}" text-anchor="middle">?</text>', GAP),
        ],
        16, axis + 18, width - 16,
    )  # fmt: skip
    body += legend
    height = axis + 18 + legend_height
    history = "; ".join(f"{year} {LABEL[tier]}" for year, tier in sorted(tiers.items()))
    desc = f"Tier of {country.name} in each Trafficking in Persons Report edition: {history or 'none'}."
    if derived:
        desc += f" Derived (inferred, not read in the report): {', '.join(map(str, sorted(derived)))}."
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
    width, left, top, bottom = 760, 50, 40, 300
    largest = max((sum(table[(year, area)].values()) for year in years), default=0)
    ceiling, tick_step = _axis(largest)
    scale = (bottom - top) / ceiling
    band = (width - left - 20) / max(len(years), 1)
    where = "all regions" if area == ALL else snapshot.region_labels.get(area, area)
    body = [f'<text x="{left}" y="22" font-size="15" font-weight="bold">Countries per tier, {escape(where)}</text>']
    for tick in range(0, ceiling + 1, tick_step):
        ty = bottom - tick * scale
        body.append(f'<line x1="{left}" x2="{width - 20}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#eeeeee"/>'
                    f'<text class="tick" x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{tick}</text>')  # fmt: skip
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

    def swatch(colour: str) -> Callable[[float, int], str]:
        return lambda lx, ly: f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour}"/>'

    legend, legend_height = _legend(
        [(code, swatch(colour), label) for code, label, colour in TIERS], left, bottom + 32, width - 16
    )
    body += legend
    totals = "; ".join(
        f"{year}: " + ", ".join(f"{LABEL[c]} {table[(year, area)][c]}" for c, _, _ in TIERS if table[(year, area)][c])
        for year in years
    )
    title = f"Countries per Trafficking in Persons Report tier, {where}"
    desc = f"Placements per tier in each edition, {where}: {totals}."
    return _svg(width, bottom + 32 + legend_height, title, desc, body, credit(years, version))


def _axis(largest: int) -> tuple[int, int]:
    """A round top for the count axis above the tallest bar (200 for 188 countries), so no bar touches the top, and
    the step between its ticks: 1, 2 or 5 times a power of ten, at most six steps."""
    steps = (m * 10**k for k in itertools.count() for m in (1, 2, 5))
    step = next(step for step in steps if largest // step + 1 <= 6)
    return (largest // step + 1) * step, step


# The report ranked each of these as one country; the map has today's borders only, so each successor wears the
# tier the edition gave the whole, unless it has a placement of its own. Yugoslavia's narratives (2001-2002) also
# covered Kosovo; Bonaire, Sint Eustatius and Saba (BES) count once they have a shape (none at 1:50m) and a row.
SUCCESSORS = {"YUG": ("SRB", "MNE", "XKX"), "SCG": ("SRB", "MNE"), "ANT": ("CUW", "SXM", "BES")}


@router.get(
    "/world.svg",
    summary="One edition's tiers on a world map as an SVG",
    response_class=Response,
    responses={**SVG_RESPONSE, 404: {"description": "No report was published that year."}},
)
async def get_world_map(
    snapshot: SnapshotDep,
    year: Annotated[
        int | None,
        Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Report year; the latest edition by default.", examples=[2025]),
    ] = None,
    region: Annotated[
        str | None,
        Query(
            description="Regional bureau code or label (comma-separate several): crops the map to it and greys out "
            "the rest; the whole world by default.",
            examples=["EAP"],
        ),
    ] = None,
) -> Response:
    """Every country coloured by its tier in one edition (grey where the edition did not cover it), to embed in a
    story (`<img src=...>`) or print."""
    if year is None and snapshot.years:
        year = snapshot.years[-1]
    if year is None or year not in snapshot.reports:
        raise NotFound(f"No TIP Report for {year} is in this dataset; see /v1/reports for the editions.")
    areas = parse_regions([region], snapshot.region_keys) if region is not None else []
    rows = [snapshot.placements[i] for i in snapshot.by_year.get(year, ())]
    placed = {p.iso3: p.tier for p in rows}
    tiers, names = dict(placed), {iso3: c.name for iso3, c in snapshot.countries.items()}
    shown_in = {p.iso3: p.region for p in rows}
    drawn = {place.iso3 for place in worldmap.world().places}
    notes = []
    for p in rows:
        heirs = [s for s in SUCCESSORS.get(p.iso3, ()) if s not in placed and s in drawn and s in snapshot.countries]
        for iso3 in heirs:
            tiers[iso3], shown_in[iso3] = p.tier, p.region
            names[iso3] = f"{names[iso3]} (ranked as {names[p.iso3]})"
        if heirs:
            listed = ", ".join(snapshot.countries[iso3].name for iso3 in heirs)
            notes.append(f"{listed}: shown with the tier of {names[p.iso3]} ({snapshot.labels[p.tier]}), which the "
                         f"{year} report ranked as one country.")  # fmt: skip
    title = f"Trafficking in Persons Report tiers, {year}"
    cropped: set[str] | None = None
    if areas:
        title += ", " + " and ".join(snapshot.region_labels.get(code, code) for code in areas)
        # A country is in the region its placement that year was filed under; one the edition did not cover, in the
        # region it is filed under today, so it shows as not covered (the United States before 2010), not as outside.
        cropped = {iso3 for iso3, code in shown_in.items() if code in areas} | {
            iso3 for iso3, c in snapshot.countries.items() if iso3 not in shown_in and c.region in areas
        }
    svg = worldmap.world_svg(
        tiers, year, title, credit([year], snapshot.version), snapshot.labels, worldmap.PALETTE, names, cropped,
        placed=placed, notes=notes,
    )  # fmt: skip
    return Response(svg, media_type=SVG)
