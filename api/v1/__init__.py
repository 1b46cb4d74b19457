"""Version 1 of the public API: every route module's router, behind one check of what a request asks for."""

import re
from typing import Any, NamedTuple, get_args, get_origin

from fastapi import Depends, Request
from fastapi._compat import ModelField
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api import renderers
from api.errors import InvalidParameter, NotFound
from api.links import public
from api.v1 import (
    bulk,
    changes,
    charts,
    cite,
    corrections,
    countries,
    downgrades,
    feed,
    meta,
    placements,
    quality,
    regions,
    reports,
    stats,
    tiers,
)
from api.v1.params import SnapshotDep, current_snapshot
from api.v1.render import Router, media_types

# Longer than any country name, code or filter value; a longer one is a mistake or a probe, and is not echoed whole.
MAX_VALUE = 200
MAX_QUERY = 4096
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RouteRules(NamedTuple):
    known: frozenset[str]
    single: frozenset[str]
    media_types: tuple[str, ...]


def _query_fields(dependant: Dependant) -> list[ModelField]:
    return [*dependant.query_params, *(f for sub in dependant.dependencies for f in _query_fields(sub))]


def _takes_many(annotation: Any) -> bool:
    return get_origin(annotation) in (list, set, tuple) or any(_takes_many(arg) for arg in get_args(annotation))


_RULES: dict[int, RouteRules] = {}


def _rules(route: APIRoute) -> RouteRules:
    """Worked out on a route's first request, then kept (routes live as long as the app; they are unhashable)."""
    if (known := _RULES.get(id(route))) is not None:
        return known
    fields = _query_fields(route.dependant)
    rules = _RULES[id(route)] = RouteRules(
        known=frozenset(f.alias for f in fields),
        single=frozenset(f.alias for f in fields if not _takes_many(f.field_info.annotation)),
        media_types=media_types(route),
    )
    return rules


def _quality(params: list[str]) -> float:
    for param in params:
        if param.startswith("q="):
            try:
                return float(param[2:])
            except ValueError:
                return 1.0
    return 1.0


def _accepts(accept: str, media_types: tuple[str, ...]) -> bool:
    """RFC 9110 media ranges: `*/*`, `text/*` or the type itself, unless weighted `q=0` (refused).

    A header with no media range at all is malformed and, as RFC 9110 allows, ignored."""
    ranges = [[part.strip() for part in item.split(";")] for item in accept.lower().split(",") if "/" in item]
    wanted = {r for r, *params in ranges if _quality(params) > 0}
    return not ranges or any({"*/*", f"{t.split('/')[0]}/*", t} & wanted for t in media_types)


async def check_request(request: Request) -> None:
    """Fail loudly on what would otherwise be quietly misread: a misspelt filter (`?yaer=2024`) returning everything,
    a second value where one counts, a value no name is that long, an `Accept` this endpoint cannot honour.

    Async, as it does no I/O: FastAPI then runs it on the event loop instead of handing it to a thread."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    rules = _rules(route)
    query = request.scope.get("query_string", b"")
    if len(query) > MAX_QUERY:
        name = max(request.query_params.multi_items(), key=lambda item: len(item[1]))[0]
        raise InvalidParameter(
            name, f"the query string is {len(query)} bytes long; at most {MAX_QUERY} are accepted", status=414
        )
    # PostgreSQL refuses NUL in text, and no name, code or value holds a control character.
    for name, value in request.query_params.multi_items():
        if _CONTROL.search(value):
            raise InvalidParameter(name, "contains a control character (such as NUL); no name or code has one")
    if any(_CONTROL.search(str(value)) for value in request.path_params.values()):
        raise NotFound(f"There is nothing at {request.url.path[:100]!r}: no name or code holds a control character.")
    for name, value in request.query_params.multi_items():
        if name not in rules.known:
            allowed = ", ".join(sorted(rules.known)) or "none"
            raise InvalidParameter(name, f"unknown query parameter; this endpoint takes: {allowed}", status=400)
        if len(value) > MAX_VALUE:
            raise InvalidParameter(name, f"the value is {len(value)} characters long; at most {MAX_VALUE} are accepted")
    for name in rules.single:
        if len(given := request.query_params.getlist(name)) > 1:
            raise InvalidParameter(name, f"given {len(given)} times; this parameter takes one value", status=400)
    accept = request.headers.get("accept")
    if accept and not _accepts(accept, rules.media_types):
        raise InvalidParameter(
            "Accept",
            f"{accept[:MAX_VALUE]!r} matches nothing this endpoint serves: {', '.join(rules.media_types)}",
            status=406,
        )


# Every route is handed the snapshot of the live data version, so none can answer without its ETag; each answer is
# rendered in the format asked for (api/v1/render.py); the tabular formats register themselves (api/renderers).
assert renderers
router = Router(dependencies=[Depends(check_request), Depends(current_snapshot)])
for module in (
    placements,
    cite,
    reports,
    countries,
    corrections,
    changes,
    downgrades,
    stats,
    charts,
    tiers,
    regions,
    meta,
    bulk,
    quality,
    feed,
):
    router.include_router(module.router)


@router.get("", summary="Version 1: every endpoint", tags=["about"])
@router.get("/", include_in_schema=False)
async def get_v1_index(request: Request, snapshot: SnapshotDep) -> dict[str, Any]:
    """The v1 endpoints, each at its URL, with the data version served; `/docs` describes each."""
    paths = sorted(path for path in request.app.openapi()["paths"] if path.startswith("/v1"))
    return {"endpoints": [public(path) for path in paths], "docs": public("/docs"), "data_version": snapshot.version}
