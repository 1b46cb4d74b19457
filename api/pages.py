"""The pages people read in a browser: the home page, the countries, one country, one edition, and the docs. Server-
rendered from the same snapshot and rules as /v1 (readable with JavaScript off); scripts asking for JSON at `/` get
the JSON index."""

from collections import Counter, defaultdict
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import fastapi_offline
from fastapi import APIRouter, Query, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from api import citation
from api.config import settings
from api.links import public
from api.moves import Direction, moves
from api.names import name_key
from api.security import page_policy
from api.snapshot import Snapshot
from api.v1 import derived
from api.v1.params import SnapshotDep

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["host"] = lambda url: urlsplit(url).hostname or url
ASSETS = Path(fastapi_offline.__file__).parent / "static"
STATIC = Path(__file__).parent / "static"

# Our pages run no script at all, load only their own stylesheet and images, and send forms only to themselves.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
DESCRIPTION = (
    "The U.S. State Department's Trafficking in Persons Report tier placements, every country and every "
    "edition from 2001, each with its source."
)
MOVES = {"up": "up", "down": "down", "unchanged": "", "special_case": "to or from a Special Case",
         "entered": "first ranked", "left": "not ranked", "unknown": "unknown (a gap)"}  # fmt: skip


def _page(request: Request, snapshot: Snapshot, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """One page under the base layout, with what every page's head and footer need."""
    years = snapshot.years
    path = request.url.path
    page = templates.TemplateResponse(
        request,
        template,
        {
            "base": public(""), "canonical": public(path), "first": years[0] if years else "", "latest":
            years[-1] if years else "", "version": snapshot.version, "labels": snapshot.labels, "csv_url": None,
            "description": DESCRIPTION, **context,
        },
        status_code=status,
    )  # fmt: skip
    page.headers["Content-Security-Policy"] = PAGE_POLICY
    return page


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


@router.get("/")
async def index(request: Request, snapshot: SnapshotDep) -> Any:
    """People get the home page, scripts get JSON: both say what this is and where to go."""
    base = public("")
    if not wants_html(request):
        endpoints = ("reports", "countries", "placements", "tiers", "regions", "meta")
        return {
            "name": "TIP Tiers API",
            "description": DESCRIPTION,
            "docs": f"{base}/docs",
            "meta": f"{base}/v1/meta",
            "bulk": {"placements_csv": f"{base}/v1/bulk/placements.csv",
                     "placements_json": f"{base}/v1/bulk/placements.json",
                     "datapackage": f"{base}/v1/bulk/datapackage.json"},
            "endpoints": {name: f"{base}/v1/{name}" for name in endpoints},
        }  # fmt: skip
    years = snapshot.years
    if not years:
        raise HTTPException(503, "The database holds no data yet; run `python -m seed`.", {"Retry-After": "5"})
    latest = years[-1]
    placed = Counter(snapshot.placements[i].tier for i in snapshot.by_year.get(latest, ()))
    counts = [(code, label, placed[code]) for code, label in snapshot.labels.items()]
    up, down = _moved(snapshot, latest)
    return _page(
        request, snapshot, "index.html", title="Trafficking in Persons Report tiers", json_url=f"{base}/v1/meta",
        counts=counts, up=up, down=down, years=years, map_src=f"{base}/v1/charts/world.svg?year={latest}",
    )  # fmt: skip


def _moved(snapshot: Snapshot, year: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Who moved up and who moved down in an edition, against the edition before."""
    years = snapshot.years
    if years.index(year) == 0:
        return [], []
    tiers = derived.tiers_by_year(snapshot)
    before, after = tiers[years[years.index(year) - 1]], tiers[year]
    labels = snapshot.labels
    found: dict[Direction, list[dict[str, str]]] = defaultdict(list)
    for iso3, move in sorted(moves(before, after).items(), key=lambda m: snapshot.countries[m[0]].name):
        found[move].append({"iso3": iso3, "name": snapshot.countries[iso3].name,
                            "before": labels.get(before.get(iso3, ""), "not ranked"),
                            "after": labels.get(after.get(iso3, ""), "not ranked")})  # fmt: skip
    return found[Direction.UP], found[Direction.DOWN]


@router.get("/countries")
async def countries_page(
    request: Request,
    snapshot: SnapshotDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    region: Annotated[str | None, Query(max_length=100)] = None,
    tier: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """Every country with region and current tier, with region and tier facets and a name filter."""
    base = public("")
    if q and (exact := snapshot.country(q)) is not None:
        # A name or code that is exactly one country goes to it, as the home page's search promises.
        return _redirect(f"{base}/countries/{exact.iso3}")
    regions, labels = snapshot.region_labels, snapshot.labels
    rows = snapshot.once("country-page-rows", lambda: _country_rows(snapshot))
    named = None
    if q:
        named = {c.iso3 for c in snapshot.named_like(name_key(q))} if name_key(q) else set()
    matching = [r for r in rows if named is None or r["iso3"] in named]

    def facet(key: str, options: dict[str, str], chosen: str | None) -> list[dict[str, Any]]:
        others = [r for r in matching if key == "region_code" or not region or r["region_code"] == region]
        others = [r for r in others if key == "tier" or not tier or r["tier"] == tier]
        counted = Counter(r[key] for r in others)
        params = {"q": q, "region": region, "tier": tier}
        short = {"region_code": "region", "tier": "tier"}[key]
        return [
            {"label": label, "count": counted[code], "selected": code == chosen,
             "url": f"{base}/countries?" + urlencode({k: v for k, v in (params | {short: code}).items() if v}),
             "clear": f"{base}/countries?" + urlencode({k: v for k, v in (params | {short: None}).items() if v})}
            for code, label in options.items()
        ]  # fmt: skip

    shown = [r for r in matching if (not region or r["region_code"] == region) and (not tier or r["tier"] == tier)]
    query = urlencode({k: v for k, v in {"q": q, "region": region}.items() if v})
    return _page(
        request, snapshot, "countries.html", title="Countries and territories",
        description=f"Every country and territory the Trafficking in Persons Report has ranked, {len(rows)} in all, "
        "with its current tier.",
        json_url=f"{base}/v1/countries" + (f"?{query}" if query else ""),
        csv_url=f"{base}/v1/countries.csv" + (f"?{query}" if query else ""),
        rows=shown, total=len(rows), q=q, region=region, tier_code=tier,
        region_facets=facet("region_code", regions, region), tier_facets=facet("tier", labels, tier),
    )  # fmt: skip


def _country_rows(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Every country with its region and current tier: the countries page's table, once per data version."""
    regions, labels = snapshot.region_labels, snapshot.labels
    rows = []
    for iso3, country in snapshot.countries.items():
        summary = derived.history(snapshot, iso3).summary
        last = snapshot.placements[snapshot.by_country[iso3][-1]] if iso3 in snapshot.by_country else None
        rows.append({"iso3": iso3, "name": country.name, "region_code": country.region,
                     "region": regions.get(country.region, country.region),
                     "tier": summary.current_tier.value if summary.current_tier else None,
                     "tier_label": labels.get(summary.current_tier or "", ""), "since": summary.current_tier_since,
                     "last_year": last.year if last else None})  # fmt: skip
    return rows


def _redirect(url: str) -> HTMLResponse:
    return HTMLResponse("", status_code=303, headers={"Location": url})


@router.get("/countries/{code}")
async def country_page(request: Request, snapshot: SnapshotDep, code: str) -> HTMLResponse:
    """One country: its tier chart, every edition with the official chapter and the source, figures, names, cite."""
    base = public("")
    country = snapshot.country(code)
    if country is None:
        missing = f"No country goes by {code[:100]!r}. Search the names on the countries page."
        return _page(request, snapshot, "not_found.html", status=404, title="Not found", detail=missing,
                     json_url=f"{base}/v1/countries")  # fmt: skip
    if code != country.iso3:
        return _redirect(f"{base}/countries/{country.iso3}")
    detail = derived.history(snapshot, country.iso3)
    years = [p.year for p in detail.placements] or snapshot.years
    url = public(f"/countries/{country.iso3}") if settings.public_url else ""
    reference = citation.text([citation.dataset_reference(years[0], years[-1], snapshot.version, url, None)]).strip()
    regions = snapshot.region_labels
    return _page(
        request, snapshot, "country.html", title=f"{country.name}: Trafficking in Persons Report tiers",
        description=f"{country.name}'s tier in every Trafficking in Persons Report since {years[0]}, with sources.",
        json_url=f"{base}/v1/countries/{country.iso3}", csv_url=f"{base}/v1/countries/{country.iso3}.csv",
        c=detail, s=detail.summary, region=regions.get(country.region, country.region), moves=MOVES,
        chart_src=f"{base}/v1/charts/countries/{country.iso3}.svg", citation=reference,
    )  # fmt: skip


SORTS = {"name": lambda r: r["name"], "tier": lambda r: (r["rank"], r["name"]), "region": lambda r: (r["region"],
         r["name"])}  # fmt: skip


@router.get("/reports/{year}")
async def report_page(
    request: Request,
    snapshot: SnapshotDep,
    year: int,
    sort: Annotated[str, Query(pattern="^(name|tier|region)$")] = "name",
) -> HTMLResponse:
    """One edition: the world map, counts per tier and region, the full table, changes from the edition before, gaps."""
    base = public("")
    if year not in snapshot.reports:
        detail = f"There is no {year} edition in the data; the editions run {snapshot.years[0]}-{snapshot.years[-1]}."
        return _page(request, snapshot, "not_found.html", status=404, title="Not found", detail=detail,
                     json_url=f"{base}/v1/reports")  # fmt: skip
    report = derived.report(snapshot, year)
    labels, regions = snapshot.labels, snapshot.region_labels
    order = {code: i for i, code in enumerate(labels)}
    rows: list[dict[str, Any]] = [
        {"iso3": p.iso3, "name": snapshot.countries[p.iso3].name, "region": regions.get(p.region, p.region),
         "tier": p.tier, "tier_label": labels[p.tier], "rank": order[p.tier], "basis": p.basis,
         "report_url": p.report_url, "report_url_scope": p.report_url_scope}
        for p in (snapshot.placements[i] for i in snapshot.by_year.get(year, ()))
    ]  # fmt: skip
    rows.sort(key=SORTS[sort])
    by_region: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        by_region[row["region"]][row["tier"]] += 1
        by_region["All regions"][row["tier"]] += 1
    years = snapshot.years
    position = years.index(year)
    up, down = _moved(snapshot, year)
    changes = [{**m, "text": f"{m['before']} → {m['after']} (up)"} for m in up]
    changes += [{**m, "text": f"{m['before']} → {m['after']} (down)"} for m in down]
    changes.sort(key=lambda m: m["name"])
    gaps = [{"iso3": g.iso3, "name": snapshot.countries[g.iso3].name, "note": g.note}
            for g in snapshot.gaps if g.year == year]  # fmt: skip
    return _page(
        request, snapshot, "report.html", title=f"The {year} Trafficking in Persons Report",
        description=f"Every tier placement of the {year} Trafficking in Persons Report: {report.countries_placed} "
        "countries and territories, with the official chapters.",
        json_url=f"{base}/v1/reports/{year}", csv_url=f"{base}/v1/placements.csv?year={year}", year=year,
        report=report, rows=rows, sort=sort, tiers=list(labels.items()),
        by_region=sorted(by_region.items(), key=lambda item: (item[0] == "All regions", item[0])),
        previous=years[position - 1] if position else None,
        following=years[position + 1] if position + 1 < len(years) else None,
        changes=changes, gaps=gaps, map_src=f"{base}/v1/charts/world.svg?year={year}",
    )  # fmt: skip


@router.get("/docs")
def swagger_ui_html(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return page_policy(
        get_swagger_ui_html(
            openapi_url=f"{root}{request.app.openapi_url}",
            title=f"{request.app.title} — docs",
            swagger_js_url=f"{root}/assets/swagger-ui-bundle.js",
            swagger_css_url=f"{root}/assets/swagger-ui.css",
            swagger_favicon_url=f"{root}/assets/favicon.png",
        )
    )


@router.get("/redoc")
def redoc_html(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return page_policy(
        get_redoc_html(
            openapi_url=f"{root}{request.app.openapi_url}",
            title=f"{request.app.title} — reference",
            redoc_js_url=f"{root}/assets/redoc.standalone.js",
            redoc_favicon_url=f"{root}/assets/favicon.png",
            with_google_fonts=False,
        )
    )
