import datetime
import hashlib
import types
import typing
from enum import Enum
from typing import Any

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from api.citation import LICENCE
from api.links import public
from api.snapshot import Snapshot
from api.v1 import derived, placements
from api.v1.params import SnapshotDep
from api.v1.render import RENDERERS, Context, Format, Router, Table, fields
from api.v1.schemas import CountryOut, PlacementRow, ReportOut

router = Router(prefix="/bulk", tags=["bulk downloads"])

_TYPES = {int: "integer", str: "string", float: "number", bool: "boolean", datetime.date: "date"}


@router.get("", summary="The bulk files: every download, at stable URLs")
@router.get("/", include_in_schema=False)
async def get_bulk_index(request: Request, snapshot: SnapshotDep) -> dict[str, Any]:
    """Where each bulk file is, and the data version they hold; `datapackage.json` describes every field and gives
    each file's checksum."""
    names = {"placements.csv": "get_bulk_placements_csv", "placements.json": "get_bulk_placements_json",
             "countries.csv": "get_bulk_countries_csv", "reports.csv": "get_bulk_reports_csv",
             "datapackage.json": "get_datapackage"}  # fmt: skip
    return {
        "files": {name: public(request.app.url_path_for(route)) for name, route in names.items()},
        "data_version": snapshot.version,
    }


@router.get(
    "/placements.csv",
    summary="Download every placement (CSV)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def get_bulk_placements_csv(snapshot: SnapshotDep) -> Response:
    """The whole dataset as one CSV file: every placement, one row per country per year, at a stable URL."""
    return _csv(placements.table(snapshot, list(range(len(snapshot.placements)))), "tip-placements.csv")


@router.get(
    "/placements.json",
    summary="Download every placement (JSON)",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
async def get_bulk_placements_json(snapshot: SnapshotDep) -> Response:
    """The whole dataset as one JSON array of placement rows (the same fields as the CSV), at a stable URL."""
    return Response(b"[" + b",".join(placements.written(snapshot)[0]) + b"]\n", media_type="application/json")


@router.get(
    "/countries.csv",
    summary="Download every country (CSV)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def get_bulk_countries_csv(snapshot: SnapshotDep) -> Response:
    """Every country and territory, with codes, current region and the other names it goes by."""
    return _csv(Table(CountryOut, list(derived.countries(snapshot).values())), "countries.csv")


@router.get(
    "/reports.csv",
    summary="Download every edition (CSV)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def get_bulk_reports_csv(snapshot: SnapshotDep) -> Response:
    """Every edition with its counts per tier and the totals published at the time."""
    return _csv(Table(ReportOut, derived.reports(snapshot)), "reports.csv")


def _csv(table: Table, filename: str) -> Response:
    return RENDERERS[Format.CSV].render(table, Context(filename, None, ""))


def _field(name: str, info: FieldInfo) -> dict[str, Any]:
    """A Frictionless Table Schema field from a response model field."""
    annotation = info.annotation
    required = True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        required, annotation = len(args) == len(typing.get_args(annotation)), args[0]
    field: dict[str, Any] = {"name": name, "description": info.description or ""}
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        field |= {"type": "string", "constraints": {"enum": [m.value for m in annotation]}}
    elif isinstance(annotation, type) and issubclass(annotation, datetime.datetime):
        field["type"] = "datetime"
    else:
        field["type"] = _TYPES.get(annotation, "string")  # type: ignore[arg-type]
    if typing.get_origin(annotation) is list:
        field["description"] += " Several values are separated by '; '."
    if required and field["type"] != "string":
        field.setdefault("constraints", {})["required"] = True
    return field


def _checksum(body: bytes) -> dict[str, Any]:
    return {"bytes": len(body), "hash": "sha256:" + hashlib.sha256(body).hexdigest()}


def _resource(name: str, path: str, model: type[BaseModel], key: list[str], title: str) -> dict[str, Any]:
    return {
        "name": name,
        "path": path,
        "title": title,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": [_field(n, f) for n, f in fields(model)], "primaryKey": key},
    }


async def _body(response: Response) -> bytes:
    """The bytes a bulk route sends, whether it streams them or not."""
    if isinstance(response, StreamingResponse):
        return b"".join([c.encode() if isinstance(c, str) else bytes(c) async for c in response.body_iterator])
    return bytes(response.body)


async def bulk_files(snapshot: Snapshot) -> dict[str, bytes]:
    """Each bulk CSV file exactly as its URL serves it (before gzip), to hash."""
    return {
        "placements.csv": await _body(await get_bulk_placements_csv(snapshot)),
        "countries.csv": await _body(await get_bulk_countries_csv(snapshot)),
        "reports.csv": await _body(await get_bulk_reports_csv(snapshot)),
    }


@router.get("/datapackage.json", summary="Data package describing the downloads")
async def get_datapackage(request: Request, snapshot: SnapshotDep) -> dict[str, Any]:
    """A Frictionless Data package (datapackage.json) describing the bulk files and every field in them, with each
    file's size and sha256 (`bytes`, `hash`), so a newsroom can show which version of the data it used."""
    files = await bulk_files(snapshot)
    version = snapshot.version
    placements = _resource("placements", "placements.csv", PlacementRow, ["year", "iso3"], "Tier placements")
    placements["schema"]["foreignKeys"] = [
        {"fields": "iso3", "reference": {"resource": "countries", "fields": "iso3"}},
        {"fields": "year", "reference": {"resource": "reports", "fields": "year"}},
    ]
    return {
        "profile": "tabular-data-package",
        "name": "tip-tiers",
        "title": "Trafficking in Persons Report tier placements",
        "description": "Tier placements of every country and territory in the U.S. State Department's Trafficking in "
        "Persons Report, every edition from 2001, each with its source and how it is known (`basis`).",
        "version": version,
        "homepage": public(request.app.url_path_for("get_meta")),
        "licenses": [{"name": "other-pd", "title": LICENCE}],
        "sources": [{"title": "U.S. Department of State, Trafficking in Persons Report",
                     "path": "https://www.state.gov/trafficking-in-persons-report/"}],
        "resources": [
            placements | _checksum(files["placements.csv"]),
            _resource("countries", "countries.csv", CountryOut, ["iso3"], "Countries and territories")
            | _checksum(files["countries.csv"]),
            _resource("reports", "reports.csv", ReportOut, ["year"], "Report editions")
            | _checksum(files["reports.csv"]),
        ],
    }  # fmt: skip
