"""Validate every seed file, then replace the database contents in one transaction."""

import csv
import datetime
import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, delete
from sqlmodel import Session, select

import migrations
from api.models import Correction, CountryAlias, CoverageGap, Dataset, Placement, Region, Report, Tier
from api.models import Country as CountryRow
from api.names import name_key

DATA_DIR = Path(__file__).parent / "data"
MIGRATIONS_DIR = Path(migrations.__file__).parent
BASES = {"report", "secondary", "derived"}
KINDS = {"sovereign", "territory", "historic"}
URL = re.compile(r"^https?://\S+$")
# Raise when the loader derives new columns from the same files: the data version, caches and ETags then change.
FORMAT = 2
SOURCE_CLASSES = range(1, 7)
# Editions from 2017 have one page per country chapter at www.state.gov/reports/<folder>/<slug>/; the 2019 edition's
# folder carries a "-2" on most stored copies (a few are at the plain folder, which the slug table's evidence keeps).
CHAPTERS_FROM = 2017
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CHAPTER = re.compile(
    r"/reports/(?P<folder>(?P<year>\d{4})-trafficking-in-persons-report(?:-2)?)/(?P<slug>[a-z0-9-]+)/?"
)
# Before 2017, a country's page in an edition on the archive hosts, e.g. 2009-2017.state.gov/j/tip/rls/tiprpt/
# countries/2015/243430.htm; only a row's own stored source confirms one.
ARCHIVED_CHAPTER = re.compile(r"/j/tip/rls/tiprpt/countries/(?P<year>\d{4})/\d+\.htm")


class SeedError(Exception):
    """Raised with every problem found, each as `file:line: message`."""


@dataclass
class Rows:
    """What the files hold, validated, ready to insert; `errors` collects problems instead of stopping at the first."""

    data_dir: Path
    errors: list[str] = field(default_factory=list)
    regions: dict[str, Region] = field(default_factory=dict)
    tiers: dict[str, Tier] = field(default_factory=dict)
    countries: dict[str, CountryRow] = field(default_factory=dict)
    former_regions: dict[str, tuple[str, int]] = field(default_factory=dict)
    aliases: dict[str, CountryAlias] = field(default_factory=dict)
    reports: dict[int, Report] = field(default_factory=dict)
    placements: list[Placement] = field(default_factory=list)
    gaps: list[CoverageGap] = field(default_factory=list)
    source_classes: dict[str, int] = field(default_factory=dict)
    slugs: dict[str, list[tuple[int, int, str, str]]] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)

    def read(self, name: str, columns: list[str]) -> Iterator[tuple[str, dict[str, str]]]:
        """Yield (`file:line`, row) for each data row, after checking the header."""
        path = self.data_dir / name
        if not path.is_file():
            self.errors.append(f"{name}: file is missing")
            return
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames != columns:
                self.errors.append(
                    f"{name}:1: header must be {','.join(columns)}, not {','.join(reader.fieldnames or [])}"
                )
                return
            for row in reader:
                where = f"{name}:{reader.line_num}"
                if None in row or any(v is None for v in row.values()):
                    self.errors.append(f"{where}: expected {len(columns)} fields")
                    continue
                yield where, {k: v.strip() for k, v in row.items()}

    def check(self, ok: bool, where: str, message: str) -> bool:
        if not ok:
            self.errors.append(f"{where}: {message}")
        return ok

    def date(self, value: str, where: str, column: str) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.errors.append(f"{where}: {column} {value!r} is not YYYY-MM-DD")
            return None

    def number(self, value: str, where: str, column: str, *, required: bool = True) -> int | None:
        if not value and not required:
            return None
        if not re.fullmatch(r"\d{1,4}", value):
            self.errors.append(f"{where}: {column} must be a whole number, not {value!r}")
            return None
        return int(value)


def _reference(rows: Rows, name: str, target: dict[str, Any], model: Callable[..., Any], text_column: str) -> None:
    for where, r in rows.read(name, ["code", "label", "sort_order", text_column]):
        order = rows.number(r["sort_order"], where, "sort_order")
        if rows.check(bool(r["code"]) and r["code"] not in target, where, f"code {r['code']!r} is empty or repeated"):
            target[r["code"]] = model(
                code=r["code"], label=r["label"], sort_order=order or 0, **{text_column: r[text_column]}
            )


def _countries(rows: Rows) -> None:
    columns = ["iso3", "iso2", "name", "kind", "region", "former_region", "region_since", "exists_from", "exists_to"]
    iso2s: set[str] = set()
    for where, r in rows.read("countries.csv", columns):
        ok = rows.check(
            re.fullmatch(r"[A-Z]{3}", r["iso3"]) is not None, where, f"iso3 {r['iso3']!r} is not 3 capitals"
        )
        ok &= rows.check(r["iso3"] not in rows.countries, where, f"iso3 {r['iso3']} is repeated")
        ok &= rows.check(
            re.fullmatch(r"[A-Z]{2}", r["iso2"]) is not None and r["iso2"] not in iso2s,
            where,
            f"iso2 {r['iso2']!r} is not 2 capitals or is repeated",
        )
        ok &= rows.check(r["kind"] in KINDS, where, f"kind {r['kind']!r} is not one of {sorted(KINDS)}")
        ok &= rows.check(r["region"] in rows.regions, where, f"region {r['region']!r} is unknown")
        ok &= rows.check(bool(r["name"]), where, "name is empty")
        exists_from = rows.number(r["exists_from"], where, "exists_from", required=False)
        exists_to = rows.number(r["exists_to"], where, "exists_to", required=False)
        if r["former_region"] or r["region_since"]:
            since = rows.number(r["region_since"], where, "region_since")
            ok &= rows.check(
                r["former_region"] in rows.regions and since is not None,
                where,
                "former_region needs a known region and a region_since year",
            )
            if ok and since is not None:
                rows.former_regions[r["iso3"]] = (r["former_region"], since)
        if ok:
            iso2s.add(r["iso2"])
            rows.countries[r["iso3"]] = CountryRow(
                iso3=r["iso3"],
                iso2=r["iso2"],
                name=r["name"],
                kind=r["kind"],
                region=r["region"],
                exists_from=exists_from,
                exists_to=exists_to,
            )
    for country in rows.countries.values():
        rows.aliases[name_key(country.name)] = CountryAlias(
            key=name_key(country.name), alias=country.name, iso3=country.iso3
        )


def _aliases(rows: Rows) -> None:
    for where, r in rows.read("aliases.csv", ["iso3", "alias"]):
        key = name_key(r["alias"])
        if not rows.check(r["iso3"] in rows.countries, where, f"iso3 {r['iso3']!r} is not in countries.csv"):
            continue
        taken = rows.aliases.get(key)
        if rows.check(
            key != "" and taken is None,
            where,
            f"alias {r['alias']!r} is empty or already names {taken.iso3 if taken else ''}",
        ):
            rows.aliases[key] = CountryAlias(key=key, alias=r["alias"], iso3=r["iso3"])


def _reports(rows: Rows) -> None:
    counts = [
        "countries_covered",
        "published_tier_1",
        "published_tier_2",
        "published_tier_2wl",
        "published_tier_3",
        "published_special_case",
    ]
    columns = ["year", "edition", "release_date", "url", *counts, "published_source", "note"]
    for where, r in rows.read("reports.csv", columns):
        year = rows.number(r["year"], where, "year")
        edition = rows.number(r["edition"], where, "edition")
        released = rows.date(r["release_date"], where, "release_date")
        if released is None:
            continue
        figures = {c: rows.number(r[c], where, c, required=False) for c in counts}
        if year is None or edition is None:
            continue
        if rows.check(year not in rows.reports, where, f"year {year} is repeated") and rows.check(
            URL.match(r["url"]) is not None, where, f"url {r['url']!r} is not an http(s) URL"
        ):
            rows.reports[year] = Report(
                year=year,
                edition=edition,
                release_date=released,
                url=r["url"],
                published_source=r["published_source"] or None,
                note=r["note"] or None,
                **figures,
            )


def source_class(url: str, table: dict[str, int]) -> int | None:
    """The class of the longest entry of source_classes.csv that is the URL's host, a parent domain of it, or a
    prefix of its host and path."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    labels = host.split(".")
    domains = (".".join(labels[i:]) for i in range(len(labels)))
    full = host + parts.path
    candidates = [*domains, *(full[:end] for end in range(1, len(full) + 1))]
    matches = [(len(key), table[key]) for key in candidates if key in table]
    return max(matches)[1] if matches else None


def _source_classes(rows: Rows) -> None:
    for where, r in rows.read("source_classes.csv", ["prefix", "class", "name", "note"]):
        klass = rows.number(r["class"], where, "class")
        ok = rows.check(klass in SOURCE_CLASSES, where, f"class {r['class']!r} is not 1 to 6")
        ok &= rows.check(bool(r["name"]), where, "name is empty")
        prefix = r["prefix"]
        ok &= rows.check(
            bool(prefix) and prefix.split("/")[0].islower() and prefix not in rows.source_classes,
            where,
            f"prefix {prefix!r} is empty, repeated or its host not lower case",
        )
        if ok and klass is not None:
            rows.source_classes[prefix] = klass


def _report_slugs(rows: Rows) -> None:
    for where, r in rows.read("report_slugs.csv", ["iso3", "year_from", "year_to", "slug", "evidence_url"]):
        first = rows.number(r["year_from"], where, "year_from")
        last = rows.number(r["year_to"], where, "year_to")
        evidence = urlsplit(r["evidence_url"])
        ok = rows.check(r["iso3"] in rows.countries, where, f"iso3 {r['iso3']!r} is not in countries.csv")
        ok &= rows.check(SLUG.fullmatch(r["slug"]) is not None, where, f"slug {r['slug']!r} is not a-z, 0-9 and -")
        ok &= rows.check(
            first is not None and last is not None and CHAPTERS_FROM <= first <= last,
            where,
            f"years must run from {CHAPTERS_FROM} on, year_from <= year_to",
        )
        chapter = CHAPTER.fullmatch(evidence.path)
        ok &= rows.check(
            evidence.scheme == "https" and (evidence.hostname or "").endswith("state.gov") and chapter is not None
            and chapter["slug"] == r["slug"],
            where,
            "evidence_url must be a State Department chapter address of this slug",
        )  # fmt: skip
        if not ok or first is None or last is None:
            continue
        taken = rows.slugs.setdefault(r["iso3"], [])
        if rows.check(
            all(last < a or b < first for a, b, _, _ in taken), where, f"{r['iso3']} has two slugs for one year"
        ):
            taken.append((first, last, r["slug"], r["evidence_url"]))


def report_url(rows: Rows, year: int, iso3: str, source_url: str) -> tuple[str, str]:
    """The State Department's page for this country in this edition, and its scope: `country` where a stored copy
    confirms the address (the row's own source, or the slug table), else `edition` (the edition's own page)."""
    source = urlsplit(source_url)
    on_state_gov = (source.hostname or "").endswith("state.gov")
    chapter = CHAPTER.fullmatch(source.path)
    if on_state_gov and chapter and int(chapter["year"]) == year and "__trashed" not in chapter["slug"]:
        return f"https://www.state.gov/reports/{chapter['folder']}/{chapter['slug']}/", "country"
    archived = ARCHIVED_CHAPTER.fullmatch(source.path)
    if on_state_gov and archived and int(archived["year"]) == year:
        return source_url, "country"
    for first, last, slug, evidence in rows.slugs.get(iso3, []):
        if first <= year <= last:
            seen = CHAPTER.fullmatch(urlsplit(evidence).path)
            same_edition = seen is not None and int(seen["year"]) == year
            folder = seen["folder"] if seen and same_edition else f"{year}-trafficking-in-persons-report"
            if year == 2019 and not same_edition:
                folder += "-2"
            return f"https://www.state.gov/reports/{folder}/{slug}/", "country"
    return rows.reports[year].url, "edition"


def _placements(rows: Rows) -> None:
    columns = ["iso3", "name_in_report", "tier", "basis", "source_url", "note"]
    for path in sorted((rows.data_dir / "placements").glob("*.csv")):
        name = f"placements/{path.name}"
        year = int(path.stem) if path.stem.isdigit() else None
        if not rows.check(year in rows.reports, name, "file name must be the year of a report in reports.csv"):
            continue
        assert year is not None
        seen: set[str] = set()
        for where, r in rows.read(name, columns):
            country = rows.countries.get(r["iso3"])
            ok = rows.check(country is not None, where, f"iso3 {r['iso3']!r} is not in countries.csv")
            ok &= rows.check(r["iso3"] not in seen, where, f"{r['iso3']} is placed twice in {year}")
            ok &= rows.check(r["tier"] in rows.tiers, where, f"tier {r['tier']!r} is not one of {sorted(rows.tiers)}")
            ok &= rows.check(r["basis"] in BASES, where, f"basis {r['basis']!r} is not one of {sorted(BASES)}")
            ok &= rows.check(URL.match(r["source_url"]) is not None, where, "source_url is not an http(s) URL")
            ok &= rows.check(bool(r["name_in_report"]), where, "name_in_report is empty")
            klass = source_class(r["source_url"], rows.source_classes)
            ok &= rows.check(klass is not None, where, "source_url's site is not in source_classes.csv")
            if country is not None:
                ok &= rows.check(
                    (country.exists_from or year) <= year <= (country.exists_to or year),
                    where,
                    f"{country.name} did not exist in {year} (exists_from/exists_to in countries.csv)",
                )
            if not ok or country is None or klass is None:
                continue
            seen.add(r["iso3"])
            official, scope = report_url(rows, year, r["iso3"], r["source_url"])
            former = rows.former_regions.get(r["iso3"])
            region = former[0] if former and year < former[1] else country.region
            rows.placements.append(
                Placement(
                    year=year,
                    iso3=r["iso3"],
                    tier=r["tier"],
                    name_in_report=r["name_in_report"],
                    region=region,
                    basis=r["basis"],
                    source_url=r["source_url"],
                    source_class=klass,
                    report_url=official,
                    report_url_scope=scope,
                    note=r["note"] or None,
                )
            )


def _gaps(rows: Rows) -> None:
    placed = {(p.year, p.iso3) for p in rows.placements}
    for where, r in rows.read("gaps.csv", ["year", "iso3", "note"]):
        year = rows.number(r["year"], where, "year")
        ok = rows.check(year in rows.reports, where, f"year {r['year']!r} has no report")
        ok &= rows.check(r["iso3"] in rows.countries, where, f"iso3 {r['iso3']!r} is not in countries.csv")
        ok &= rows.check((year, r["iso3"]) not in placed, where, f"{r['iso3']} is placed in {year}, so it is no gap")
        ok &= rows.check(bool(r["note"]), where, "note is empty")
        if ok and year is not None:
            rows.gaps.append(CoverageGap(year=year, iso3=r["iso3"], note=r["note"]))


CORRECTED_FIELDS = {"tier", "placement"}


def _corrections(rows: Rows) -> None:
    """Each correction must be well formed and true of the data: the latest one of a row names its current value."""
    columns = ["date", "year", "iso3", "field", "old_value", "new_value", "reason", "evidence_url"]
    placed = {(p.year, p.iso3): p.tier for p in rows.placements}
    latest: dict[tuple[int, str], tuple[str, Correction]] = {}
    for where, r in rows.read("corrections.csv", columns):
        year = rows.number(r["year"], where, "year")
        date = rows.date(r["date"], where, "date")
        if date is None:
            continue
        old, new = r["old_value"] or None, r["new_value"] or None
        ok = rows.check(year in rows.reports, where, f"year {r['year']!r} has no report")
        ok &= rows.check(r["iso3"] in rows.countries, where, f"iso3 {r['iso3']!r} is not in countries.csv")
        ok &= rows.check(r["field"] in CORRECTED_FIELDS, where, f"field {r['field']!r} is not one of "
                         f"{sorted(CORRECTED_FIELDS)}")  # fmt: skip
        ok &= rows.check(all(v is None or v in rows.tiers for v in (old, new)), where, "values must be tier codes")
        ok &= rows.check(
            (old is not None and new is not None and old != new)
            if r["field"] == "tier"
            else (old is None) != (new is None),
            where,
            "a tier correction needs two different tiers; a placement one exactly one (added or removed)",
        )
        ok &= rows.check(bool(r["reason"]), where, "reason is empty")
        ok &= rows.check(URL.match(r["evidence_url"]) is not None, where, "evidence_url is not an http(s) URL")
        if ok and year is not None:
            correction = Correction(date=date, year=year, iso3=r["iso3"], field=r["field"], old_value=old,
                                    new_value=new, reason=r["reason"], evidence_url=r["evidence_url"])  # fmt: skip
            rows.corrections.append(correction)
            latest[(year, r["iso3"])] = (where, correction)
    for (year, iso3), (where, correction) in latest.items():
        rows.check(
            placed.get((year, iso3)) == correction.new_value,
            where,
            f"{iso3} {year} is {placed.get((year, iso3)) or 'not placed'} in placements/{year}.csv, "
            f"not {correction.new_value or 'removed'} as this correction says",
        )


def read_dataset(data_dir: str | Path = DATA_DIR) -> Rows:
    """Parse and check every file; raise SeedError listing every problem, or return rows ready to insert."""
    rows = Rows(Path(data_dir))
    _reference(rows, "regions.csv", rows.regions, Region, "description")
    _reference(rows, "tiers.csv", rows.tiers, Tier, "definition")
    _countries(rows)
    _aliases(rows)
    _reports(rows)
    _source_classes(rows)
    _report_slugs(rows)
    _placements(rows)
    _gaps(rows)
    _corrections(rows)
    if rows.errors:
        raise SeedError("\n".join(rows.errors))
    return rows


def data_version(data_dir: str | Path = DATA_DIR) -> str:
    """A digest of every data file and of what the loader makes of them (FORMAT), so the same files always give
    the same version, and a loader that adds fields to every row gives a new one."""
    root = Path(data_dir)
    digest = hashlib.sha256(f"format {FORMAT}\0".encode())
    for path in sorted(root.rglob("*.csv")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def migrate(engine: Engine, revision: str = "head", *, downgrade: bool = False) -> None:
    """Run the Alembic migrations up (or down) to `revision` on this engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if downgrade else command.upgrade)(config, revision)


def load(engine: Engine, data_dir: str | Path = DATA_DIR, *, force: bool = False) -> tuple[str, bool]:
    """Migrate, then replace all data in one transaction; return (version, whether anything was loaded)."""
    rows = read_dataset(data_dir)
    version = data_version(data_dir)
    if engine.dialect.name == "sqlite":
        # Write-ahead logging lets a running server read the old version while the new one is written.
        with closing(engine.raw_connection()) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
    migrate(engine)
    with Session(engine) as session:
        current = session.exec(select(Dataset.version)).first()
        if current == version and not force:
            return version, False
        # Children first, so foreign keys hold at every step of the one transaction.
        for model in (Correction, Placement, CoverageGap, CountryAlias, Dataset, Report, CountryRow, Tier, Region):
            session.exec(delete(model))
        for group in (rows.regions.values(), rows.tiers.values(), rows.countries.values(), rows.reports.values()):
            session.add_all(group)
            session.flush()
        session.add_all([*rows.aliases.values(), *rows.placements, *rows.gaps, *rows.corrections])
        session.add(Dataset(version=version, loaded_at=datetime.datetime.now(datetime.UTC)))
        session.commit()
    return version, True
