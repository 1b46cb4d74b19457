from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from fastapi.testclient import TestClient

from seed.loader import data_version


def test_meta_says_version_source_licence_citation_and_bulk_links(client: TestClient, fixture_dir: Path) -> None:
    response = client.get("/v1/meta")
    assert response.status_code == 200
    body = response.json()
    version = data_version(fixture_dir)
    assert body["data_version"] == version
    assert body["last_updated"].endswith("Z")
    assert (body["first_report_year"], body["latest_report_year"], body["reports"]) == (2005, 2010, 3)
    assert (body["placements"], body["countries"]) == (11, 5)
    assert body["source"]["url"] == "https://www.state.gov/trafficking-in-persons-report/"
    assert "public domain" in body["licence"]
    assert version in body["citation"] and "2005-2010" in body["citation"]
    assert body["bulk"] == {
        "placements_csv": "http://testserver/v1/bulk/placements.csv",
        "placements_json": "http://testserver/v1/bulk/placements.json",
        "countries_csv": "http://testserver/v1/bulk/countries.csv",
        "reports_csv": "http://testserver/v1/bulk/reports.csv",
        "datapackage": "http://testserver/v1/bulk/datapackage.json",
    }
    for url in body["bulk"].values():
        assert client.get(url).status_code == 200


def test_meta_last_updated_is_the_last_modified_header(client: TestClient) -> None:
    response = client.get("/v1/meta")
    last_updated = datetime.fromisoformat(response.json()["last_updated"]).replace(microsecond=0)
    assert parsedate_to_datetime(response.headers["last-modified"]) == last_updated
