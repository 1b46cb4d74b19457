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
    assert lines[0] == "year,iso3,country,region,status,streak,waiver_available,evidence,note,rule"
    assert lines[1:] == [
        "2013,CHN,China,EAP,downgraded,4,False,stated,automatic downgrade after four years on the Watch List,"
        "Tier 3 in 2013 after 4 consecutive years on the Tier 2 Watch List (2009-2012): the automatic downgrade of "
        "22 U.S.C. 7107(b)(2)(D).",
        "2013,THA,Thailand,EAP,downgraded,2,True,inferred,,Tier 3 in 2013 after 2 consecutive years on the Tier 2 "
        "Watch List (2011-2012): the automatic downgrade of 22 U.S.C. 7107(b)(2)(D).",
    ]


def test_each_row_says_the_rule_that_applied_not_the_source_note(trends_client: TestClient) -> None:
    body = trends_client.get("/v1/downgrades?year=2011&region=EAP").json()
    rules = {(r["iso3"], r["status"]): r["rule"] for r in body["data"]}
    assert rules == {
        ("CHN", "waived"): "A third consecutive year on the Tier 2 Watch List (2009-2011): allowed only by a waiver "
        "of the automatic downgrade (22 U.S.C. 7107(b)(2)(D)).",
        ("CHN", "at_risk"): "3 consecutive years on the Tier 2 Watch List (2009-2011): in 2012 it must move up, be "
        "waived or go to Tier 3 (22 U.S.C. 7107(b)(2)(D)); a waiver is still possible.",
    }


def test_a_waived_country_is_listed_once_per_status_as_the_docs_say(real_client: TestClient) -> None:
    """Why Solomon Islands and Vanuatu appear twice in 2025: waived that year, and at risk again the next."""
    body = real_client.get("/v1/downgrades?year=2025&region=EAP").json()
    statuses = {(r["iso3"], r["status"]) for r in body["data"] if r["iso3"] in ("SLB", "VUT")}
    assert statuses == {("SLB", "waived"), ("SLB", "at_risk"), ("VUT", "waived"), ("VUT", "at_risk")}
    assert len({(r["year"], r["iso3"], r["status"]) for r in body["data"]}) == len(body["data"]), "no true duplicate"
    docs = real_client.get("/openapi.json").json()["paths"]["/v1/downgrades"]["get"]["description"]
    assert "listed twice" in docs and "Solomon Islands and Vanuatu" in docs
    assert len(real_client.get("/v1/downgrades?year=2025&region=EAP&status=at_risk").json()["data"]) == len(
        {r["iso3"] for r in body["data"] if r["status"] == "at_risk"}
    )


def test_real_data_2013_automatic_downgrades(real_client: TestClient) -> None:
    """China, Russia and Uzbekistan were the first automatic downgrades, in 2013 (State Department)."""
    body = real_client.get("/v1/downgrades?year=2013&status=downgraded").json()
    assert {"CHN", "RUS", "UZB"} <= {r["iso3"] for r in body["data"]}
    assert all(r["streak"] >= 2 for r in body["data"])
