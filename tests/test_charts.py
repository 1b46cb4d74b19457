import itertools
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.worldmap import NOT_COVERED, OUTSIDE, PALETTE, world

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def parse(response) -> ET.Element:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    return ET.fromstring(response.text)


def placements(svg: ET.Element) -> list[ET.Element]:
    return [c for c in svg.iter(f"{SVG}circle") if c.get("class", "").split()[:1] == ["placement"]]


def titled(svg: ET.Element, tag: str, title: str) -> list[ET.Element]:
    return [e for e in svg.iter(f"{SVG}{tag}") if e.findtext(f"{SVG}title") == title]


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
    height = {p.get("data-tier"): float(p.get("cy")) for p in placements(svg)}
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
    legend = svg.findall(".//svg:g[@class='legend']", NS)
    assert [(g.get("data-key"), g.find("svg:text", NS).text) for g in legend] == [
        ("1", "Tier 1"),
        ("2", "Tier 2"),
        ("2WL", "Tier 2 Watch List"),
        ("3", "Tier 3"),
        ("SC", "Special Case"),
    ]


def test_tiers_chart_for_one_region(trends_client: TestClient) -> None:
    svg = parse(trends_client.get("/v1/charts/tiers.svg?region=AF"))
    assert svg.find("svg:title", NS).text == "Countries per Trafficking in Persons Report tier, Africa"
    bars = svg.findall(".//svg:rect[@class='bar']", NS)
    assert sum(int(b.get("data-count")) for b in bars) == 8


def test_every_chart_credits_its_source_editions_and_data_version(trends_client: TestClient) -> None:
    version = trends_client.get("/v1/meta").json()["data_version"]
    for url in ("/v1/charts/countries/CIV.svg", "/v1/charts/tiers.svg", "/v1/charts/tiers.svg?region=AF"):
        svg = parse(trends_client.get(url))
        lines = svg.findall(".//svg:text[@class='credit']/svg:tspan", NS)
        credit = " ".join(line.text for line in lines)
        assert credit.startswith("Source: U.S. Department of State, Trafficking in Persons Report, 2009-2014 editions")
        assert credit.endswith(f"TIP Tiers API data {version}.")
        assert credit in svg.find("svg:desc", NS).text, "screen readers hear it too"
        assert all(float(line.get("y")) < float(svg.get("height")) for line in lines)


def test_country_chart_draws_a_derived_placement_as_a_ring(trends_client: TestClient) -> None:
    svg = parse(trends_client.get("/v1/charts/countries/THA.svg"))
    marks = {int(p.get("data-year")): p for p in placements(svg)}
    # Thailand's 2013 Tier 3 is derived in the fixture; every other year was read.
    assert marks[2013].get("class") == "placement derived"
    assert marks[2013].get("fill") == "#ffffff"
    assert marks[2013].findtext("svg:title", namespaces=NS) == "2013: Tier 3 (derived)"
    assert {p.get("class") for year, p in marks.items() if year != 2013} == {"placement"}
    assert not [p for year, p in marks.items() if year != 2013 and "derived" in p.findtext("svg:title", "", NS)]
    assert "Derived (inferred, not read in the report): 2013." in svg.find("svg:desc", NS).text


def test_country_chart_legend_explains_the_marks(trends_client: TestClient) -> None:
    svg = parse(trends_client.get("/v1/charts/countries/CIV.svg"))
    legend = {g.get("data-key"): g for g in svg.findall(".//svg:g[@class='legend']", NS)}
    assert {key: g.findall("svg:text", NS)[-1].text for key, g in legend.items()} == {
        "placement": "tier as published",
        "derived": "derived (inferred, not read in the report)",
        "gap": "covered, tier not confirmed",
    }
    # The gap's swatch is the chart's own "?" mark.
    assert [t.text for t in legend["gap"].iter(f"{SVG}text")] == ["?", "covered, tier not confirmed"]
    assert legend["gap"].find("svg:circle", NS).get("stroke-dasharray") == "2 2"


def test_tiers_chart_legend_entries_are_as_wide_as_their_labels(trends_client: TestClient) -> None:
    svg = parse(trends_client.get("/v1/charts/tiers.svg"))
    starts = [float(g.find("svg:text", NS).get("x")) for g in svg.findall(".//svg:g[@class='legend']", NS)]
    steps = [round(b - a, 1) for a, b in itertools.pairwise(starts)]
    # After "Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3": the long label takes more room, equal labels equal room.
    assert steps[0] == steps[1] == steps[3] < steps[2]


@pytest.mark.parametrize("region", [None, "AF", "EAP", "eur", "Western Hemisphere"])
def test_tiers_chart_axis_has_headroom_and_a_top_tick(real_client: TestClient, region: str | None) -> None:
    svg = parse(real_client.get("/v1/charts/tiers.svg", params={"region": region} if region else {}))
    totals: Counter[str] = Counter()
    tops: dict[str, float] = {}
    for bar in svg.findall(".//svg:rect[@class='bar']", NS):
        totals[bar.get("data-year")] += int(bar.get("data-count"))
        tops[bar.get("data-year")] = min(tops.get(bar.get("data-year"), 1e9), float(bar.get("y")))
    ticks = svg.findall(".//svg:text[@class='tick']", NS)
    values = [int(t.text) for t in ticks]
    assert values[0] == 0 and values == sorted(values)
    assert len({b - a for a, b in itertools.pairwise(values)}) == 1, "evenly spaced"
    assert values[-1] > max(totals.values()), "a round number above the tallest bar"
    assert values[-1] % (values[1] - values[0]) == 0
    top_line = float(ticks[-1].get("y")) - 4
    assert min(tops.values()) > top_line, "no bar reaches the top tick"
    assert min(tops.values()) > 30, "nor the heading"


def test_tiers_chart_top_tick_for_all_regions_is_200(real_client: TestClient) -> None:
    svg = parse(real_client.get("/v1/charts/tiers.svg"))
    assert [t.text for t in svg.findall(".//svg:text[@class='tick']", NS)] == ["0", "50", "100", "150", "200"]


@pytest.mark.parametrize("region", ["EAP", "eap", "East Asia and Pacific"])
def test_tiers_chart_spells_the_region_out(trends_client: TestClient, region: str) -> None:
    svg = parse(trends_client.get("/v1/charts/tiers.svg", params={"region": region}))
    assert svg.find("svg:title", NS).text == "Countries per Trafficking in Persons Report tier, East Asia and Pacific"
    heading = next(svg.iter(f"{SVG}text")).text
    assert heading == "Countries per tier, East Asia and Pacific"
    assert "EAP" not in ET.tostring(svg, encoding="unicode").split("<svg:rect")[0]


@pytest.mark.parametrize(
    "url",
    ["/v1/charts/countries/THA.svg", "/v1/charts/countries/CIV.svg", "/v1/charts/tiers.svg",
     "/v1/charts/tiers.svg?region=AF", "/v1/charts/world.svg", "/v1/charts/world.svg?region=EAP"],
)  # fmt: skip
def test_every_chart_is_readable_and_titles_each_mark(trends_client: TestClient, url: str) -> None:
    svg = parse(trends_client.get(url))
    assert svg.get("role") == "img"
    assert svg.findtext("svg:title", namespaces=NS) and svg.findtext("svg:desc", namespaces=NS)
    sizes = [float(e.get("font-size")) for e in svg.iter() if e.get("font-size")]
    assert sizes and min(sizes) >= 11, "legible at the chart's own size"
    marks = [e for e in svg.iter(f"{SVG}rect") if e.get("class") == "bar"]
    marks += [e for e in svg.iter(f"{SVG}circle") if e.get("class", "").split()[:1] in (["placement"], ["gap"])]
    marks += [e for e in svg.iter(f"{SVG}path") if e.get("fill") not in (None, "none")]
    assert marks
    assert all(mark.findtext("svg:title", namespaces=NS) for mark in marks)


def placement(client: TestClient, year: int, country: str) -> dict[str, Any]:
    rows: list[dict[str, Any]] = client.get("/v1/placements", params={"year": year, "country": country}).json()["data"]
    assert len(rows) == 1
    return rows[0]


def test_world_map_of_the_2025_edition(real_client: TestClient) -> None:
    response = real_client.get("/v1/charts/world.svg?year=2025")
    svg = parse(response)
    assert len(response.content) < 300_000
    assert "etag" in response.headers
    assert svg.get("role") == "img"
    assert svg.findtext("svg:title", namespaces=NS) == "Trafficking in Persons Report tiers, 2025"
    thailand = placement(real_client, 2025, "THA")
    assert [p.get("fill") for p in titled(svg, "path", f"Thailand: {thailand['tier_label']} (2025)")] == [
        PALETTE[thailand["tier"]]
    ]
    # Every country the edition placed is drawn (a shape, or a marker for a speck) and says its tier.
    drawn = {place.iso3 for place in world().places}
    rows = real_client.get("/v1/placements?year=2025&limit=1000").json()["data"]
    titles = {e.findtext(f"{SVG}title") for e in svg.iter() if e.tag in (f"{SVG}path", f"{SVG}circle")}
    missing = [
        r["country"] for r in rows if r["iso3"] in drawn and f"{r['country']}: {r['tier_label']} (2025)" not in titles
    ]
    assert missing == []
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case", "Not covered in 2025"} <= set(texts)
    version = real_client.get("/v1/meta").json()["data_version"]
    assert texts[-1] == (
        "Source: U.S. Department of State, Trafficking in Persons Report, 2025 edition. "
        f"TIP Tiers API data {version}. Boundaries: Natural Earth."
    )
    assert svg.findtext("svg:desc", namespaces=NS).startswith(f"{len(rows)} countries and territories in the 2025")


def test_world_map_is_of_the_latest_edition_by_default(client: TestClient) -> None:
    latest = client.get("/v1/charts/world.svg")
    assert parse(latest).findtext("svg:title", namespaces=NS) == "Trafficking in Persons Report tiers, 2010"
    assert latest.text == client.get("/v1/charts/world.svg?year=2010").text


@pytest.mark.parametrize("region", ["EAP", "east asia and pacific"])
def test_world_map_of_a_region_is_cropped_to_it(real_client: TestClient, region: str) -> None:
    whole = parse(real_client.get("/v1/charts/world.svg?year=2025"))
    svg = parse(real_client.get("/v1/charts/world.svg", params={"year": 2025, "region": region}))
    assert (
        svg.findtext("svg:title", namespaces=NS) == "Trafficking in Persons Report tiers, 2025, East Asia and Pacific"
    )
    view = svg.find(".//svg:svg[@id='worldmap-map']", NS).get("viewBox")
    assert view != whole.find(".//svg:svg[@id='worldmap-map']", NS).get("viewBox")
    assert float(view.split()[2]) < 960 / 2
    thailand = placement(real_client, 2025, "THA")
    assert titled(svg, "path", f"Thailand: {thailand['tier_label']} (2025)")
    assert [p.get("fill") for p in titled(svg, "path", "France")] == [OUTSIDE]
    eap = real_client.get("/v1/placements?year=2025&region=EAP&limit=1000").json()["meta"]["total"]
    assert svg.findtext("svg:desc", namespaces=NS).startswith(f"{eap} countries and territories of this region")


def test_world_map_colours_successors_by_the_historic_entity(real_client: TestClient) -> None:
    svg = parse(real_client.get("/v1/charts/world.svg?year=2005"))
    union = placement(real_client, 2005, "SCG")
    for name in ("Serbia", "Montenegro"):
        title = f"{name} (ranked as Serbia and Montenegro): {union['tier_label']} (2005)"
        assert [p.get("fill") for p in titled(svg, "path", title)] == [PALETTE[union["tier"]]]
    # Kosovo was not part of the 2005 entry.
    assert [p.get("fill") for p in titled(svg, "path", "Kosovo: not covered in 2005")] == [NOT_COVERED]
    notes = [t.text for t in svg.findall(".//svg:text[@class='note']", NS)]
    assert notes == [
        f"Serbia, Montenegro: shown with the tier of Serbia and Montenegro ({union['tier_label']}), which the 2005 "
        "report ranked as one country."
    ]
    # The description counts the edition's placements, Serbia and Montenegro once.
    placed = real_client.get("/v1/reports/2005").json()["countries_placed"]
    desc = svg.findtext("svg:desc", namespaces=NS)
    assert desc.startswith(f"{placed} countries and territories in the 2005 report") and notes[0] in desc


def test_world_map_gives_yugoslavia_kosovo_too(real_client: TestClient) -> None:
    svg = parse(real_client.get("/v1/charts/world.svg?year=2001"))
    union = placement(real_client, 2001, "YUG")
    title = f"Kosovo (ranked as Yugoslavia): {union['tier_label']} (2001)"
    assert [p.get("fill") for p in titled(svg, "path", title)] == [PALETTE[union["tier"]]]


def test_world_map_of_a_region_shows_its_uncovered_countries_as_not_covered(real_client: TestClient) -> None:
    # The United States was first ranked in 2010; in 2009 it is in the Western Hemisphere, uncovered.
    svg = parse(real_client.get("/v1/charts/world.svg?year=2009&region=WHA"))
    assert [p.get("fill") for p in titled(svg, "path", "United States: not covered in 2009")] == [NOT_COVERED]
    antilles = placement(real_client, 2009, "ANT")
    title = f"Curaçao (ranked as Netherlands Antilles): {antilles['tier_label']} (2009)"
    assert [c.get("fill") for c in titled(svg, "circle", title)] == [PALETTE[antilles["tier"]]]


@pytest.mark.parametrize(
    ("url", "status"),
    [("/v1/charts/world.svg?year=1999", 422), ("/v1/charts/world.svg?year=2026", 404),
     ("/v1/charts/world.svg?region=Narnia", 422)],
)  # fmt: skip
def test_world_map_refuses_a_year_or_region_it_cannot_draw(real_client: TestClient, url: str, status: int) -> None:
    response = real_client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
