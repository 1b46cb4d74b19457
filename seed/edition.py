"""`python -m seed add-edition YEAR LIST.txt`: a new edition's tier placement list, as printed, into seed/data.

The list is text as it comes out of the report's "Tier Placements" pages or a copy of them: the headings TIER 1,
TIER 2, TIER 2 WATCH LIST, TIER 3 and SPECIAL CASES (any case, trailing colons allowed), each followed by country
names in the report's spelling, one or several per line (columns separated by two or more spaces or a tab), with
footnote marks. Lines starting with # are comments. Every name must resolve through the aliases; nothing is written
unless the whole list is right and the new dataset passes the loader's checks."""

import csv
import datetime
import difflib
import io
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from api.moves import Direction, moves
from api.names import name_key
from api.watchlist import rule_events
from seed.loader import Rows, SeedError, read_dataset

HEADINGS = {"tier 1": "1", "tier 2": "2", "tier 2 watch list": "2WL", "tier 3": "3", "special cases": "SC",
            "special case": "SC"}  # fmt: skip
TIER_NAMES = {"1": "Tier 1", "2": "Tier 2", "2WL": "Tier 2 Watch List", "3": "Tier 3", "SC": "Special Cases"}
PLACEMENT_COLUMNS = ["iso3", "name_in_report", "tier", "basis", "source_url", "note"]
# Footnote marks and bullets that copies of the list carry around names.
MARKS = re.compile(r"^[\s•·*†‡§^¹²³⁴⁵⁶⁷⁸⁹⁰\d.)-]+|[\s*†‡§^¹²³⁴⁵⁶⁷⁸⁹⁰\d]+$")


@dataclass(frozen=True)
class Listed:
    line: int
    name: str
    tier: str
    iso3: str


def edition_page(year: int) -> str:
    return f"https://www.state.gov/reports/{year}-trafficking-in-persons-report/"


def parse(text: str, filename: str, year: int, rows: Rows) -> list[Listed]:
    """Every listed country with its tier; raises SeedError with every `file:line` problem found."""
    names = {key: alias.iso3 for key, alias in rows.aliases.items()}
    spelled = {alias.alias: key for key, alias in rows.aliases.items()}
    errors: list[str] = []
    listed: list[Listed] = []
    tier: str | None = None
    heading_line = 0
    count_under: Counter[str] = Counter()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if (key := name_key(line)) in HEADINGS:
            if tier is not None and not count_under[tier]:
                errors.append(f"{filename}:{heading_line}: {TIER_NAMES[tier]} lists no country")
            tier, heading_line = HEADINGS[key], number
            continue
        for cell in re.split(r"\t|\s{2,}", line):
            name = MARKS.sub("", cell).strip()
            if not name:
                continue
            where = f"{filename}:{number}"
            if tier is None:
                errors.append(f"{where}: {name!r} comes before any tier heading")
                continue
            iso3 = names.get(name_key(name))
            if iso3 is None:
                close = difflib.get_close_matches(name, spelled, n=3, cutoff=0.6)
                close += [n for n in spelled if name_key(name) in name_key(n) and n not in close][:3]
                hint = f"; closest known: {', '.join(close[:5])}" if close else ""
                errors.append(f"{where}: {name!r} is not a known name (add it to aliases.csv if it is right){hint}")
                continue
            country = rows.countries[iso3]
            if not (country.exists_from or year) <= year <= (country.exists_to or year):
                errors.append(f"{where}: {country.name} did not exist in {year}")
                continue
            if twin := next((other for other in listed if other.iso3 == iso3), None):
                errors.append(f"{where}: {country.name} is listed twice (also line {twin.line}, "
                              f"{TIER_NAMES[twin.tier]})")  # fmt: skip
                continue
            listed.append(Listed(number, name, tier, iso3))
            count_under[tier] += 1
    if tier is not None and not count_under[tier]:
        errors.append(f"{filename}:{heading_line}: {TIER_NAMES[tier]} lists no country")
    if not listed and not errors:
        errors.append(f"{filename}: no tier heading and no country found")
    if errors:
        raise SeedError("\n".join(errors))
    return listed


def placements_csv(listed: list[Listed], url: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PLACEMENT_COLUMNS)
    for item in sorted(listed, key=lambda item: item.iso3):
        writer.writerow([item.iso3, item.name, item.tier, "report", url, ""])
    return buffer.getvalue()


def reports_csv(text: str, year: int, released: datetime.date, url: str, listed: list[Listed]) -> str:
    """reports.csv's text with this edition's row added after the editions before it; every other line as it was."""
    counts = Counter(item.tier for item in listed)
    row = [year, year - 2000, released.isoformat(), url, len(listed), counts["1"], counts["2"], counts["2WL"],
           counts["3"], counts["SC"], url, ""]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    lines = text.splitlines(keepends=True)
    at = 1 + sum(1 for line in lines[1:] if line[:4].isdigit() and int(line[:4]) < year)
    return "".join([*lines[:at], buffer.getvalue(), *lines[at:]])


def changes(rows: Rows, year: int, listed: list[Listed]) -> list[str]:
    """What moved from the edition before, and who faces the automatic Watch List downgrade next."""
    before_year = max((y for y in rows.reports if y < year), default=None)
    before = {p.iso3: p.tier for p in rows.placements if p.year == before_year}
    after = {item.iso3: item.tier for item in listed}
    name = {iso3: rows.countries[iso3].name for iso3 in before.keys() | after.keys()}
    moved: dict[Direction, list[str]] = {}
    for iso3, move in sorted(moves(before, after).items(), key=lambda item: name[item[0]]):
        if move is not Direction.UNCHANGED:
            label = f"{name[iso3]} ({before.get(iso3, '-')} -> {after.get(iso3, '-')})"
            moved.setdefault(move, []).append(label)
    lines = [f"compared with {before_year}:" if before_year else "no earlier edition to compare with"]
    for move in (Direction.ENTERED, Direction.LEFT, Direction.UP, Direction.DOWN, Direction.SPECIAL_CASE):
        if moved.get(move):
            lines.append(f"  {move.value.replace('_', ' ')} ({len(moved[move])}): {', '.join(moved[move])}")
    history: dict[str, list[tuple[int, str]]] = {}
    for p in rows.placements:
        if p.year < year:
            history.setdefault(p.iso3, []).append((p.year, p.tier))
    for iso3, tier in after.items():
        history.setdefault(iso3, []).append((year, tier))
    for status, says in (("downgraded", f"downgraded to Tier 3 in {year} after the Watch List years the rule allows"),
                         ("at_risk", f"face the automatic downgrade in {year + 1} unless they move off the Watch "
                                     "List")):  # fmt: skip
        hit = sorted(name[e.iso3] for iso3, h in history.items() for e in rule_events(iso3, h)
                     if e.year == year and e.status == status)  # fmt: skip
        if hit:
            lines.append(f"  {says} ({len(hit)}): {', '.join(hit)}")
    return lines


def add_edition(data_dir: Path, year: int, list_path: Path, released: datetime.date, url: str | None) -> list[str]:
    """Write placements/YEAR.csv and the reports.csv row, then check the whole dataset; return what to print.
    Raises SeedError (nothing written) on any problem. Running it again with the same list changes nothing."""
    rows = read_dataset(data_dir)
    page = url or (rows.reports[year].url if year in rows.reports else edition_page(year))
    text = list_path.read_text(encoding="utf-8")
    listed = parse(text, list_path.name, year, rows)
    target = data_dir / "placements" / f"{year}.csv"
    new_placements = placements_csv(listed, page)
    # An edition already described in reports.csv keeps its row (and its published figures).
    reports_text = (data_dir / "reports.csv").read_text(encoding="utf-8")
    new_reports = reports_text if year in rows.reports else reports_csv(reports_text, year, released, page, listed)
    if target.exists():
        if target.read_text(encoding="utf-8") == new_placements:
            return [f"add-edition: {year} is already in {target}, as this list gives it; nothing changed"]
        raise SeedError(f"placements/{year}.csv: {year} already exists and differs from {list_path.name}; "
                        "correct it by hand (and record the correction) instead")  # fmt: skip
    # Write to a copy, check it with the loader, and only then replace the two files.
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "data"
        shutil.copytree(data_dir, trial)
        (trial / "placements" / f"{year}.csv").write_text(new_placements, encoding="utf-8")
        (trial / "reports.csv").write_text(new_reports, encoding="utf-8")
        read_dataset(trial)
    summary = changes(rows, year, listed)
    target.write_text(new_placements, encoding="utf-8")
    (data_dir / "reports.csv").write_text(new_reports, encoding="utf-8")
    counts = Counter(item.tier for item in listed)
    tally = ", ".join(f"{TIER_NAMES[t]} {counts[t]}" for t in TIER_NAMES if counts[t])
    return [f"add-edition: wrote placements/{year}.csv ({len(listed)} countries: {tally})"
            + ("" if year in rows.reports else " and its row in reports.csv"),
            *summary, "next: python -m seed"]  # fmt: skip
