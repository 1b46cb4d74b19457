import pytest
from fastapi.testclient import TestClient

# The trends fixture, by hand (tests/fixtures/trends):
#        2009  2010  2011  2012  2013  2014
#   CHN  2WL   2WL   2WL   2WL   3     2WL
#   CIV  2     2     SC    2     2WL   gap
#   KAZ  1     2     2WL   2     1     1
#   SSD  -     -     -     3     3     2WL
#   THA  2     2     2WL   2WL   3     2WL
#   USA  -     1     1     1     1     1


def moves(body: dict) -> list[tuple[str, str | None, str | None, str]]:
    return [(r["iso3"], r["from_tier"], r["to_tier"], r["direction"]) for r in body["data"]]


def test_changes_default_compares_the_latest_edition_with_the_one_before(trends_client: TestClient) -> None:
    response = trends_client.get("/v1/changes")
    assert response.status_code == 200
    body = response.json()
    assert (body["meta"]["from_year"], body["meta"]["to_year"]) == (2013, 2014)
    assert moves(body) == [
        ("CHN", "3", "2WL", "up"), ("CIV", "2WL", None, "unknown"), ("SSD", "3", "2WL", "up"),
        ("THA", "3", "2WL", "up"),
    ]  # fmt: skip
    assert body["meta"]["gaps"] == ["CIV"]


def test_changes_2013_downgrades_and_upgrades(trends_client: TestClient) -> None:
    body = trends_client.get("/v1/changes?from=2012&to=2013").json()
    assert moves(body) == [
        ("CHN", "2WL", "3", "down"), ("CIV", "2", "2WL", "down"), ("KAZ", "2", "1", "up"), ("THA", "2WL", "3", "down"),
    ]  # fmt: skip
    assert body["data"][0] == {
        "iso3": "CHN", "country": "China", "region": "EAP", "from_year": 2012, "to_year": 2013,
        "from_tier": "2WL", "to_tier": "3", "direction": "down",
    }  # fmt: skip


def test_special_cases_are_neither_up_nor_down_and_entries_are_listed(trends_client: TestClient) -> None:
    assert moves(trends_client.get("/v1/changes?from=2010&to=2011").json()) == [
        ("CIV", "2", "SC", "special_case"), ("KAZ", "2", "2WL", "down"), ("THA", "2", "2WL", "down"),
    ]  # fmt: skip
    assert moves(trends_client.get("/v1/changes?from=2011&to=2012").json()) == [
        ("CIV", "SC", "2", "special_case"), ("KAZ", "2WL", "2", "up"), ("SSD", None, "3", "entered"),
    ]  # fmt: skip


def test_changes_can_span_several_editions_and_filter(trends_client: TestClient) -> None:
    body = trends_client.get("/v1/changes?from=2009&to=2014&direction=down&direction=unchanged&region=EAP").json()
    assert moves(body) == [("CHN", "2WL", "2WL", "unchanged"), ("THA", "2", "2WL", "down")]


def test_changes_left_the_report(trends_client: TestClient) -> None:
    # CIV is a gap in 2014, so unknown rather than left; no one else leaves. Compare 2013 with 2009 instead.
    body = trends_client.get("/v1/changes?from=2009&to=2010&direction=entered").json()
    assert moves(body) == [("USA", None, "1", "entered")]


def test_changes_csv(trends_client: TestClient) -> None:
    response = trends_client.get("/v1/changes.csv?from=2012&to=2013&direction=up")
    assert response.status_code == 200
    assert response.text.splitlines() == [
        "iso3,country,region,from_year,to_year,from_tier,to_tier,direction",
        "KAZ,Kazakhstan,SCA,2012,2013,2,1,up",
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("from=2014&to=2013", "from"), ("from=2020", "from"), ("to=2009", "to"), ("direction=sideways", "direction"),
     ("region=Mars", "region"), ("to=abc", "to")],
)  # fmt: skip
def test_changes_bad_parameters_name_the_parameter(trends_client: TestClient, query: str, parameter: str) -> None:
    response = trends_client.get(f"/v1/changes?{query}")
    assert response.status_code == 422
    assert [e["parameter"] for e in response.json()["errors"]] == [parameter]


def test_country_history_carries_previous_tier_change_and_summary(trends_client: TestClient) -> None:
    body = trends_client.get("/v1/countries/THA").json()
    assert [(p["year"], p["previous_tier"], p["change"]) for p in body["placements"]] == [
        (2009, None, "entered"), (2010, "2", "unchanged"), (2011, "2", "down"), (2012, "2WL", "unchanged"),
        (2013, "2WL", "down"), (2014, "3", "up"),
    ]  # fmt: skip
    assert body["summary"] == {
        "first_year_ranked": 2009,
        "years_on_tier": {"tier_1": 0, "tier_2": 2, "tier_2wl": 3, "tier_3": 1, "special_case": 0},
        "current_watch_list_streak": 1, "longest_watch_list_streak": 2, "years_on_tier_3": 1,
        "current_tier": "2WL", "current_tier_since": 2014,
    }  # fmt: skip


def test_country_history_after_a_gap_and_a_special_case(trends_client: TestClient) -> None:
    body = trends_client.get("/v1/countries/CIV").json()
    assert [(p["year"], p["change"]) for p in body["placements"]] == [
        (2009, "entered"),
        (2010, "unchanged"),
        (2011, "special_case"),
        (2012, "special_case"),
        (2013, "down"),
    ]
    assert body["summary"]["years_on_tier"]["special_case"] == 1
    assert body["known_gaps"] == [2014]
    china = trends_client.get("/v1/countries/CHN").json()["summary"]
    assert (china["current_watch_list_streak"], china["longest_watch_list_streak"]) == (1, 4)


def test_who_fell_to_tier_3_this_year_is_one_url(real_client: TestClient) -> None:
    """The journalist's question the downgrades endpoint (the automatic rule only) does not answer."""
    body = real_client.get("/v1/changes?to_tier=3").json()
    assert (body["meta"]["from_year"], body["meta"]["to_year"]) == (2024, 2025)
    assert {(c["iso3"], c["from_tier"], c["to_tier"], c["direction"]) for c in body["data"]} == {
        ("LAO", "2WL", "3", "down"), ("TCD", "2WL", "3", "down")
    }  # fmt: skip
    stayed = real_client.get("/v1/changes?to_tier=3&direction=unchanged").json()["data"]
    assert len(stayed) == 20 - 2 and all(c["from_tier"] == c["to_tier"] == "3" for c in stayed)


def test_from_and_to_tier_take_any_spelling_and_combine(real_client: TestClient) -> None:
    rows = real_client.get("/v1/changes.csv?from=2013&to=2014&from_tier=watch-list&to_tier=tier-3").text.splitlines()
    assert [line.split(",")[0] for line in rows[1:]] == ["GMB", "MYS", "THA", "VEN"]


def test_a_bad_tier_filter_is_a_422_naming_it(real_client: TestClient) -> None:
    response = real_client.get("/v1/changes?to_tier=7")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"parameter": "to_tier", "message": "'7' is not a tier; use one of 1, 2, 2WL, 3, SC"}
    ]
