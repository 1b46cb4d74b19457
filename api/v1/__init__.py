"""Version 1 of the public API: every route module's router, behind one check for unknown parameters."""

from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute

from api.errors import InvalidParameter
from api.v1 import countries, placements, regions, reports, tiers


def reject_unknown_parameters(request: Request) -> None:
    """A misspelt filter (`?yaer=2024`) must fail loudly rather than quietly return everything."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    # The routes declare their query parameters directly; dependencies add none.
    known = {p.alias for p in route.dependant.query_params}
    for name in request.query_params:
        if name not in known:
            allowed = ", ".join(sorted(known)) or "none"
            raise InvalidParameter(name, f"unknown query parameter; this endpoint takes: {allowed}", status=400)


router = APIRouter(dependencies=[Depends(reject_unknown_parameters)])
for module in (reports, countries, placements, tiers, regions):
    router.include_router(module.router)
