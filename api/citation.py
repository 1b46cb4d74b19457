"""References to the report's pages and to this dataset, in the four styles reference managers and writers use:
plain text, BibTeX, CSL-JSON (what Zotero and Pandoc read) and RIS. Shared by /v1/cite and /v1/meta."""

import datetime
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

AUTHOR = "U.S. Department of State"
PLACE = "Washington, DC"
DATASET = "TIP Tiers API: Trafficking in Persons Report tier placements"
LICENCE = (
    "The Trafficking in Persons Report is a work of the U.S. Government and is in the public domain in the United "
    "States (17 U.S.C. 105). This compilation adds provenance, codes and corrections and is offered under the same "
    "terms; cite the report and this dataset's version."
)


class Style(StrEnum):
    TEXT = "text"
    BIBTEX = "bibtex"
    CSL_JSON = "csl-json"
    RIS = "ris"


MEDIA_TYPES = {
    Style.TEXT: "text/plain; charset=utf-8",
    Style.BIBTEX: "application/x-bibtex; charset=utf-8",
    Style.CSL_JSON: "application/vnd.citationstyles.csl+json",
    Style.RIS: "application/x-research-info-systems; charset=utf-8",
}


FILE_NAMES = {Style.TEXT: "references.txt", Style.BIBTEX: "references.bib", Style.CSL_JSON: "references.json",
              Style.RIS: "references.ris"}  # fmt: skip


@dataclass(frozen=True)
class Reference:
    """One work: a country's chapter in an edition, an edition as a whole, or a version of this dataset."""

    key: str
    kind: str  # "chapter", "edition" or "dataset"
    title: str
    url: str
    accessed: datetime.date | None
    issued: datetime.date | None = None
    container: str | None = None  # the edition a chapter is in
    version: str | None = None


def edition_title(year: int) -> str:
    return f"{year} Trafficking in Persons Report"


def report_reference(year: int, released: datetime.date, url: str, chapter: str | None, iso3: str | None,
                     accessed: datetime.date | None) -> Reference:  # fmt: skip
    """The State Department's page: a country's chapter when `chapter` names it, else the edition."""
    if chapter is None:
        return Reference(f"usdos-tip-{year}", "edition", edition_title(year), url, accessed, released)
    return Reference(f"usdos-tip-{year}-{(iso3 or '').lower()}", "chapter", chapter, url, accessed, released,
                     container=edition_title(year))  # fmt: skip


def dataset_reference(first: int, latest: int, version: str, url: str, accessed: datetime.date | None) -> Reference:
    return Reference(f"tip-tiers-{version}", "dataset", f"{DATASET}, {first}-{latest} editions", url, accessed,
                     version=version)  # fmt: skip


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _accessed(day: datetime.date | None) -> str:
    return f" (accessed {_long_date(day)})" if day else ""


def text(refs: Iterable[Reference]) -> str:
    """One reference per line, in the style of the issue's example (Chicago-like notes)."""
    lines = []
    for r in refs:
        if r.kind == "dataset":
            where = f", {r.url}" if r.url else ""
            lines.append(f"{r.title}, data version {r.version}{_accessed(r.accessed)}{where}.")
            continue
        published = f"({PLACE}, {_long_date(r.issued)})" if r.issued else f"({PLACE})"
        title = f'"{r.title}," {r.container}' if r.kind == "chapter" else r.title
        lines.append(f"{AUTHOR}, {title} {published}, {r.url}{_accessed(r.accessed)}.")
    return "\n".join(lines) + "\n"


_BIBTEX_SPECIAL = re.compile(r"([{}%&#_$\\])")


def _bib(value: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: "\\" + m.group(1) if m.group(1) != "\\" else r"\textbackslash{}", value)


def bibtex(refs: Iterable[Reference]) -> str:
    entries = []
    for r in refs:
        fields: list[tuple[str, str]] = []
        if r.kind == "dataset":
            kind = "misc"
            fields += [("title", _bib(r.title)), ("version", _bib(r.version or ""))]
        else:
            kind = "incollection" if r.kind == "chapter" else "techreport"
            fields += [("author", "{" + AUTHOR + "}"), ("title", _bib(r.title))]
            if r.container:
                fields += [("booktitle", _bib(r.container)), ("publisher", AUTHOR)]
            else:
                fields += [("institution", AUTHOR)]
            fields += [("address", PLACE)]
        if r.issued:
            fields += [("year", str(r.issued.year)), ("date", r.issued.isoformat())]
        if r.url:
            fields += [("url", r.url)]
        if r.accessed:
            fields += [("urldate", r.accessed.isoformat())]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{kind}{{{r.key},\n{body}\n}}\n")
    return "\n".join(entries)


def _date_parts(day: datetime.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_json(refs: Iterable[Reference]) -> str:
    items = []
    for r in refs:
        item: dict[str, object] = {
            "id": r.key,
            "type": {"chapter": "chapter", "edition": "report", "dataset": "dataset"}[r.kind],
            "title": r.title,
        }
        if r.accessed:
            item["accessed"] = _date_parts(r.accessed)
        if r.kind != "dataset":
            item |= {"author": [{"literal": AUTHOR}], "publisher": AUTHOR, "publisher-place": PLACE}
        if r.container:
            item["container-title"] = r.container
        if r.issued:
            item["issued"] = _date_parts(r.issued)
        if r.version:
            item["version"] = r.version
        if r.url:
            item["URL"] = r.url
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def ris(refs: Iterable[Reference]) -> str:
    """RIS tags, one per line ("TY  - CHAP"), each record closed by "ER  - "; CRLF line ends as the format has it."""
    records = []
    for r in refs:
        tags = [("TY", {"chapter": "CHAP", "edition": "RPRT", "dataset": "DATA"}[r.kind])]
        if r.kind != "dataset":
            tags += [("AU", AUTHOR)]
        tags += [("TI", r.title)]
        if r.container:
            tags += [("T2", r.container)]
        if r.kind != "dataset":
            tags += [("PB", AUTHOR), ("CY", PLACE)]
        if r.issued:
            tags += [("PY", str(r.issued.year)), ("DA", r.issued.strftime("%Y/%m/%d"))]
        if r.version:
            tags += [("ET", r.version)]
        if r.url:
            tags += [("UR", r.url)]
        if r.accessed:
            tags += [("Y2", r.accessed.strftime("%Y/%m/%d"))]
        tags += [("ID", r.key), ("ER", "")]
        records.append("".join(f"{tag}  - {value}\r\n" for tag, value in tags))
    return "".join(records)


RENDER: dict[Style, Callable[[Iterable[Reference]], str]] = {
    Style.TEXT: text,
    Style.BIBTEX: bibtex,
    Style.CSL_JSON: csl_json,
    Style.RIS: ris,
}
