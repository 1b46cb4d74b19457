"""/v1/feed.atom and /v1/meta's `changes`: every edition and every day's corrections, announced; and the bulk
files' checksums in datapackage.json."""

import hashlib

import feedparser
from fastapi.testclient import TestClient


def test_the_feed_is_valid_atom_with_an_entry_per_edition_and_per_day_of_corrections(real_client: TestClient) -> None:
    response = real_client.get("/v1/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml"
    feed = feedparser.parse(response.text)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "TIP Tiers API: changes to the data"
    version = real_client.get("/v1/meta").json()["data_version"]
    assert version in feed.feed.subtitle
    ids = [entry.id for entry in feed.entries]
    assert len(ids) == len(set(ids)) == 25 + 2, "25 editions and two days of corrections"
    edition = next(entry for entry in feed.entries if entry.id.endswith("edition-2025"))
    assert edition.title == "The 2025 edition"
    assert edition.updated.startswith("2025-09-29")
    assert "Tier 3 20" in edition.summary and "Against 2024:" in edition.summary
    assert {link.href for link in edition.links} == {
        "http://testserver/v1/reports/2025",
        "https://www.state.gov/reports/2025-trafficking-in-persons-report/",
    }
    corrections = next(entry for entry in feed.entries if entry.id.endswith("corrections-2026-11-22"))
    assert "Saint Lucia 2016: Tier 2 to Tier 2 Watch List." in corrections.summary
    assert "Kiribati 2009: removed (was Special Case)." in corrections.summary
    dates = [entry.updated for entry in feed.entries]
    assert dates == sorted(dates, reverse=True), "newest first"


def test_meta_lists_the_same_changes(real_client: TestClient) -> None:
    changes = real_client.get("/v1/meta").json()["changes"]
    feed = feedparser.parse(real_client.get("/v1/feed.atom").text)
    assert [c["id"] for c in changes] == [entry.id for entry in feed.entries]
    oldest = changes[-1]
    assert {k: v for k, v in oldest.items() if k != "summary"} == {
        "date": "2001-07-12", "kind": "edition", "title": "The 2001 edition", "url": "http://testserver/v1/reports/2001",
        "source_url": "https://2001-2009.state.gov/g/tip/rls/tiprpt/2001/", "id": "tag:tip-tiers-api,2026:edition-2001",
    }  # fmt: skip
    assert oldest["summary"].startswith("Tier 1 ") and "(82 placed)" in oldest["summary"]


def test_datapackage_gives_each_bulk_files_size_and_sha256(real_client: TestClient) -> None:
    package = real_client.get("/v1/bulk/datapackage.json").json()
    assert [r["path"] for r in package["resources"]] == ["placements.csv", "countries.csv", "reports.csv"]
    for resource in package["resources"]:
        body = real_client.get(f"/v1/bulk/{resource['path']}", headers={"Accept-Encoding": "identity"}).content
        assert resource["bytes"] == len(body)
        assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
