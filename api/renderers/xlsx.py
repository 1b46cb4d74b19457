"""Excel workbooks: the rows on a first sheet whose header stays in view, every code stored as text (Excel would
turn Namibia's `NA` into nothing and tier `2` into a number), and an "About" sheet with the source, licence, data
version, citation and what each column means."""

import datetime
import io
from typing import Any

import xlsxwriter
from fastapi import Response

from api import citation
from api.v1.render import Context, Format, Table, columns, fields, flat_rows, register

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's own limit on a cell's text; longer notes are cut with a mark rather than refused.
_CELL = 32767


def _cell(value: Any) -> Any:
    """Numbers stay numbers; everything else, codes and dates included, is text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= _CELL else text[: _CELL - 1] + "…"


def _descriptions(table: Table) -> dict[str, str]:
    return {name: info.description or "" for name, info in fields(table.model)}


@register(Format.XLSX, MEDIA_TYPE)
def render_xlsx(table: Table, context: Context) -> Response:
    header = table.columns or columns(table.model)
    buffer = io.BytesIO()
    # In memory, and no URLs or formulas read into cells: a source_url stays a plain string.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_urls": False, "strings_to_formulas": False,
                                        "strings_to_numbers": False})  # fmt: skip
    # The same rows give the same bytes, as a strong ETag promises: the file is dated by the data, not the clock.
    updated = context.snapshot.updated if context.snapshot else None
    book.set_properties({"title": context.filename, "author": "TIP Tiers API",
                         "created": (updated or datetime.datetime(2001, 1, 1)).replace(tzinfo=None)})  # fmt: skip
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    data = book.add_worksheet("Data")
    data.write_row(0, 0, header, bold)
    data.freeze_panes(1, 0)
    widths = [len(name) for name in header]
    count = 0
    for count, row in enumerate(flat_rows(table), 1):
        for column, name in enumerate(header):
            value = _cell(row.get(name))
            if isinstance(value, str):
                data.write_string(count, column, value)
                widths[column] = max(widths[column], min(len(value), 60))
            elif value is not None:
                data.write(count, column, value)
    data.autofilter(0, 0, count, max(len(header) - 1, 0))
    for column, width in enumerate(widths):
        data.set_column(column, column, width + 2)

    about = book.add_worksheet("About")
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 100, wrap)
    snapshot = context.snapshot
    years = snapshot.years if snapshot else []
    version = snapshot.version if snapshot else "none"
    reference = citation.text([citation.dataset_reference(years[0], years[-1], version, context.url, None)]) if years \
        else ""  # fmt: skip
    lines = [
        ("Source", "U.S. Department of State, Trafficking in Persons Report, "
                   "https://www.state.gov/trafficking-in-persons-report/"),
        ("Editions", f"{years[0]}-{years[-1]}" if years else ""),
        ("Data version", version),
        ("This file", context.url or context.filename),
        ("Rows", str(count)),
        ("Licence", citation.LICENCE),
        ("How to cite", reference.strip()),
        ("", ""),
        ("Column", "Meaning"),
    ]  # fmt: skip
    descriptions = _descriptions(table)
    lines += [(name, descriptions.get(name, "")) for name in header]
    for number, (name, text) in enumerate(lines):
        style = bold if name in ("Column",) or number < len(lines) - len(header) - 2 else None
        about.write_string(number, 0, name, style)
        about.write_string(number, 1, text)
    book.close()
    disposition = {"Content-Disposition": f'attachment; filename="{context.filename}"'}
    return Response(buffer.getvalue(), media_type=MEDIA_TYPE, headers=disposition)
