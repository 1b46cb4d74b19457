from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from seed.loader import data_version

ALL = [
    (2005, "CIV"), (2005, "KAZ"), (2005, "SCG"), (2005, "THA"),
    (2006, "CIV"), (2006, "KAZ"), (2006, "SCG"), (2006, "THA"),
    (2010, "KAZ"), (2010, "THA"), (2010, "USA"),
]  # fmt: skip


def keys(body: dict) -> list[tuple[int, str]]:
    return [(row["year"], row["iso3"]) for row in body["data"]]


def test_placements_first_page_whole_body(client: TestClient, fixture_dir: Path) -> None:
    response = client.get("/v1/placements?year=2005&limit=2")
    assert response.status_code == 200
    assert response.json() == {
        "data": [
            {
                "year": 2005, "iso3": "CIV", "iso2": "CI", "country": "Côte d'Ivoire",
                "name_in_report": "Cote d'Ivoire",
                "region": "AF", "tier": "2", "tier_label": "Tier 2", "basis": "secondary",
                "source_url": "https://example.org/dataset", "source_class": 3,
                "report_url": "https://example.org/2005/", "report_url_scope": "edition", "note": None,
            },
            {
                "year": 2005, "iso3": "KAZ", "iso2": "KZ", "country": "Kazakhstan", "name_in_report": "Kazakhstan",
                "region": "EUR", "tier": "2WL", "tier_label": "Tier 2 Watch List", "basis": "report",
                "source_url": "https://example.org/2005/kaz", "source_class": 1,
                "report_url": "https://example.org/2005/", "report_url_scope": "edition", "note": None,
            },
        ],
        "meta": {"total": 4, "limit": 2, "offset": 0, "data_version": data_version(fixture_dir)},
        "links": {
            "self": "http://testserver/v1/placements?year=2005&limit=2",
            "next": "http://testserver/v1/placements?year=2005&limit=2&offset=2",
            "prev": None,
        },
    }  # fmt: skip
    assert response.headers["link"] == (
        '<http://testserver/v1/placements?year=2005&limit=2&offset=2>; rel="next", '
        '<http://testserver/v1/placements?year=2005&limit=2&offset=0>; rel="first", '
        '<http://testserver/v1/placements?year=2005&limit=2&offset=2>; rel="last"'
    )


def test_placements_default_returns_everything_in_year_then_iso3_order(client: TestClient) -> None:
    body = client.get("/v1/placements").json()
    assert keys(body) == ALL
    assert body["meta"]["total"] == len(ALL)
    assert body["links"]["next"] is None


def test_placements_last_page_links_back(client: TestClient) -> None:
    response = client.get("/v1/placements?limit=4&offset=8")
    assert response.status_code == 200
    body = response.json()
    assert keys(body) == ALL[8:]
    assert body["links"]["next"] is None
    assert body["links"]["prev"] == "http://testserver/v1/placements?limit=4&offset=4"
    assert response.headers["link"] == (
        '<http://testserver/v1/placements?limit=4&offset=4>; rel="prev", '
        '<http://testserver/v1/placements?limit=4&offset=0>; rel="first", '
        '<http://testserver/v1/placements?limit=4&offset=8>; rel="last"'
    )


def test_placements_pages_cover_every_row_once(client: TestClient) -> None:
    seen, url = [], "/v1/placements?limit=3"
    while url:
        body = client.get(url).json()
        seen += keys(body)
        url = body["links"]["next"]
    assert seen == ALL


def test_placements_region_is_the_one_of_that_year(client: TestClient) -> None:
    rows = client.get("/v1/placements?country=KAZ").json()["data"]
    assert [(r["year"], r["region"]) for r in rows] == [(2005, "EUR"), (2006, "SCA"), (2010, "SCA")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2010", [(2010, "KAZ"), (2010, "THA"), (2010, "USA")]),
        ("year=2005&year=2010&country=THA", [(2005, "THA"), (2010, "THA")]),
        ("year_from=2006&year_to=2006&tier=2", [(2006, "KAZ"), (2006, "SCG")]),
        ("year_from=2010", [(2010, "KAZ"), (2010, "THA"), (2010, "USA")]),
        ("year_to=2005&tier=2WL", [(2005, "KAZ")]),
        ("tier=2wl", [(2005, "KAZ"), (2006, "THA")]),
        ("tier=watch-list", [(2005, "KAZ"), (2006, "THA")]),
        ("tier=Tier%202%20Watch%20List", [(2005, "KAZ"), (2006, "THA")]),
        ("tier=tier-3", [(2010, "THA")]),
        ("tier=special", [(2006, "CIV")]),
        ("tier=1,3", [(2010, "THA"), (2010, "USA")]),
        ("tier=1&tier=sc", [(2006, "CIV"), (2010, "USA")]),
        ("region=eur", [(2005, "KAZ"), (2005, "SCG"), (2006, "SCG")]),
        ("region=East%20Asia%20and%20Pacific", [(2005, "THA"), (2006, "THA"), (2010, "THA")]),
        ("country=ivory%20coast", [(2005, "CIV"), (2006, "CIV")]),
        ("country=C%C3%B4te%20d%E2%80%99Ivoire", [(2005, "CIV"), (2006, "CIV")]),
        ("country=us&country=th&year=2010", [(2010, "THA"), (2010, "USA")]),
        ("basis=derived", [(2006, "CIV")]),
        ("basis=secondary&year=2010", [(2010, "KAZ")]),
        ("year=2001", []),
        ("country=USA&year=2005", []),
    ],
)
def test_placements_filters(client: TestClient, query: str, expected: list[tuple[int, str]]) -> None:
    response = client.get(f"/v1/placements?{query}")
    assert response.status_code == 200
    assert keys(response.json()) == expected
    assert response.json()["meta"]["total"] == len(expected)


@pytest.mark.parametrize(
    ("query", "status", "parameter", "words"),
    [
        ("year=1850", 422, "year", "outside 2001"),
        ("year=abc", 422, "year", "valid integer"),
        ("year_from=1999", 422, "year_from", "greater than or equal to 2001"),
        ("year_to=3000", 422, "year_to", "less than or equal to 2100"),
        ("year_from=2010&year_to=2005", 422, "year_from", "after year_to"),
        ("tier=7", 422, "tier", "'7' is not a tier; use one of 1, 2, 2WL, 3, SC"),
        ("tier=2,gold", 422, "tier", "'gold' is not a tier"),
        ("region=XX", 422, "region", "'XX' is not a region; use one of AF, EAP, EUR, NEA, SCA, WHA"),
        ("country=Narnia", 422, "country", "no country goes by 'Narnia'"),
        ("basis=rumour", 422, "basis", "'report', 'secondary' or 'derived'"),
        ("limit=-1", 422, "limit", "greater than or equal to 1"),
        ("limit=0", 422, "limit", "greater than or equal to 1"),
        ("limit=100000", 422, "limit", "less than or equal to 5000"),
        ("offset=-5", 422, "offset", "greater than or equal to 0"),
        ("yaer=2024", 400, "yaer", "unknown query parameter"),
    ],
)
def test_placements_bad_parameters(client: TestClient, query: str, status: int, parameter: str, words: str) -> None:
    response = client.get(f"/v1/placements?{query}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert [e["parameter"] for e in body["errors"]] == [parameter]
    assert words in body["errors"][0]["message"]
    assert body["detail"].startswith(f"{parameter}: ")


@pytest.mark.parametrize(
    "query",
    ["", "?year=2005&limit=2", "?country=Thailand&year_from=2006", "?tier=2wl,3&region=eur&basis=report",
     "?year=2005&year=2010&offset=3", "?country=CIV&country=USA", "?year=2030"],
)  # fmt: skip
def test_placements_pages_are_the_bytes_pydantic_would_write(client: TestClient, query: str) -> None:
    from api.v1.schemas import PlacementPage

    response = client.get("/v1/placements" + query)
    assert response.status_code == 200
    assert response.content == PlacementPage.model_validate_json(response.content).model_dump_json().encode() + b"\n"


def test_the_snapshot_finds_every_country_by_each_of_its_names_and_codes(
    real_client: TestClient, real_engine: Engine
) -> None:
    from sqlmodel import Session, select

    from api import snapshot as snapshots
    from api.models import Country, CountryAlias
    from api.v1.placements import rows, written

    with Session(real_engine) as session:
        snapshot = snapshots.load(session)
        aliases = list(session.exec(select(CountryAlias)))
        countries = list(session.exec(select(Country)))
    for alias in aliases:
        assert snapshot.country(alias.alias).iso3 == alias.iso3, alias.alias  # type: ignore[union-attr]
    for c in countries:
        for name in (c.iso3, c.iso2, c.iso3.lower(), c.name, f" {c.name.upper()} "):
            assert snapshot.country(name).iso3 == c.iso3, name  # type: ignore[union-attr]
    assert snapshot.country("Cote d\u2019Ivoire").iso3 == "CIV"  # type: ignore[union-attr]
    assert snapshot.country("KOREA, SOUTH").iso3 == "KOR"  # type: ignore[union-attr]
    for nothing in ("Atlantis", "XX", "ZZZ", ""):
        assert snapshot.country(nothing) is None, nothing
    json_rows, csv_lines = written(snapshot)
    assert len(snapshot.placements) == len(rows(snapshot)) == len(json_rows) == len(csv_lines) == 4233


def test_placements_follow_a_new_load_and_never_mix_two(
    client: TestClient, engine, trends_dir: Path, monkeypatch: pytest.MonkeyPatch, empty_store: None
) -> None:  # type: ignore[no-untyped-def]
    from api.live import live
    from seed.loader import load

    before = client.get("/v1/placements").json()
    monkeypatch.setattr(live, "interval", 3600.0)
    load(engine, trends_dir)
    held = client.get("/v1/placements").json()
    assert held == before, "within the interval: the snapshot last read, rows and version together"
    monkeypatch.setattr(live, "interval", 0.0)
    after = client.get("/v1/placements").json()
    assert after["meta"]["data_version"] == data_version(trends_dir) != before["meta"]["data_version"]
    assert {row["iso3"] for row in after["data"]} != {row["iso3"] for row in before["data"]}
    assert client.get("/v1/placements.csv").text.count("\n") == after["meta"]["total"] + 1


def test_placements_keep_the_snapshot_held_while_the_database_is_down(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, empty_store: None
) -> None:
    from sqlalchemy.exc import OperationalError

    from api.live import live

    urls = ["/v1/placements", "/v1/countries/THA", "/v1/changes?from=2005&to=2010", "/v1/stats", "/v1/reports/2010"]
    before = [client.get(url) for url in urls]

    def unreachable(*_: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(live, "read", unreachable)
    during = client.get("/v1/placements?limit=50")
    assert during.status_code == 200
    assert during.json()["data"] == before[0].json()["data"]
    assert during.json()["meta"]["data_version"] == before[0].json()["meta"]["data_version"]
    assert "the database does not answer; serving data version" in caplog.text
    # Every route answers from the one snapshot, so none needs the database the snapshot was read from.
    for url, answer in zip(urls[1:], before[1:], strict=True):
        again = client.get(url + ("&" if "?" in url else "?") + "pretty=false")
        assert again.status_code == 200 and again.json() == answer.json(), url
