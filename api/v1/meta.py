import datetime
import json
from collections import Counter, defaultdict
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session, col, func, select

from api import citation
from api.config import settings
from api.db import SessionDep
from api.links import public
from api.live import loaded_at
from api.models import Correction, Country, Dataset, Placement, Report, Tier
from api.moves import Direction, moves
from api.v1.schemas import BulkLinks, Citations, DataChange, Meta, Source

router = APIRouter(tags=["about"])

CITATION = (
    "U.S. Department of State, Trafficking in Persons Report ({first}-{latest} editions), tier placements as "
    "compiled by TIP Tiers API, data version {version}{url}"
)
FEED_TAG = "tag:tip-tiers-api,2026:"
LICENCE = (
    "The Trafficking in Persons Report is a work of the U.S. Government and is in the public domain in the United "
    "States (17 U.S.C. 105). This compilation adds provenance, codes and corrections and is offered under the same "
    "terms; cite the report and this dataset's version."
)


def current_version(session: Session) -> str:
    """The loaded data version, or "none" before the first seed."""
    return session.exec(select(Dataset.version)).first() or "none"


def data_version(request: Request, session: SessionDep) -> str:
    """Read once per request; the caching layer turns it into ETag and Last-Modified."""
    dataset = session.get(Dataset, 1)
    if dataset is None:
        return "none"
    request.state.data_version = dataset.version
    request.state.last_modified = loaded_at(dataset)
    return dataset.version


DataVersion = Annotated[str, Depends(data_version)]


def bulk_links(request: Request) -> BulkLinks:
    def link(name: str) -> str:
        return public(request.app.url_path_for(name))

    return BulkLinks(
        placements_csv=link("get_bulk_placements_csv"),
        placements_json=link("get_bulk_placements_json"),
        countries_csv=link("get_bulk_countries_csv"),
        reports_csv=link("get_bulk_reports_csv"),
        datapackage=link("get_datapackage"),
    )


def data_changes(session: Session) -> list[DataChange]:
    """What changed in the data and when, newest first: each edition added, and each day's corrections."""
    names = dict(session.exec(select(Country.iso3, Country.name)).all())
    labels = dict(session.exec(select(Tier.code, Tier.label).order_by(col(Tier.sort_order))).all())
    tiers: dict[int, dict[str, str]] = defaultdict(dict)
    for year, iso3, tier in session.exec(select(Placement.year, Placement.iso3, Placement.tier)):
        tiers[year][iso3] = tier
    changes: list[DataChange] = []
    previous: int | None = None
    for report in session.exec(select(Report).order_by(col(Report.year))):
        now = tiers[report.year]
        counts = Counter(now.values())
        summary = [", ".join(f"{labels[t]} {counts[t]}" for t in labels if counts[t]) + f" ({len(now)} placed)."]
        if previous is not None:
            moved = Counter(moves(tiers[previous], now).values())
            summary.append(
                f"Against {previous}: {moved[Direction.UP]} up, {moved[Direction.DOWN]} down, "
                f"{moved[Direction.ENTERED]} entered, {moved[Direction.LEFT]} left."
            )
        changes.append(
            DataChange(
                date=report.release_date, kind="edition", title=f"The {report.year} edition",
                summary=" ".join(summary), url=public(f"/v1/reports/{report.year}"), source_url=report.url,
                id=f"{FEED_TAG}edition-{report.year}",
            )
        )  # fmt: skip
        previous = report.year
    by_day: dict[datetime.date, list[Correction]] = defaultdict(list)
    for correction in session.exec(select(Correction).order_by(col(Correction.date), col(Correction.year))):
        by_day[correction.date].append(correction)
    for day, corrections in by_day.items():
        lines = [
            f"{names[c.iso3]} {c.year}: "
            + (f"{labels[c.old_value or '']} to {labels[c.new_value or '']}" if c.field == "tier"
               else f"added on {labels[c.new_value]}" if c.new_value else f"removed (was {labels[c.old_value or '']})")
            + "."
            for c in corrections
        ]  # fmt: skip
        changes.append(
            DataChange(
                date=day, kind="corrections", title=f"{len(corrections)} correction{'s' * (len(corrections) > 1)}",
                summary=" ".join(lines), url=public("/v1/corrections"), source_url=None,
                id=f"{FEED_TAG}corrections-{day.isoformat()}",
            )
        )  # fmt: skip
    changes.sort(key=lambda change: (change.date, change.kind), reverse=True)
    return changes


def dataset_citations(first: int, latest: int, version: str) -> Citations:
    """The dataset in /v1/cite's four styles, without an access date (the reader's own), so this stays cacheable."""
    url = public("/") if settings.public_url else ""
    refs = [citation.dataset_reference(first, latest, version, url, None)]
    return Citations(
        text=citation.text(refs).strip(),
        bibtex=citation.bibtex(refs),
        csl_json=json.loads(citation.csl_json(refs)),
        ris=citation.ris(refs),
    )


@router.get("/meta", summary="About the data: version, source, licence, citation")
def get_meta(request: Request, session: SessionDep, version: DataVersion) -> Meta:
    """What this dataset is, which version is loaded, how to cite it, and where to download all of it."""
    first, latest = session.exec(select(func.min(Report.year), func.max(Report.year))).one()
    placements = session.exec(select(func.count()).select_from(Placement)).one()
    docs = public(request.app.url_path_for("swagger_ui_html"))
    # Without a public address there is no URL to cite but the one the reader used.
    home = f", {public('/')}" if settings.public_url else ""
    return Meta(
        name="TIP Tiers API",
        description="Tier placements of every country and territory in the U.S. State Department's Trafficking in "
        "Persons Report, every edition, each with its source and how it is known.",
        data_version=version,
        last_updated=getattr(request.state, "last_modified", None),
        first_report_year=first,
        latest_report_year=latest,
        reports=session.exec(select(func.count()).select_from(Report)).one(),
        placements=placements,
        countries=session.exec(select(func.count(func.distinct(col(Placement.iso3))))).one(),
        source=Source(
            publisher="U.S. Department of State, Office to Monitor and Combat Trafficking in Persons",
            title="Trafficking in Persons Report",
            url="https://www.state.gov/trafficking-in-persons-report/",
        ),
        licence=LICENCE,
        citation=CITATION.format(first=first, latest=latest, version=version, url=home),
        citations=dataset_citations(first, latest, version),
        changes=data_changes(session),
        bulk=bulk_links(request),
        docs=docs,
    )
