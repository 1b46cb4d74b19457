"""/v1/corrections and the corrections seed file: every change to a served row, true of the data."""

import csv
import io
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from seed.loader import SeedError, read_dataset


def test_corrections_list_with_reason_and_evidence(client: TestClient) -> None:
    body = client.get("/v1/corrections").json()
    assert body["meta"]["total"] == 1
    (correction,) = body["data"]
    assert correction == {
        "date": "2026-11-22", "year": 2006, "iso3": "THA", "country": "Thailand", "field": "tier",
        "old_value": "2", "new_value": "2WL",
        "reason": "A fixture correction: the narrative heading says Tier 2 Watch List.",
        "evidence_url": "https://example.org/2006/tha",
    }  # fmt: skip


@pytest.mark.parametrize(("query", "total"), [("year=2006", 1), ("year=2010", 0), ("country=tha", 1),
                                              ("country=Ivory%20Coast", 0)])  # fmt: skip
def test_corrections_filter_by_year_and_country(client: TestClient, query: str, total: int) -> None:
    assert client.get(f"/v1/corrections?{query}").json()["meta"]["total"] == total


def test_corrections_as_csv(client: TestClient) -> None:
    response = client.get("/v1/corrections.csv")
    assert response.headers["content-type"].startswith("text/csv")
    (row,) = list(csv.DictReader(io.StringIO(response.text)))
    assert (row["iso3"], row["old_value"], row["new_value"]) == ("THA", "2", "2WL")


def test_an_unknown_country_is_a_422(client: TestClient) -> None:
    response = client.get("/v1/corrections?country=Atlantis")
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "country"


def test_the_real_corrections_include_the_known_conflicts(real_client: TestClient) -> None:
    data = real_client.get("/v1/corrections").json()["data"]
    seen = {(c["year"], c["iso3"], c["field"], c["old_value"], c["new_value"]) for c in data}
    assert {(2010, "ZMB", "tier", "2WL", "2"), (2010, "BRB", "tier", "2", "2WL"), (2016, "LCA", "tier", "2", "2WL"),
            (2009, "KIR", "placement", "SC", None), (2003, "BRN", "placement", None, "2")} <= seen  # fmt: skip
    assert all(c["evidence_url"].startswith("http") and c["reason"] for c in data)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2026-12-01,2006,THA,tier,2,3,wrong,https://example.org/x", "THA 2006 is 2WL in placements/2006.csv, not 3"),
        ("2026-12-01,2006,THA,tier,2,2,no change,https://example.org/x", "a tier correction needs two different tiers"),
        ("2026-12-01,2006,THA,placement,2,2WL,both,https://example.org/x", "exactly one (added or removed)"),
        ("2026-12-01,2006,THA,name,a,b,other field,https://example.org/x", "field 'name' is not one of"),
        ("1 Dec 2026,2006,THA,tier,2,2WL,bad date,https://example.org/x", "date '1 Dec 2026' is not YYYY-MM-DD"),
        ("2026-12-01,2006,THA,tier,2,2WL,,https://example.org/x", "reason is empty"),
        ("2026-12-01,2006,KAZ,placement,2,,removed but still there,https://example.org/x", "KAZ 2006 is 2 in"),
    ],
)  # fmt: skip
def test_a_bad_correction_is_refused_with_file_and_line(fixture_dir: Path, tmp_path: Path, line: str,
                                                        message: str) -> None:  # fmt: skip
    bad = tmp_path / "data"
    shutil.copytree(fixture_dir, bad)
    path = bad / "corrections.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, line]) + "\n")
    with pytest.raises(SeedError) as error:
        read_dataset(bad)
    assert f"corrections.csv:{len(lines) + 1}: " in str(error.value)
    assert message in str(error.value)
