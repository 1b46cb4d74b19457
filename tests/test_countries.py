from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from seed.loader import data_version


def test_countries_list_whole_body(client: TestClient, fixture_dir: Path) -> None:
    response = client.get("/v1/countries?region=af,wha")
    assert response.status_code == 200
    assert response.json() == {
        "data": [
            {
                "iso3": "CIV", "iso2": "CI", "name": "Côte d'Ivoire", "kind": "sovereign", "region": "AF",
                "aliases": ["Ivory Coast"], "first_year": 2005, "last_year": 2006,
            },
            {
                "iso3": "USA", "iso2": "US", "name": "United States", "kind": "sovereign", "region": "WHA",
                "aliases": ["United States of America"], "first_year": 2010, "last_year": 2010,
            },
        ],
        "meta": {"total": 2, "data_version": data_version(fixture_dir)},
    }  # fmt: skip


def test_countries_list_is_sorted_by_name(client: TestClient) -> None:
    names = [c["name"] for c in client.get("/v1/countries").json()["data"]]
    assert names == ["Côte d'Ivoire", "Kazakhstan", "Serbia and Montenegro", "Thailand", "United States"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [("ivory", ["CIV"]), ("COTE", ["CIV"]), ("montenegro", ["SCG"]), ("tha", ["THA"]),
     ("usa", ["USA"]), ("zzz", [])],
)  # fmt: skip
def test_countries_search(client: TestClient, q: str, expected: list[str]) -> None:
    response = client.get("/v1/countries", params={"q": q})
    assert response.status_code == 200
    assert [c["iso3"] for c in response.json()["data"]] == expected


@pytest.mark.parametrize(
    "code", ["CIV", "civ", "CI", "ci", "Côte d'Ivoire", "cote d\u2019ivoire", "IVORY COAST", "Ivory-Coast"]
)
def test_get_country_by_any_code_or_name(client: TestClient, code: str) -> None:
    response = client.get(f"/v1/countries/{code}")
    assert response.status_code == 200
    assert response.json()["iso3"] == "CIV"


def test_get_country_whole_body(client: TestClient) -> None:
    response = client.get("/v1/countries/kaz")
    assert response.status_code == 200
    assert response.json() == {
        "iso3": "KAZ", "iso2": "KZ", "name": "Kazakhstan", "kind": "sovereign", "region": "SCA", "aliases": [],
        "first_year": 2005, "last_year": 2010,
        "summary": {
            "first_year_ranked": 2005,
            "years_on_tier": {"tier_1": 0, "tier_2": 2, "tier_2wl": 1, "tier_3": 0, "special_case": 0},
            "current_watch_list_streak": 0, "longest_watch_list_streak": 1, "years_on_tier_3": 0,
            "current_tier": "2", "current_tier_since": 2006,
        },
        "placements": [
            {"year": 2005, "tier": "2WL", "tier_label": "Tier 2 Watch List", "name_in_report": "Kazakhstan",
             "region": "EUR", "basis": "report", "source_url": "https://example.org/2005/kaz", "source_class": 1,
             "report_url": "https://example.org/2005/", "report_url_scope": "edition", "note": None,
             "previous_tier": None, "change": "entered"},
            {"year": 2006, "tier": "2", "tier_label": "Tier 2", "name_in_report": "Kazakhstan", "region": "SCA",
             "basis": "report", "source_url": "https://example.org/2006/kaz", "source_class": 1,
             "report_url": "https://example.org/2006/", "report_url_scope": "edition", "note": None,
             "previous_tier": "2WL", "change": "up"},
            {"year": 2010, "tier": "2", "tier_label": "Tier 2", "name_in_report": "Kazakhstan", "region": "SCA",
             "basis": "secondary", "source_url": "https://example.org/dataset", "source_class": 3,
             "report_url": "https://example.org/2010/", "report_url_scope": "edition", "note": None,
             "previous_tier": "2", "change": "unchanged"},
        ],
        "known_gaps": [],
        "corrections": [],
    }  # fmt: skip


def test_get_country_lists_known_gaps(client: TestClient) -> None:
    body = client.get("/v1/countries/CIV").json()
    assert [p["year"] for p in body["placements"]] == [2005, 2006]
    assert body["known_gaps"] == [2010]


@pytest.mark.parametrize("code", ["Narnia", "XX", "ZZZ", "Korea"])
def test_get_country_unknown_is_404_naming_it(client: TestClient, code: str) -> None:
    response = client.get(f"/v1/countries/{code}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert repr(code) in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "parameter"), [("region=Atlantis", "region"), ("q=", "q"), ("tier=1", "tier")]
)  # fmt: skip
def test_countries_bad_parameters(client: TestClient, query: str, parameter: str) -> None:
    response = client.get(f"/v1/countries?{query}")
    assert 400 <= response.status_code < 500
    assert [e["parameter"] for e in response.json()["errors"]] == [parameter]


def test_a_country_shows_the_corrections_to_its_rows(client: TestClient) -> None:
    body = client.get("/v1/countries/Thailand").json()
    assert [(c["year"], c["field"], c["old_value"], c["new_value"]) for c in body["corrections"]] == [
        (2006, "tier", "2", "2WL")
    ]
    assert next(p for p in body["placements"] if p["year"] == 2006)["tier"] == "2WL", "the correction is true"


@pytest.mark.parametrize(
    ("name", "candidates"),
    [("Congo", [("Democratic Republic of the Congo", "COD"), ("Republic of the Congo", "COG")]),
     ("korea", [("North Korea", "PRK"), ("South Korea", "KOR")])],
)  # fmt: skip
def test_an_ambiguous_name_is_a_404_naming_every_candidate(
    real_client: TestClient, name: str, candidates: list[tuple[str, str]]
) -> None:
    response = real_client.get(f"/v1/countries/{name}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert f"could be any of {len(candidates)} countries" in detail
    for country, iso3 in candidates:
        assert f"{country} ({iso3}, http://testserver/v1/countries/{iso3})" in detail
        assert real_client.get(f"/v1/countries/{iso3}").status_code == 200


def test_a_name_that_is_part_of_one_country_suggests_it(real_client: TestClient) -> None:
    detail = real_client.get("/v1/countries/Timor").json()["detail"]
    assert detail.endswith("did you mean Timor-Leste (TLS, http://testserver/v1/countries/TLS)?")


@pytest.mark.parametrize(("name", "tier", "since"), [("Philippines", "1", 2016), ("Laos", "3", 2025)])
def test_a_country_says_since_when_it_is_on_its_tier(real_client: TestClient, name: str, tier: str, since: int) -> None:
    summary = real_client.get(f"/v1/countries/{name}").json()["summary"]
    assert (summary["current_tier"], summary["current_tier_since"]) == (tier, since)
