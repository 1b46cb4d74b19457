"""CSV (RFC 4180) with a header row, for spreadsheets and scripts; null is an empty cell."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from fastapi import Response
from fastapi.responses import StreamingResponse

from api.v1.render import Context, Format, Table, columns, flat_rows, register

MEDIA_TYPE = "text/csv; charset=utf-8"
_CHUNK = 64 * 1024


def lines(header: Sequence[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The header line, then one line per row, in chunks of about 64 kB."""
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


def _disposition(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'inline; filename="{filename}"'}


@register(Format.CSV, MEDIA_TYPE)
def render_csv(table: Table, context: Context) -> Response:
    filename = context.filename
    header = table.columns or columns(table.model)
    if table.csv_lines is not None:
        body = next(lines(header, ())) + "".join(table.csv_lines)
        return Response(body, media_type=MEDIA_TYPE, headers=_disposition(filename))
    return StreamingResponse(lines(header, flat_rows(table)), media_type=MEDIA_TYPE, headers=_disposition(filename))
