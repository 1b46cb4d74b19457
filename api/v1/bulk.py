import datetime
import hashlib
import types
import typing
from enum import Enum
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from sqlmodel import Session

from api.db import SessionDep
from api.links import public
from api.v1.countries import list_countries
from api.v1.formats import Format, fields
from api.v1.meta import LICENCE, DataVersion
from api.v1.placements import Snapshot, SnapshotDep, snapshot_csv
from api.v1.reports import list_reports
from api.v1.schemas import CountryOut, PlacementRow, ReportOut

router = APIRouter(prefix="/bulk", tags=["bulk downloads"])

_TYPES = {int: "integer", str: "string", float: "number", bool: "boolean", datetime.date: "date"}


@router.get("", summary="The bulk files: every download, at stable URLs")
@router.get("/", include_in_schema=False)
def get_bulk_index(request: Request, version: DataVersion) -> dict[str, Any]:
    """Where each bulk file is, and the data version they hold; `datapackage.json` describes every field and gives
    each file's checksum."""
    names = {"placements.csv": "get_bulk_placements_csv", "placements.json": "get_bulk_placements_json",
             "countries.csv": "get_bulk_countries_csv", "reports.csv": "get_bulk_reports_csv",
             "datapackage.json": "get_datapackage"}  # fmt: skip
    return {
        "files": {name: public(request.app.url_path_for(route)) for name, route in names.items()},
        "data_version": version,
    }


@router.get(
    "/placements.csv",
    summary="Download every placement (CSV)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def get_bulk_placements_csv(snapshot: SnapshotDep) -> Response:
    """The whole dataset as one CSV file: every placement, one row per country per year, at a stable URL."""
    return snapshot_csv(snapshot, range(len(snapshot.rows)), "tip-placements.csv")


@router.get(
    "/placements.json",
    summary="Download every placement (JSON)",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
async def get_bulk_placements_json(snapshot: SnapshotDep) -> Response:
    """The whole dataset as one JSON array of placement rows (the same fields as the CSV), at a stable URL."""
    return Response(b"[" + b",".join(snapshot.json) + b"]", media_type="application/json")


@router.get(
    "/countries.csv",
    summary="Download every country (CSV)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def get_bulk_countries_csv(session: SessionDep, version: DataVersion) -> Response:
    """Every country and territory, with codes, current region and the other names it goes by."""
    response = list_countries(session, version, Format.CSV, region=None, q=None)
    assert isinstance(response, Response)
    return response


@router.get(
    "/reports.csv",
    summary="Download every edition (CSV)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def get_bulk_reports_csv(session: SessionDep, version: DataVersion) -> Response:
    """Every edition with its counts per tier and the totals published at the time."""
    response = list_reports(session, version, Format.CSV)
    assert isinstance(response, Response)
    return response


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


async def bulk_files(session: Session, version: str, snapshot: Snapshot) -> dict[str, bytes]:
    """Each bulk CSV file exactly as its URL serves it (before gzip), to hash."""
    countries = await anyio.to_thread.run_sync(get_bulk_countries_csv, session, version)
    reports = await anyio.to_thread.run_sync(get_bulk_reports_csv, session, version)
    return {
        "placements.csv": await _body(await get_bulk_placements_csv(snapshot)),
        "countries.csv": await _body(countries),
        "reports.csv": await _body(reports),
    }


@router.get("/datapackage.json", summary="Data package describing the downloads")
async def get_datapackage(
    request: Request, session: SessionDep, version: DataVersion, snapshot: SnapshotDep
) -> dict[str, Any]:
    """A Frictionless Data package (datapackage.json) describing the bulk files and every field in them, with each
    file's size and sha256 (`bytes`, `hash`), so a newsroom can show which version of the data it used."""
    files = await bulk_files(session, version, snapshot)
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
