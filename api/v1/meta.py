import json

from fastapi import Request

from api import citation
from api.citation import LICENCE
from api.config import settings
from api.links import public
from api.v1 import derived
from api.v1.params import SnapshotDep
from api.v1.render import Router
from api.v1.schemas import BulkLinks, Citations, Meta, Source

router = Router(tags=["about"])

CITATION = (
    "U.S. Department of State, Trafficking in Persons Report ({first}-{latest} editions), tier placements as "
    "compiled by TIP Tiers API, data version {version}{url}"
)


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
async def get_meta(request: Request, snapshot: SnapshotDep) -> Meta:
    """What this dataset is, which version is loaded, how to cite it, and where to download all of it."""
    years, version = snapshot.years, snapshot.version
    first, latest = (years[0], years[-1]) if years else (None, None)
    docs = public(request.app.url_path_for("swagger_ui_html"))
    # Without a public address there is no URL to cite but the one the reader used.
    home = f", {public('/')}" if settings.public_url else ""
    return Meta(
        name="TIP Tiers API",
        description="Tier placements of every country and territory in the U.S. State Department's Trafficking in "
        "Persons Report, every edition, each with its source and how it is known.",
        data_version=version,
        last_updated=snapshot.updated,
        first_report_year=first,
        latest_report_year=latest,
        reports=len(years),
        placements=len(snapshot.placements),
        countries=len(snapshot.by_country),
        source=Source(
            publisher="U.S. Department of State, Office to Monitor and Combat Trafficking in Persons",
            title="Trafficking in Persons Report",
            url="https://www.state.gov/trafficking-in-persons-report/",
        ),
        licence=LICENCE,
        citation=CITATION.format(first=first, latest=latest, version=version, url=home),
        citations=dataset_citations(first or 0, latest or 0, version),
        changes=derived.data_changes(snapshot),
        bulk=bulk_links(request),
        docs=docs,
    )
