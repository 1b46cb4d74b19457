import csv
import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from api.worldmap import NOT_COVERED, OUTSIDE, PALETTE, WORLD, half_width, world_svg
from api.worldmap import world as load_world

SVG = "{http://www.w3.org/2000/svg}"
COUNTRIES = Path(__file__).parents[1] / "seed" / "data" / "countries.csv"
LABELS = {"1": "Tier 1", "2": "Tier 2", "2WL": "Tier 2 Watch List", "3": "Tier 3", "SC": "Special Case"}
NAMES = {"THA": "Thailand", "NRU": "Nauru", "FRA": "France", "DEU": "Germany", "SOM": "Somalia", "TUV": "Tuvalu"}
TIERS = {"THA": "2", "NRU": "3", "FRA": "1", "DEU": "1", "SOM": "SC", "PRK": "3", "BHR": "2WL"}
CREDIT = "Source: U.S. Department of State, Trafficking in Persons Report, 2025 edition."
NUMBER = r"-?(?:\d+(?:\.\d)?|\.\d)"
# Each ring: an absolute moveto, relative linetos (a space between numbers unless a minus sign parts them), close.
PATH = re.compile(rf"(?:M{NUMBER} {NUMBER}l{NUMBER}(?:(?: |(?=-)){NUMBER})+z)+")
TOKEN = re.compile(r"[Mlz]|-?(?:\d+\.?\d*|\.\d+)")


def world() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(WORLD.read_text(encoding="utf-8"))
    return data


def segments(d: str) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Each straight line of a path of M (absolute), l (relative) and z, the closing line included."""
    out = []
    # Summed in whole tenths, as written, so that a long ring's sum does not drift.
    command, x, y, start = "", 0, 0, (0, 0)
    tokens = TOKEN.findall(d)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in "Mlz":
            command, i = token, i + 1
            if token == "z":
                out.append(((x, y), start))
                x, y = start
            continue
        dx, dy = round(float(tokens[i]) * 10), round(float(tokens[i + 1]) * 10)
        i += 2
        if command == "M":
            x, y = start = (dx, dy)
        else:
            out.append(((x, y), (x + dx, y + dy)))
            x, y = x + dx, y + dy
    return [((x0 / 10, y0 / 10), (x1 / 10, y1 / 10)) for (x0, y0), (x1, y1) in out]


def render(tiers: dict[str, str] = TIERS, region: set[str] | None = None) -> str:
    return world_svg(tiers, 2025, "TIP Report 2025", CREDIT, LABELS, PALETTE, NAMES, region)


def titled(root: ET.Element, tag: str, title: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if e.findtext(f"{SVG}title") == title]


def test_world_json_is_small_with_its_provenance() -> None:
    data = world()
    assert WORLD.stat().st_size < 300_000
    assert data["projection"] == "Equal Earth"
    assert "Natural Earth" in str(data["source"]) and "public domain" in str(data["licence"])
    assert data["width"] == 960


def test_world_json_paths_parse_without_antimeridian_streaks() -> None:
    data = world()
    width, height = data["width"], data["height"]
    # The poles are lines in Equal Earth, so Antarctica's edge along the South Pole may span the map.
    poles = {a[1] for a, b in segments(str(data["outline"])) if a[1] == b[1]}
    assert len(poles) == 2
    for feature in data["features"]:
        assert PATH.fullmatch(feature["d"]), feature["name"]
        for (x0, y0), (x1, y1) in segments(feature["d"]):
            assert 0 <= x1 <= width and 0 <= y1 <= height, feature["name"]
            along_pole = y0 == y1 and y0 in poles
            assert abs(x1 - x0) <= width / 2 or along_pole, (feature["name"], (x0, y0), (x1, y1))


def test_world_json_has_every_country_but_the_historic_ones() -> None:
    data = world()
    drawn = {f["iso3"] for f in data["features"]} | {p["iso3"] for p in data["points"]}
    with COUNTRIES.open(encoding="utf-8") as f:
        ours = {row["iso3"] for row in csv.DictReader(f)}
    # Netherlands Antilles, Serbia and Montenegro, Yugoslavia: the caller draws them as today's countries.
    assert ours - drawn == {"ANT", "SCG", "YUG"}
    assert "XKX" in drawn


def test_world_json_places_tuvalu_as_a_point() -> None:
    points = {p["iso3"]: p for p in world()["points"]}
    # 8°31'S 179°13'E: the far right of the map, a little south of the equator.
    assert 940 < points["TUV"]["x"] < 958 and 235 < points["TUV"]["y"] < 280


def test_world_svg_is_accessible_self_contained_and_small() -> None:
    svg = render()
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title[@id='{title_id}']") is not None
    assert root.find(f"{SVG}desc[@id='{desc_id}']") is not None
    assert root.findtext(f"{SVG}title") == "TIP Report 2025"
    assert root.findtext(f"{SVG}desc", "").startswith(
        "7 countries and territories in the 2025 report: 2 on Tier 1, 1 on Tier 2, 1 on Tier 2 Watch List, "
        "2 on Tier 3, 1 as Special Case."
    )
    assert len(svg.encode()) < 300_000
    assert "<script" not in svg and "http:" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert set(re.findall(r"url\(#([\w-]+)\)", svg)) <= {e.get("id") for e in root.iter(f"{SVG}pattern")}
    background = root.find(f"{SVG}rect")
    assert background is not None and background.get("fill") == "#ffffff"


def test_world_svg_titles_each_country_with_its_tier() -> None:
    root = ET.fromstring(render())
    assert [p.get("fill") for p in titled(root, "path", "Thailand: Tier 2 (2025)")] == [PALETTE["2"]]
    assert [p.get("fill") for p in titled(root, "path", "Somalia: Special Case (2025)")] == ["url(#worldmap-sc)"]
    assert [p.get("fill") for p in titled(root, "path", "Greenland: not covered in 2025")] == [NOT_COVERED]


def test_world_svg_marks_small_states() -> None:
    root = ET.fromstring(render())
    assert [c.get("fill") for c in titled(root, "circle", "Nauru: Tier 3 (2025)")] == [PALETTE["3"]]
    assert [c.get("fill") for c in titled(root, "circle", "Bahrain: Tier 2 Watch List (2025)")] == [PALETTE["2WL"]]
    # Tuvalu has no polygon at 1:50m, so it is a marker even when not covered.
    assert [c.get("fill") for c in titled(root, "circle", "Tuvalu: not covered in 2025")] == [NOT_COVERED]
    # Thailand is big enough to see, and an unranked speck (Niue) gets no marker.
    assert not titled(root, "circle", "Thailand: Tier 2 (2025)")
    assert not [c for c in root.iter(f"{SVG}circle") if "Niue" in c.findtext(f"{SVG}title", "")]


def test_world_svg_paints_every_feature_of_a_code() -> None:
    root = ET.fromstring(render({"SRB": "3", "MNE": "3"}))
    assert len(titled(root, "path", "Serbia: Tier 3 (2025)")) == 1
    assert len(titled(root, "path", "Montenegro: Tier 3 (2025)")) == 1


def test_world_svg_has_a_legend_and_a_credit() -> None:
    root = ET.fromstring(render())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[1:7] == [*LABELS.values(), "Not covered in 2025"]
    assert texts[-1] == f"{CREDIT} Boundaries: Natural Earth."
    swatches = [r for r in root.iter(f"{SVG}rect") if r.get("width") == "14"]
    fills = [PALETTE["1"], PALETTE["2"], PALETTE["2WL"], PALETTE["3"], "url(#worldmap-sc-key)", NOT_COVERED]
    assert [s.get("fill") for s in swatches] == fills
    steps = [float(b.get("x", 0)) - float(a.get("x", 0)) for a, b in itertools.pairwise(swatches)]
    assert max(steps) - min(steps) <= 0.11


def test_world_svg_region_crops_and_greys_out_the_rest() -> None:
    region = {"THA", "KHM", "LAO", "VNM", "MMR"}
    whole = ET.fromstring(render()).find(f".//{SVG}svg[@id='worldmap-map']")
    root = ET.fromstring(render(region=region))
    cropped = root.find(f".//{SVG}svg[@id='worldmap-map']")
    assert whole is not None and cropped is not None
    assert whole.get("viewBox") == "0 0 960 470"
    x, y, w, h = map(float, cropped.get("viewBox", "").split())
    boxes = [f["bbox"] for f in world()["features"] if f["iso3"] in region]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    assert x < x0 and y < y0 and x + w > x1 and y + h > y1
    assert w < 1.5 * (x1 - x0) and h < 1.5 * (y1 - y0)
    assert [p.get("fill") for p in titled(root, "path", "Thailand: Tier 2 (2025)")] == [PALETTE["2"]]
    assert [p.get("fill") for p in titled(root, "path", "France")] == [OUTSIDE]


def _linear(hex_colour: str) -> list[float]:
    """sRGB to linear light (IEC 61966-2-1)."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _luminance(rgb: list[float]) -> float:
    """Rec. 709 luminance: what a greyscale printer or photocopier keeps."""
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


# Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of Color Vision
# Deficiency", IEEE TVCG 15(6), table of matrices at severity 1.0, applied to linear RGB.
PROTANOPIA = [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
DEUTERANOPIA = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
IDENTITY = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]


def _seen(matrix: list[list[float]], rgb: list[float]) -> list[float]:
    return [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix]


@pytest.mark.parametrize("vision", [IDENTITY, PROTANOPIA, DEUTERANOPIA], ids=["normal", "protanopia", "deuteranopia"])
def test_palette_fills_differ_in_lightness(vision: list[list[float]]) -> None:
    fills = {**PALETTE, "not covered": NOT_COVERED}
    luminance = {code: _luminance(_seen(vision, _linear(colour))) for code, colour in fills.items()}
    for a, b in itertools.combinations(fills, 2):
        assert abs(luminance[a] - luminance[b]) >= 0.08, (a, b, luminance)
    # Tier 1 to Tier 3 run light to dark, and "not covered" is the lightest of all.
    assert luminance["1"] > luminance["2"] > luminance["2WL"] > luminance["3"]
    assert max(luminance, key=luminance.__getitem__) == "not covered"


@pytest.mark.parametrize("matrix", [PROTANOPIA, DEUTERANOPIA], ids=["protanopia", "deuteranopia"])
def test_palette_simulation_keeps_greys_grey(matrix: list[list[float]]) -> None:
    # Each row of Machado's matrices sums to 1, so a transcription slip shows up as a tinted grey.
    assert all(abs(sum(row) - 1) < 1e-3 for row in matrix)


def test_world_svg_counts_each_placement_once() -> None:
    # Serbia and Montenegro, ranked as one, painted on both: one placement, two shapes.
    tiers = {"SRB": "2", "MNE": "2", "THA": "3"}
    root = ET.fromstring(world_svg(tiers, 2005, "T", CREDIT, LABELS, PALETTE, NAMES, placed={"SCG": "2", "THA": "3"}))
    assert root.findtext(f"{SVG}desc", "").startswith(
        "2 countries and territories in the 2005 report: 0 on Tier 1, 1 on Tier 2, 0 on Tier 2 Watch List, "
        "1 on Tier 3, 0 as Special Case."
    )
    assert len(titled(root, "path", "Serbia: Tier 2 (2005)")) == 1


def test_world_svg_notes_go_under_the_legend_and_into_the_description() -> None:
    note = "Serbia, Montenegro: shown with the tier of Serbia and Montenegro (Tier 2)."
    plain = ET.fromstring(render())
    root = ET.fromstring(world_svg(TIERS, 2025, "T", CREDIT, LABELS, PALETTE, NAMES, notes=[note]))
    notes = [t for t in root.iter(f"{SVG}text") if t.get("class") == "note"]
    assert [t.text for t in notes] == [note]
    legend_y = max(float(r.get("y", 0)) for r in root.iter(f"{SVG}rect") if r.get("width") == "14")
    credit = [t for t in root.iter(f"{SVG}text")][-1]
    assert legend_y + 14 < float(notes[0].get("y", 0)) < float(credit.get("y", 0))
    assert float(root.get("height", 0)) == float(plain.get("height", 0)) + 18
    assert note in root.findtext(f"{SVG}desc", "")


def test_world_svg_region_counts_only_its_countries() -> None:
    root = ET.fromstring(render(region={"THA", "NRU", "PRK"}))
    assert root.findtext(f"{SVG}desc", "").startswith(
        "3 countries and territories of this region in the 2025 report: 0 on Tier 1, 1 on Tier 2, "
    )


def test_half_width_follows_the_edge_of_the_map() -> None:
    full = load_world()
    edge = [b for _, b in segments(full.outline) if b[0] > full.width / 2]
    assert len(edge) > 30
    for x, y in edge:
        assert half_width(full, y) == pytest.approx(x - full.width / 2, abs=0.2)


def test_world_svg_region_across_the_180th_meridian_is_drawn_in_one_piece() -> None:
    # Tonga and Samoa lie just east of the 180th meridian, on the map's far left; Japan and Fiji far right.
    region = {"JPN", "FJI", "TON", "WSM", "PNG"}
    root = ET.fromstring(render({"JPN": "1", "FJI": "2", "TON": "2", "WSM": "3", "PNG": "3"}, region=region))
    x, _, w, _ = map(float, root.find(f".//{SVG}svg[@id='worldmap-map']").get("viewBox", "").split())
    assert w < 400 and x > 600
    markers = titled(root, "circle", "Samoa: Tier 3 (2025)") + titled(root, "circle", "Tonga: Tier 2 (2025)")
    assert len(markers) == 2
    assert all(x < float(m.get("cx", 0)) < x + w for m in markers)
    # The edge of the world would run through the Pacific: it is left out.
    assert root.find(f".//{SVG}svg[@id='worldmap-map']/{SVG}path[@fill='none']") is None
