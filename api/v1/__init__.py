"""Version 1 of the public API: every route module's router, behind one check for unknown parameters."""

from fastapi import APIRouter, Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.errors import InvalidParameter
from api.v1 import (
    bulk,
    changes,
    charts,
    countries,
    downgrades,
    meta,
    placements,
    quality,
    regions,
    reports,
    stats,
    tiers,
)


def _query_parameters(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_parameters(sub)
    return names


async def reject_unknown_parameters(request: Request) -> None:
    """A misspelt filter (`?yaer=2024`) must fail loudly rather than quietly return everything (async: no I/O)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_parameters(route.dependant)
    for name in request.query_params:
        if name not in known:
            allowed = ", ".join(sorted(known)) or "none"
            raise InvalidParameter(name, f"unknown query parameter; this endpoint takes: {allowed}", status=400)


router = APIRouter(dependencies=[Depends(reject_unknown_parameters), Depends(meta.data_version)])
for module in (reports, countries, placements, changes, downgrades, stats, charts, tiers, regions, meta, bulk, quality):
    router.include_router(module.router)
