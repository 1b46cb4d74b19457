from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from seed.loader import data_version

NO_FIGURES = {"tier_1": None, "tier_2": None, "tier_2wl": None, "tier_3": None, "special_case": None}


def test_reports_list_whole_body(client: TestClient, fixture_dir: Path) -> None:
    response = client.get("/v1/reports")
    assert response.status_code == 200
    assert response.json() == {
        "data": [
            {
                "year": 2005, "edition": 5, "release_date": "2005-06-03", "url": "https://example.org/2005/",
                "countries_placed": 4, "known_gaps": 0,
                "counts": {"tier_1": 0, "tier_2": 3, "tier_2wl": 1, "tier_3": 0, "special_case": 0},
                "published": {**NO_FIGURES, "countries_covered": 4, "source": None},
                "note": None,
            },
            {
                "year": 2006, "edition": 6, "release_date": "2006-06-05", "url": "https://example.org/2006/",
                "countries_placed": 4, "known_gaps": 0,
                "counts": {"tier_1": 0, "tier_2": 2, "tier_2wl": 1, "tier_3": 0, "special_case": 1},
                "published": {**NO_FIGURES, "countries_covered": None, "tier_2wl": 1,
                              "source": "https://example.org/news"},
                "note": None,
            },
            {
                "year": 2010, "edition": 10, "release_date": "2010-06-14", "url": "https://example.org/2010/",
                "countries_placed": 3, "known_gaps": 1,
                "counts": {"tier_1": 1, "tier_2": 1, "tier_2wl": 0, "tier_3": 1, "special_case": 0},
                "published": {**NO_FIGURES, "countries_covered": 4, "tier_1": 1, "source": None},
                "note": "First edition to rank the United States.",
            },
        ],
        "meta": {"total": 3, "data_version": data_version(fixture_dir)},
    }  # fmt: skip


def test_get_report_whole_body(client: TestClient) -> None:
    response = client.get("/v1/reports/2010")
    assert response.status_code == 200
    zero = {"tier_1": 0, "tier_2": 0, "tier_2wl": 0, "tier_3": 0, "special_case": 0}
    assert response.json() == {
        "year": 2010, "edition": 10, "release_date": "2010-06-14", "url": "https://example.org/2010/",
        "countries_placed": 3, "known_gaps": 1,
        "counts": {"tier_1": 1, "tier_2": 1, "tier_2wl": 0, "tier_3": 1, "special_case": 0},
        "published": {**NO_FIGURES, "countries_covered": 4, "tier_1": 1, "source": None},
        "note": "First edition to rank the United States.",
        "counts_by_region": [
            {"region": "EAP", "counts": {**zero, "tier_3": 1}},
            {"region": "SCA", "counts": {**zero, "tier_2": 1}},
            {"region": "WHA", "counts": {**zero, "tier_1": 1}},
        ],
        "basis_counts": {"report": 2, "secondary": 1, "derived": 0},
        "gaps": [{"iso3": "CIV", "country": "Côte d'Ivoire", "note": "narrative exists; tier not read"}],
    }  # fmt: skip


def test_get_report_regions_follow_the_year(client: TestClient) -> None:
    regions = [r["region"] for r in client.get("/v1/reports/2005").json()["counts_by_region"]]
    assert regions == ["AF", "EAP", "EUR"]


@pytest.mark.parametrize("year", [2001, 2007, 2026])
def test_get_report_missing_year_is_404(client: TestClient, year: int) -> None:
    response = client.get(f"/v1/reports/{year}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert str(year) in response.json()["detail"]


@pytest.mark.parametrize("year", ["1850", "3000", "latest", "20.5"])
def test_get_report_invalid_year_is_422(client: TestClient, year: str) -> None:
    response = client.get(f"/v1/reports/{year}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "year"


def test_the_readme_says_what_a_missing_year_answers(client: TestClient) -> None:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "(`/v1/reports/2026`), is a 404" in readme and "(`/v1/reports/1999`) a 422" in readme
    assert client.get("/v1/reports/2026").status_code == 404
    assert client.get("/v1/reports/1999").status_code == 422
