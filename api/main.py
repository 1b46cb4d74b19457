"""Builds the app: metadata, error handlers, the unversioned health check, and v1 under /v1."""

from typing import Any

from fastapi import FastAPI, Request

from api import errors, v1
from api.db import SessionDep
from api.v1.meta import current_version
from api.v1.schemas import Health, Problem

DESCRIPTION = """
Every country and territory the U.S. State Department's annual **Trafficking in Persons (TIP) Report**
has ranked — Tier 1, Tier 2, Tier 2 Watch List, Tier 3 or Special Case — for every edition from 2001.

Each placement says where it comes from (`source_url`) and how it is known (`basis`: read in the report,
from a secondary source only, or derived). Years or countries no source could confirm are listed as
known gaps, never guessed. This is an independent republication: check the published report before citing.
"""

app = FastAPI(
    title="TIP Tiers API",
    version="1.0.0",
    description=DESCRIPTION,
    license_info={"name": "Data: U.S. Government work (public domain); code: MIT"},
    responses={
        400: {"model": Problem, "description": "Unknown query parameter.", "content": {errors.PROBLEM: {}}},
        422: {"model": Problem, "description": "A parameter has a value the API cannot accept.",
              "content": {errors.PROBLEM: {}}},
    },
)  # fmt: skip
errors.install(app)
app.include_router(v1.router, prefix="/v1")


@app.get("/", include_in_schema=False)
def index(request: Request) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    return {
        "name": "TIP Tiers API",
        "docs": f"{base}/docs",
        "endpoints": {name: f"{base}/v1/{name}" for name in ("reports", "countries", "placements", "tiers", "regions")},
    }


@app.get("/health", tags=["operations"])
def health(session: SessionDep) -> Health:
    """The process answers and can read the database; `data_version` says which data is loaded."""
    version = current_version(session)
    return Health(status="ok", data_version=None if version == "none" else version)
