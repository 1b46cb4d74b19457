"""JSON or CSV, chosen by URL (`.csv`, `?format=csv`) for spreadsheets and scripts that cannot set headers."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from api.errors import InvalidParameter

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_CHUNK = 64 * 1024


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


async def output_format(
    request: Request,
    format: Annotated[
        Format | None,
        Query(
            description="`csv` for a spreadsheet-ready file holding every matching row (no paging); the same as "
            "adding `.csv` to the path or sending `Accept: text/csv`. JSON by default."
        ),
    ] = None,
) -> Format:
    """The URL decides first (`.csv`, then `format`), then the Accept header; JSON when nothing asks for CSV.

    Async, as it does no I/O: FastAPI then runs it on the event loop instead of handing it to a thread."""
    if request.url.path.endswith(".csv"):
        if format is Format.JSON:
            raise InvalidParameter("format", "'json' contradicts the .csv path; drop one of them")
        return Format.CSV
    if format is not None:
        return format
    accept = request.headers.get("accept", "")
    if "text/csv" in accept and "json" not in accept:
        return Format.CSV
    return Format.JSON


FormatDep = Annotated[Format, Depends(output_format)]

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "JSON, or CSV when asked for."}
}


def fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, FieldInfo]]:
    """The CSV columns of a response model: nested objects become `parent_child` columns."""
    found: list[tuple[str, FieldInfo]] = []
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            found += fields(field.annotation, f"{prefix}{name}_")
        else:
            found.append((prefix + name, field))
    return found


def columns(model: type[BaseModel]) -> list[str]:
    return [name for name, _ in fields(model)]


def _flatten(item: BaseModel, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name in type(item).model_fields:
        value = getattr(item, name)
        if isinstance(value, BaseModel):
            flat |= _flatten(value, f"{prefix}{name}_")
        elif isinstance(value, list):
            flat[prefix + name] = "; ".join(str(v) for v in value)
        else:
            flat[prefix + name] = value
    return flat


def csv_rows(items: Iterable[BaseModel]) -> Iterator[dict[str, Any]]:
    return (_flatten(item) for item in items)


def csv_response(header: Sequence[str], rows: Iterable[dict[str, Any]], filename: str) -> StreamingResponse:
    """RFC 4180 CSV with a header row, streamed in chunks; null is an empty cell."""

    def chunks() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            if buffer.tell() > _CHUNK:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return StreamingResponse(
        chunks(), media_type=CSV_MEDIA_TYPE, headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )


def model_csv(model: type[BaseModel], items: Iterable[BaseModel], filename: str) -> StreamingResponse:
    return csv_response(columns(model), csv_rows(items), filename)
