from fastapi.testclient import TestClient


def rows(body: dict) -> list[tuple[int, str, str, int, bool, str]]:
    return [
        (r["year"], r["iso3"], r["status"], r["streak"], r["waiver_available"], r["evidence"]) for r in body["data"]
    ]


def test_downgrades_worked_out_by_hand(trends_client: TestClient) -> None:
    """CHN: Watch List 2009-2012 (waivers in 2011 and 2012), then Tier 3 with no waiver left.
    THA: Watch List 2011 and 2012, Tier 3 in 2013: an automatic downgrade, though a waiver year was left."""
    response = trends_client.get("/v1/downgrades")
    assert response.status_code == 200
    assert rows(response.json()) == [
        (2010, "CHN", "at_risk", 2, True, "inferred"),
        (2011, "CHN", "waived", 3, True, "stated"),
        (2011, "CHN", "at_risk", 3, True, "inferred"),
        (2012, "CHN", "waived", 4, True, "inferred"),
        (2012, "CHN", "at_risk", 4, False, "inferred"),
        (2012, "THA", "at_risk", 2, True, "inferred"),
        (2013, "CHN", "downgraded", 4, False, "stated"),
        (2013, "THA", "downgraded", 2, True, "inferred"),
    ]


def test_downgrades_filters(trends_client: TestClient) -> None:
    body = trends_client.get("/v1/downgrades?year=2013&status=downgraded&region=EAP").json()
    assert [r["iso3"] for r in body["data"]] == ["CHN", "THA"]
    assert body["data"][0]["note"] == "automatic downgrade after four years on the Watch List"
    assert trends_client.get("/v1/downgrades?region=AF").json()["data"] == []


def test_downgrades_csv(trends_client: TestClient) -> None:
    lines = trends_client.get("/v1/downgrades.csv?status=downgraded").text.splitlines()
    assert lines[0] == "year,iso3,country,region,status,streak,waiver_available,evidence,note"
    assert lines[1:] == [
        "2013,CHN,China,EAP,downgraded,4,False,stated,automatic downgrade after four years on the Watch List",
        "2013,THA,Thailand,EAP,downgraded,2,True,inferred,",
    ]


def test_real_data_2013_automatic_downgrades(real_client: TestClient) -> None:
    """China, Russia and Uzbekistan were the first automatic downgrades, in 2013 (State Department)."""
    body = real_client.get("/v1/downgrades?year=2013&status=downgraded").json()
    assert {"CHN", "RUS", "UZB"} <= {r["iso3"] for r in body["data"]}
    assert all(r["streak"] >= 2 for r in body["data"])
