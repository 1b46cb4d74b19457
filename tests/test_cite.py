"""/v1/cite on the real data, each style read back by the parsers reference managers use."""

import json

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from fastapi.testclient import TestClient

PHILIPPINES_2025 = "https://www.state.gov/reports/2025-trafficking-in-persons-report/philippines/"
URL = "/v1/cite?country=Philippines&year=2025&accessed=2026-12-07"


def test_text_cites_the_chapter_then_the_dataset(real_client: TestClient) -> None:
    response = real_client.get(URL)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    chapter, dataset = response.text.splitlines()
    assert chapter == (
        'U.S. Department of State, "Philippines," 2025 Trafficking in Persons Report (Washington, DC, '
        f"29 September 2025), {PHILIPPINES_2025} (accessed 7 December 2026)."
    )
    version = real_client.get("/v1/meta").json()["data_version"]
    assert dataset.startswith("TIP Tiers API: Trafficking in Persons Report tier placements, 2025-2025 editions, ")
    assert f"data version {version} (accessed 7 December 2026)" in dataset
    assert "http://testserver/v1/placements?country=Philippines&year=2025" in dataset


def test_bibtex_parses_into_one_entry_per_page_and_the_dataset(real_client: TestClient) -> None:
    response = real_client.get("/v1/cite?year=2025&tier=3&style=bibtex&accessed=2026-12-07")
    assert response.headers["content-type"] == "application/x-bibtex; charset=utf-8"
    library = bibtexparser.parse_string(response.text)
    assert not library.failed_blocks
    tier_3 = real_client.get("/v1/placements?year=2025&tier=3").json()["data"]
    pages = {row["report_url"] for row in tier_3}
    entries = library.entries
    assert len(entries) == len(pages) + 1
    assert len({entry.key for entry in entries}) == len(entries)
    chapters = [e for e in entries if e.entry_type == "incollection"]
    assert {e["url"] for e in chapters} == {r["report_url"] for r in tier_3 if r["report_url_scope"] == "country"}
    laos = next(e for e in chapters if e["title"] == "Laos")
    assert laos["booktitle"] == "2025 Trafficking in Persons Report"
    assert laos["author"] == "{U.S. Department of State}"
    assert (laos["year"], laos["urldate"]) == ("2025", "2026-12-07")
    assert entries[-1].entry_type == "misc" and "version" in entries[-1].fields_dict


def test_csl_json_is_read_and_formatted_by_a_csl_processor(real_client: TestClient) -> None:
    response = real_client.get(URL + "&style=csl-json")
    assert response.headers["content-type"] == "application/vnd.citationstyles.csl+json"
    items = json.loads(response.text)
    assert [item["type"] for item in items] == ["chapter", "dataset"]
    assert items[0]["issued"] == {"date-parts": [[2025, 9, 29]]}
    assert items[0]["container-title"] == "2025 Trafficking in Persons Report"
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    (rendered,) = [str(entry) for entry in bibliography.bibliography()]
    assert "U.S. Department of State (2025)" in rendered and "Philippines" in rendered and PHILIPPINES_2025 in rendered


def test_ris_is_read_back_with_the_tags_reference_managers_use(real_client: TestClient) -> None:
    response = real_client.get(URL + "&style=ris")
    assert response.headers["content-type"] == "application/x-research-info-systems; charset=utf-8"
    chapter, dataset = rispy.loads(response.text)
    assert chapter["type_of_reference"] == "CHAP"
    assert chapter["title"] == "Philippines"
    assert chapter["secondary_title"] == "2025 Trafficking in Persons Report"
    assert chapter["urls"] == [PHILIPPINES_2025]
    assert chapter["authors"] == ["U.S. Department of State"]
    assert dataset["type_of_reference"] == "DATA"


def test_a_country_without_a_known_chapter_address_cites_the_edition(real_client: TestClient) -> None:
    text = real_client.get("/v1/cite?country=Thailand&year=2025").text
    assert text.startswith(
        "U.S. Department of State, 2025 Trafficking in Persons Report (Washington, DC, 29 September 2025), "
        "https://www.state.gov/reports/2025-trafficking-in-persons-report/ (accessed "
    )


def test_one_reference_per_page_however_many_rows_rest_on_it(real_client: TestClient) -> None:
    text = real_client.get("/v1/cite?year=2001").text
    assert len(text.splitlines()) == 2, "the 2001 edition had no country pages we can confirm"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("style=apa", "style"),
        ("accessed=yesterday", "accessed"),
        ("accessed=0", "accessed"),
        ("accessed=2026-02-30", "accessed"),
        ("country=Atlantis", "country"),
    ],
)
def test_bad_citation_requests_are_a_422_naming_the_parameter(
    real_client: TestClient, query: str, parameter: str
) -> None:
    response = real_client.get(f"/v1/cite?{query}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == parameter


def test_the_etag_changes_with_the_access_date(real_client: TestClient) -> None:
    first = real_client.get("/v1/cite?year=2025&accessed=2026-12-07")
    second = real_client.get("/v1/cite?year=2025&accessed=2026-12-08")
    assert first.headers["etag"] != second.headers["etag"]
    today = real_client.get("/v1/cite?year=2025")
    assert today.headers["etag"] != real_client.get("/v1/cite?year=2025&accessed=2000-01-01").headers["etag"]


def test_meta_gives_the_dataset_citation_in_four_styles(real_client: TestClient) -> None:
    meta = real_client.get("/v1/meta").json()
    styles, version = meta["citations"], meta["data_version"]
    assert f"data version {version}" in styles["text"] and "2001-2025 editions" in styles["text"]
    (entry,) = bibtexparser.parse_string(styles["bibtex"]).entries
    assert (entry.entry_type, entry["version"]) == ("misc", version)
    assert styles["csl_json"][0]["type"] == "dataset" and styles["csl_json"][0]["version"] == version
    (record,) = rispy.loads(styles["ris"])
    assert record["type_of_reference"] == "DATA"
    assert "accessed" not in styles["text"], "the reader's access date, not the day the answer was stored"


def test_citation_cff_describes_the_dataset_and_its_editions() -> None:
    from pathlib import Path

    import yaml

    from seed.loader import read_dataset

    cff = yaml.safe_load((Path(__file__).parent.parent / "CITATION.cff").read_text())
    assert {"cff-version", "message", "title", "authors", "type", "license"} <= set(cff)
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    years = sorted(read_dataset().reports)
    assert f"{years[0]}-{years[-1]} editions" in cff["title"], "the title names the editions served"
    assert cff["references"][0]["url"].startswith("https://www.state.gov/")
