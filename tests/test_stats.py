from fastapi.testclient import TestClient


def test_stats_overall_per_year(trends_client: TestClient) -> None:
    response = trends_client.get("/v1/stats?year_from=2013&year_to=2013")
    assert response.status_code == 200
    assert response.json()["data"] == [
        {"year": 2013, "region": "ALL", "placed": 6, "known_gaps": 0,
         "counts": {"tier_1": 2, "tier_2": 0, "tier_2wl": 1, "tier_3": 3, "special_case": 0},
         "shares": {"tier_1": 33.3, "tier_2": 0.0, "tier_2wl": 16.7, "tier_3": 50.0, "special_case": 0.0}},
    ]  # fmt: skip


def test_stats_by_region_as_a_series(trends_client: TestClient) -> None:
    body = trends_client.get("/v1/stats?region=AF").json()
    assert [(r["year"], r["placed"], r["counts"]["tier_3"]) for r in body["data"]] == [
        (2009, 1, 0), (2010, 1, 0), (2011, 1, 0), (2012, 2, 1), (2013, 2, 1), (2014, 1, 0),
    ]  # fmt: skip


def test_stats_world_and_regions_together(trends_client: TestClient) -> None:
    body = trends_client.get("/v1/stats?region=ALL&region=EAP&year_from=2014").json()
    assert [(r["year"], r["region"], r["placed"]) for r in body["data"]] == [(2014, "ALL", 5), (2014, "EAP", 2)]


def test_stats_csv_for_charting(trends_client: TestClient) -> None:
    lines = trends_client.get("/v1/stats.csv?year_to=2009").text.splitlines()
    assert lines[0] == (
        "year,region,placed,known_gaps,counts_tier_1,counts_tier_2,counts_tier_2wl,counts_tier_3,counts_special_case,"
        "shares_tier_1,shares_tier_2,shares_tier_2wl,shares_tier_3,shares_special_case"
    )
    assert lines[1] == "2009,ALL,4,0,1,2,1,0,0,25.0,50.0,25.0,0.0,0.0"


def test_stats_say_where_a_gap_touches_the_year(trends_client: TestClient) -> None:
    body = trends_client.get("/v1/stats?year_from=2014&region=ALL&region=AF&region=EAP").json()
    assert [(r["region"], r["known_gaps"]) for r in body["data"]] == [("ALL", 1), ("AF", 1), ("EAP", 0)]


def test_real_stats_match_the_reports(real_client: TestClient) -> None:
    stats = {r["year"]: r["counts"] for r in real_client.get("/v1/stats").json()["data"]}
    reports = {r["year"]: r["counts"] for r in real_client.get("/v1/reports").json()["data"]}
    assert stats == reports
