import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(response) -> ET.Element:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    return ET.fromstring(response.text)


def test_country_chart_has_a_point_per_placement_a_title_and_the_gap(trends_client: TestClient) -> None:
    svg = parse(trends_client.get("/v1/charts/countries/Ivory%20Coast.svg"))
    assert svg.get("role") == "img"
    assert svg.find("svg:title", NS).text == "Côte d'Ivoire: Trafficking in Persons Report tier, 2009-2014"
    assert "2011 Special Case" in svg.find("svg:desc", NS).text
    points = svg.findall(".//svg:circle[@class='placement']", NS)
    assert [(p.get("data-year"), p.get("data-tier")) for p in points] == [
        ("2009", "2"),
        ("2010", "2"),
        ("2011", "SC"),
        ("2012", "2"),
        ("2013", "2WL"),
    ]
    assert [g.get("data-year") for g in svg.findall(".//svg:circle[@class='gap']", NS)] == ["2014"]
    # The special case breaks the line: 2009-2010 and 2012-2013 are separate steps.
    assert len(svg.findall(".//svg:polyline[@class='history']", NS)) == 2


def test_country_chart_places_better_tiers_higher(trends_client: TestClient) -> None:
    svg = parse(trends_client.get("/v1/charts/countries/THA.svg"))
    height = {p.get("data-tier"): float(p.get("cy")) for p in svg.findall(".//svg:circle[@class='placement']", NS)}
    assert height["2"] < height["2WL"] < height["3"]


def test_country_chart_unknown_country_is_a_404_problem(trends_client: TestClient) -> None:
    response = trends_client.get("/v1/charts/countries/Narnia.svg")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_tiers_chart_has_a_bar_segment_per_tier_per_year(trends_client: TestClient) -> None:
    svg = parse(trends_client.get("/v1/charts/tiers.svg"))
    assert "Countries per Trafficking in Persons Report tier" in svg.find("svg:title", NS).text
    bars = svg.findall(".//svg:rect[@class='bar']", NS)
    # 2009: 1,2,2WL; 2010: 1,2,2WL; 2011: 1,2WL,SC; 2012: 1,2,2WL,3; 2013: 1,2WL,3; 2014: 1,2WL
    assert len(bars) == 3 + 3 + 3 + 4 + 3 + 2
    counts_2012 = {b.get("data-tier"): int(b.get("data-count")) for b in bars if b.get("data-year") == "2012"}
    assert counts_2012 == {"1": 1, "2": 2, "2WL": 2, "3": 1}
    assert len(svg.findall(".//svg:rect[@class='legend']", NS)) == 5


def test_tiers_chart_for_one_region(trends_client: TestClient) -> None:
    svg = parse(trends_client.get("/v1/charts/tiers.svg?region=AF"))
    assert "AF region" in svg.find("svg:title", NS).text
    bars = svg.findall(".//svg:rect[@class='bar']", NS)
    assert sum(int(b.get("data-count")) for b in bars) == 8


def test_every_chart_credits_its_source_editions_and_data_version(trends_client: TestClient) -> None:
    version = trends_client.get("/v1/meta").json()["data_version"]
    for url in ("/v1/charts/countries/CIV.svg", "/v1/charts/tiers.svg", "/v1/charts/tiers.svg?region=AF"):
        svg = parse(trends_client.get(url))
        credit = svg.find(".//svg:text[@class='credit']", NS).text
        assert credit.startswith("Source: U.S. Department of State, Trafficking in Persons Report, 2009-2014 editions")
        assert credit.endswith(f"TIP Tiers API data {version}.")
        assert credit in svg.find("svg:desc", NS).text, "screen readers hear it too"
        assert float(svg.find(".//svg:text[@class='credit']", NS).get("y")) < float(svg.get("height"))
