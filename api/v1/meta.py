from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session, col, func, select

from api.config import settings
from api.db import SessionDep
from api.links import public
from api.live import loaded_at
from api.models import Dataset, Placement, Report
from api.v1.schemas import BulkLinks, Meta, Source

router = APIRouter(tags=["about"])

CITATION = (
    "U.S. Department of State, Trafficking in Persons Report ({first}-{latest} editions), tier placements as "
    "compiled by TIP Tiers API, data version {version}{url}"
)
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
        bulk=bulk_links(request),
        docs=docs,
    )
