"""Builds the app: metadata, middleware, error handlers, the docs pages, and v1 under /v1."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from api import errors, pages, v1
from api.caching import HTTPCache, NegotiatedGZip
from api.config import settings
from api.db import database
from api.live import live
from api.logs import RequestLog
from api.ratelimit import RateLimit, counter_for
from api.security import SecurityHeaders
from api.v1.schemas import Health, Problem, Ready

DESCRIPTION = """
Every country and territory the U.S. State Department's annual **Trafficking in Persons (TIP) Report**
has ranked — Tier 1, Tier 2, Tier 2 Watch List, Tier 3 or Special Case — for every edition from 2001.

Each placement says where it comes from (`source_url`) and how it is known (`basis`: read in the report,
from a secondary source only, or derived). Years or countries no source could confirm are listed as
known gaps, never guessed. This is an independent republication: check the published report before citing.

**Quick start.** `GET /v1/placements?year=2025&tier=3` lists the 2025 Tier 3 countries;
`GET /v1/countries/Thailand` gives one country's history; `GET /v1/placements.csv` is a spreadsheet of everything
(open it in Excel or `pandas.read_csv`). The whole dataset is at `/v1/bulk/` with a `datapackage.json`.

**Conventions.** Lists are `{"data": [...], "meta": {...}}`. Any list answers CSV or Excel when you add `.csv`
or `.xlsx` to the path (or `format=csv`, `format=xlsx`). Paged lists carry `next`/`prev` links in the body and a
`Link` header. `pretty=true` indents JSON. Every answer has an `ETag` and `Last-Modified`, so `If-None-Match` and
`If-Modified-Since` get a `304`; HEAD works wherever GET does; any web page may call the API (CORS). Errors are
`application/problem+json` and name the parameter at fault; an unknown parameter is an error, never silently ignored.
Within `/v1` changes are only additive.
"""

TAGS = [
    {"name": "placements", "description": "Tier placements: one row per country per report year, filterable."},
    {"name": "countries", "description": "Countries and territories, their codes and the names they have gone by."},
    {"name": "reports", "description": "The editions: release dates, counts per tier, published totals, gaps."},
    {"name": "trends", "description": "Changes between editions, automatic downgrades, statistics over time."},
    {"name": "charts", "description": "SVG charts to embed: a country's tier history, tiers per year, a world map."},
    {"name": "bulk downloads", "description": "The whole dataset at stable URLs, as CSV and JSON."},
    {"name": "reference", "description": "The vocabularies: tiers and regional bureaus."},
    {"name": "about", "description": "Version, source, licence and how to cite."},
    {"name": "operations", "description": "For monitoring."},
]
VERSION = "1.0.0"


READY_MAX_AGE = 0.1
limiter = counter_for(settings.redis_url)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On shutdown, after the last request in flight, hand the pooled connections back to the database and Redis."""
    yield
    database.engine.dispose()
    await limiter.close()


app = FastAPI(
    title="TIP Tiers API",
    version=VERSION,
    description=DESCRIPTION,
    lifespan=lifespan,
    openapi_tags=TAGS,
    docs_url=None,
    redoc_url=None,
    license_info={"name": "Data: U.S. Government work (public domain); code: MIT"},
    responses={
        400: {"model": Problem, "description": "Unknown query parameter, or a second value where one is allowed.",
              "content": {errors.PROBLEM: {}}},
        406: {"model": Problem, "description": "The `Accept` header allows none of the types this endpoint serves.",
              "content": {errors.PROBLEM: {}}},
        414: {"model": Problem, "description": "The query string is longer than 4096 bytes.",
              "content": {errors.PROBLEM: {}}},
        422: {"model": Problem, "description": "A parameter has a value the API cannot accept.",
              "content": {errors.PROBLEM: {}}},
        429: {"model": Problem, "description": "Too many requests from your address; retry after `Retry-After` s.",
              "content": {errors.PROBLEM: {}}},
        503: {"model": Problem, "description": "The database does not answer; retry shortly.",
              "content": {errors.PROBLEM: {}}},
    },
)  # fmt: skip
errors.install(app)
app.include_router(v1.router, prefix="/v1")
app.include_router(pages.router)
app.mount("/assets", StaticFiles(directory=pages.ASSETS), name="assets")
app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")

# Last added is outermost: the request log sees every answer; every answer, refusals included, gets the security
# and CORS headers; the rate limit counts answers from the store too; caching sits outside gzip.
app.add_middleware(NegotiatedGZip, minimum_size=1000)
app.add_middleware(
    HTTPCache,
    max_age=settings.cache_max_age,
    live=live,
    store_bytes=settings.response_cache_mb * 2**20,
)
app.add_middleware(RateLimit, limit=settings.rate_limit, window=settings.rate_limit_window, counter=limiter)
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_methods=["GET", "HEAD", "OPTIONS"],
    allow_headers=["*"],
    expose_headers=["ETag", "Last-Modified", "Link", "X-Total-Count", "Retry-After", "X-Request-ID",
                    "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy", "Deprecation",
                    "Sunset"],
    max_age=86400,
)  # fmt: skip
app.add_middleware(SecurityHeaders)
app.add_middleware(RequestLog)


@app.get("/health", summary="Liveness: the process answers", tags=["operations"])
def health() -> Health:
    """For a process supervisor: `200` whenever this process can answer, whatever the database is doing."""
    return Health(status="ok", version=VERSION, data_version=live.held.version if live.held else None)


@app.get(
    "/ready",
    summary="Readiness: the database answers and holds data",
    tags=["operations"],
    responses={503: {"model": Problem, "description": "Not ready: no database, or no data loaded yet.",
                     "content": {errors.PROBLEM: {}}}},
)  # fmt: skip
async def ready(request: Request) -> Ready:
    """For a load balancer: send traffic here only while this answers `200` with the data version it serves.

    Answered from the version the worker holds, read again when older than a tenth of a second: a flood of probes
    makes at most ten reads a second. A database that refuses gives a `503` at once; one that stops answering, once a
    read has been under way for two seconds (a busy worker's healthy read may take longer than half a second)."""
    loaded = await live.get(max_age=READY_MAX_AGE)
    if not live.answering():
        raise HTTPException(503, "The database does not answer; please retry shortly.", {"Retry-After": "5"})
    if loaded is None or loaded.loaded_at is None:
        raise HTTPException(503, "The database holds no data yet; run `python -m seed`.", {"Retry-After": "5"})
    return Ready(status="ready", data_version=loaded.version)
