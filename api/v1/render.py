"""The one owner of formats: which one an answer is in is decided once (the path's suffix, then `format=`, then
`Accept`), and each format has one renderer, registered here, as Datasette registers its output renderers. A handler
returns its model (or a Table of rows), never bytes; adding a format is one renderer module and one registration."""

import functools
import inspect
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, get_args, get_origin

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from api.config import settings
from api.errors import InvalidParameter
from api.links import this_page
from api.snapshot import Snapshot

JSON_MEDIA_TYPE = "application/json"


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class Table:
    """A list answer: rows of one model, and the envelope JSON wraps them in (`meta`, `links`). Rows whose bytes were
    written once per data version (the placements) come with them, so a page is a join."""

    model: type[BaseModel]
    rows: Sequence[Any]  # models, or for a layout of its own (the wide placements), flat dicts under `columns`
    envelope: dict[str, BaseModel] = field(default_factory=dict)
    columns: list[str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    json_rows: Sequence[bytes] | None = None
    csv_lines: Sequence[str] | None = None


@dataclass(frozen=True)
class Context:
    """What a file says about itself besides its rows: its name, and the data version it holds."""

    filename: str
    snapshot: Snapshot | None
    url: str  # this answer's address under PUBLIC_URL; empty without one (never the request's Host)


@dataclass(frozen=True)
class Renderer:
    media_type: str
    extension: str
    render: Callable[[Table, Context], Response]


RENDERERS: dict[Format, Renderer] = {}


def register(format: Format, media_type: str) -> Callable[[Callable[[Table, Context], Response]], Any]:
    """Register the renderer of a tabular format; every list endpoint then answers in it, by suffix or parameter."""

    def decorate(render: Callable[[Table, Context], Response]) -> Callable[[Table, Context], Response]:
        RENDERERS[format] = Renderer(media_type, format.value, render)
        return render

    return decorate


def fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, FieldInfo]]:
    """The columns of a row model: nested objects become `parent_child` columns."""
    found: list[tuple[str, FieldInfo]] = []
    for name, info in model.model_fields.items():
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            found += fields(info.annotation, f"{prefix}{name}_")
        else:
            found.append((prefix + name, info))
    return found


def columns(model: type[BaseModel]) -> list[str]:
    return [name for name, _ in fields(model)]


def flatten(item: BaseModel, prefix: str = "") -> dict[str, Any]:
    """One row as the tabular formats hold it: nested objects as `parent_child` cells, lists joined by '; '."""
    flat: dict[str, Any] = {}
    for name in type(item).model_fields:
        value = getattr(item, name)
        if isinstance(value, BaseModel):
            flat |= flatten(value, f"{prefix}{name}_")
        elif isinstance(value, list):
            flat[prefix + name] = "; ".join(str(v) for v in value)
        else:
            flat[prefix + name] = value
    return flat


def flat_rows(table: Table) -> Iterator[dict[str, Any]]:
    return (row if isinstance(row, dict) else flatten(row) for row in table.rows)


def _table_field(model: Any) -> str | None:
    """The list a tabular format holds: `data` of a list answer, `placements` of a country's history."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    for name in ("data", "placements"):
        info = model.model_fields.get(name)
        if info is not None and get_origin(info.annotation) is list:
            (item,) = get_args(info.annotation)
            if isinstance(item, type) and issubclass(item, BaseModel):
                return name
    return None


def as_table(answer: BaseModel, name: str) -> Table:
    rows = getattr(answer, name)
    (model,) = get_args(type(answer).model_fields[name].annotation)
    return Table(model=model, rows=rows)


async def output_format(
    request: Request,
    format: Annotated[
        Format | None,
        Query(
            description="`csv` or `xlsx` (Excel) for a file holding every matching row (no paging); the same as "
            "adding `.csv` or `.xlsx` to the path, or asking for it in `Accept`. JSON by default."
        ),
    ] = None,
) -> Format:
    """The path decides first (`.csv`), then `format`, then the Accept header; JSON when nothing asks otherwise.

    Async, as it does no I/O: FastAPI then runs it on the event loop instead of handing it to a thread."""
    route = request.scope.get("route")
    path = route.path if isinstance(route, APIRoute) else request.url.path
    for suffixed, renderer in RENDERERS.items():
        if path.endswith(f".{renderer.extension}"):
            if format is not None and format is not suffixed:
                raise InvalidParameter("format", f"{format.value!r} contradicts the .{renderer.extension} path; "
                                       "drop one of them")  # fmt: skip
            return suffixed
    if format is not None:
        return format
    accept = request.headers.get("accept", "")
    if "json" not in accept:
        for wanted, renderer in RENDERERS.items():
            if renderer.media_type.split(";")[0] in accept:
                return wanted
    return Format.JSON


def _json(answer: Any, pretty: bool) -> bytes:
    indent = 2 if pretty else None
    if isinstance(answer, BaseModel):
        return answer.model_dump_json(indent=indent).encode()
    return json.dumps(jsonable_encoder(answer), ensure_ascii=False, indent=indent,
                      separators=None if pretty else (",", ":")).encode()  # fmt: skip


def _table_json(table: Table, pretty: bool) -> bytes:
    if pretty:
        envelope: dict[str, Any] = {"data": [row.model_dump(mode="json") for row in table.rows]}
        envelope |= {name: part.model_dump(mode="json") for name, part in table.envelope.items()}
        return json.dumps(envelope, ensure_ascii=False, indent=2).encode()
    rows = table.json_rows
    if rows is None:
        rows = [row.__pydantic_serializer__.to_json(row) for row in table.rows]
    parts = [b'{"data":[', b",".join(rows), b"]"]
    for name, part in table.envelope.items():
        parts += [b',"', name.encode(), b'":', part.__pydantic_serializer__.to_json(part)]
    return b"".join([*parts, b"}"])


def render(answer: Any, output: Format, pretty: bool, table_field: str | None, request: Request) -> Any:
    """The answer in the format asked for. JSON ends with a newline, as a terminal expects, and is indented on
    `pretty`; a Response (an image, a feed, a download) is already in its only format."""
    if isinstance(answer, Response):
        return answer
    if output is Format.JSON:
        body = _table_json(answer, pretty) if isinstance(answer, Table) else _json(answer, pretty)
        headers = answer.headers if isinstance(answer, Table) else None
        return Response(body + b"\n", media_type=JSON_MEDIA_TYPE, headers=headers)
    if not isinstance(answer, Table):
        if table_field is None:
            raise InvalidParameter("format", f"this endpoint answers in JSON only, not {output.value}")
        answer = as_table(answer, table_field)
    renderer = RENDERERS[output]
    name = answer.filename or request.url.path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0] or "data"
    # The file's own address in its canonical spelling (the suffix, not `format=` or Accept), so all three give the
    # same bytes; only under a configured public address, never the request's Host.
    path = request.url.path
    path = path if path.endswith(f".{renderer.extension}") else f"{path.rstrip('/')}.{renderer.extension}"
    url = this_page(request.url.replace(path=path).remove_query_params("format")) if settings.public_url else ""
    context = Context(f"{name}.{renderer.extension}", getattr(request.state, "snapshot", None), url)
    response = renderer.render(answer, context)
    response.headers.update({k: v for k, v in answer.headers.items() if k.lower() != "link"})
    return response


Pretty = Annotated[
    bool, Query(description="Indent the JSON for reading at a terminal (`pretty=true`); compact by default.")
]


def rendering(endpoint: Callable[..., Any], table_field: str | None) -> Callable[..., Any]:
    """The endpoint, taking the format (when it has a table) and `pretty` as well, and answering through `render`."""
    signature = inspect.signature(endpoint)
    params = list(signature.parameters.values())
    # FastAPI hands the request to one parameter only: the endpoint's own, when it has one.
    own = next((p.name for p in params if p.annotation is Request), None)
    extra = [inspect.Parameter("pretty", inspect.Parameter.KEYWORD_ONLY, annotation=Pretty, default=False)]
    if own is None:
        extra.append(inspect.Parameter("render_request", inspect.Parameter.KEYWORD_ONLY, annotation=Request))
    if table_field is not None:
        extra.append(inspect.Parameter("render_format", inspect.Parameter.KEYWORD_ONLY, annotation=OutputFormat))

    @functools.wraps(endpoint)
    async def rendered(*args: Any, pretty: bool = False, **kwargs: Any) -> Any:
        output = kwargs.pop("render_format", Format.JSON)
        request: Request = kwargs[own] if own else kwargs.pop("render_request")
        answer = endpoint(*args, **kwargs)
        if inspect.isawaitable(answer):
            answer = await answer
        return render(answer, output, pretty, table_field, request)

    rendered.__signature__ = signature.replace(parameters=[*params, *extra])  # type: ignore[attr-defined]
    return rendered


OutputFormat = Annotated[Format, Depends(output_format)]


class Router(APIRouter):
    """Routes whose answers are rendered here: every list endpoint gets a twin URL per tabular format
    (`/countries.csv`), registered before it, so `/countries/{code}.csv` is not read as a code."""

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        model = kwargs.get("response_model")
        if model is None or not isinstance(model, type):
            model = inspect.signature(endpoint).return_annotation
            model = next((a for a in get_args(model) if _table_field(a)), model)
        table_field = _table_field(model)
        if table_field is not None and kwargs.get("response_model") is None:
            kwargs["response_model"] = model
        wrapped = rendering(endpoint, table_field)
        if table_field is not None:
            responses = dict(kwargs.get("responses") or {})
            content: dict[str, dict[str, Any]] = {JSON_MEDIA_TYPE: {}}
            content |= {r.media_type.split(";")[0]: {} for r in RENDERERS.values()}
            responses[200] = {**responses.get(200, {}), "content": content}
            kwargs["responses"] = responses
            if not path.endswith("/") and path:
                for renderer in RENDERERS.values():
                    twin = {**kwargs, "include_in_schema": False, "name": f"{kwargs.get('name') or endpoint.__name__}_"
                            f"{renderer.extension}", "operation_id": None}  # fmt: skip
                    super().add_api_route(f"{path}.{renderer.extension}", wrapped, **twin)
        super().add_api_route(path, wrapped, **kwargs)


def media_types(route: APIRoute) -> tuple[str, ...]:
    """What a route can answer in, for the Accept check: a suffixed twin only its own format."""
    for renderer in RENDERERS.values():
        if route.path.endswith(f".{renderer.extension}") and route.name.endswith(f"_{renderer.extension}"):
            return (renderer.media_type.split(";")[0],)
    documented = route.responses.get(200, {}).get("content", {})
    default = () if route.response_class is Response and documented else (JSON_MEDIA_TYPE,)
    return (*default, *(t for t in documented if t not in default))
