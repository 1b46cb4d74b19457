"""Build api/world.json, the country shapes of the world map, from world-atlas's Natural Earth TopoJSON.

Run by hand when the boundaries change (seed/world/README.md says where the input comes from):

    python seed/world/make_world.py PATH/TO/countries-50m.json > api/world.json

Plain Python on purpose: decoding TopoJSON, the Equal Earth projection and Douglas-Peucker are a page each, and
the served app then needs nothing but the JSON this writes.
"""

import itertools
import json
import math
import sys
from collections.abc import Iterable, Sequence
from typing import Any

Point = tuple[float, float]

SOURCE = "world-atlas 2.0.2 (npm), countries-50m.json: Natural Earth 4.1.0 Admin 0 countries, 1:50m"
LICENCE = "Natural Earth: public domain. world-atlas: ISC, Copyright 2013-2019 Michael Bostock."

WIDTH = 960
# Room for half a border stroke at the map's left and right edges.
PAD = 2
# Douglas-Peucker tolerance in output units (1 unit is about 42 km at the equator): keeps the file under 200 kB.
TOLERANCE = 0.2
# Coordinates are written in tenths of a unit.
TENTHS = 10

# Šavrič, Patterson & Jenny (2018), "The Equal Earth map projection", IJGIS 33(3), equations 1-2.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2

# ISO 3166-1 numeric -> alpha-3 for every id in countries-50m.json (world-atlas keeps Natural Earth's ISO_N3).
ISO3 = {
    "004": "AFG", "008": "ALB", "010": "ATA", "012": "DZA", "016": "ASM", "020": "AND", "024": "AGO", "028": "ATG",
    "031": "AZE", "032": "ARG", "036": "AUS", "040": "AUT", "044": "BHS", "048": "BHR", "050": "BGD", "051": "ARM",
    "052": "BRB", "056": "BEL", "060": "BMU", "064": "BTN", "068": "BOL", "070": "BIH", "072": "BWA", "076": "BRA",
    "084": "BLZ", "086": "IOT", "090": "SLB", "092": "VGB", "096": "BRN", "100": "BGR", "104": "MMR", "108": "BDI",
    "112": "BLR", "116": "KHM", "120": "CMR", "124": "CAN", "132": "CPV", "136": "CYM", "140": "CAF", "144": "LKA",
    "148": "TCD", "152": "CHL", "156": "CHN", "158": "TWN", "170": "COL", "174": "COM", "178": "COG", "180": "COD",
    "184": "COK", "188": "CRI", "191": "HRV", "192": "CUB", "196": "CYP", "203": "CZE", "204": "BEN", "208": "DNK",
    "212": "DMA", "214": "DOM", "218": "ECU", "222": "SLV", "226": "GNQ", "231": "ETH", "232": "ERI", "233": "EST",
    "234": "FRO", "238": "FLK", "239": "SGS", "242": "FJI", "246": "FIN", "248": "ALA", "250": "FRA", "258": "PYF",
    "260": "ATF", "262": "DJI", "266": "GAB", "268": "GEO", "270": "GMB", "275": "PSE", "276": "DEU", "288": "GHA",
    "296": "KIR", "300": "GRC", "304": "GRL", "308": "GRD", "316": "GUM", "320": "GTM", "324": "GIN", "328": "GUY",
    "332": "HTI", "334": "HMD", "336": "VAT", "340": "HND", "344": "HKG", "348": "HUN", "352": "ISL", "356": "IND",
    "360": "IDN", "364": "IRN", "368": "IRQ", "372": "IRL", "376": "ISR", "380": "ITA", "384": "CIV", "388": "JAM",
    "392": "JPN", "398": "KAZ", "400": "JOR", "404": "KEN", "408": "PRK", "410": "KOR", "414": "KWT", "417": "KGZ",
    "418": "LAO", "422": "LBN", "426": "LSO", "428": "LVA", "430": "LBR", "434": "LBY", "438": "LIE", "440": "LTU",
    "442": "LUX", "446": "MAC", "450": "MDG", "454": "MWI", "458": "MYS", "462": "MDV", "466": "MLI", "470": "MLT",
    "478": "MRT", "480": "MUS", "484": "MEX", "492": "MCO", "496": "MNG", "498": "MDA", "499": "MNE", "500": "MSR",
    "504": "MAR", "508": "MOZ", "512": "OMN", "516": "NAM", "520": "NRU", "524": "NPL", "528": "NLD", "531": "CUW",
    "533": "ABW", "534": "SXM", "540": "NCL", "548": "VUT", "554": "NZL", "558": "NIC", "562": "NER", "566": "NGA",
    "570": "NIU", "574": "NFK", "578": "NOR", "580": "MNP", "583": "FSM", "584": "MHL", "585": "PLW", "586": "PAK",
    "591": "PAN", "598": "PNG", "600": "PRY", "604": "PER", "608": "PHL", "612": "PCN", "616": "POL", "620": "PRT",
    "624": "GNB", "626": "TLS", "630": "PRI", "634": "QAT", "642": "ROU", "643": "RUS", "646": "RWA", "652": "BLM",
    "654": "SHN", "659": "KNA", "660": "AIA", "662": "LCA", "663": "MAF", "666": "SPM", "670": "VCT", "674": "SMR",
    "678": "STP", "682": "SAU", "686": "SEN", "688": "SRB", "690": "SYC", "694": "SLE", "702": "SGP", "703": "SVK",
    "704": "VNM", "705": "SVN", "706": "SOM", "710": "ZAF", "716": "ZWE", "724": "ESP", "728": "SSD", "729": "SDN",
    "732": "ESH", "740": "SUR", "748": "SWZ", "752": "SWE", "756": "CHE", "760": "SYR", "762": "TJK", "764": "THA",
    "768": "TGO", "776": "TON", "780": "TTO", "784": "ARE", "788": "TUN", "792": "TUR", "795": "TKM", "796": "TCA",
    "800": "UGA", "804": "UKR", "807": "MKD", "818": "EGY", "826": "GBR", "831": "GGY", "832": "JEY", "833": "IMN",
    "834": "TZA", "840": "USA", "850": "VIR", "854": "BFA", "858": "URY", "860": "UZB", "862": "VEN", "876": "WLF",
    "882": "WSM", "887": "YEM", "894": "ZMB",
}  # fmt: skip
# Features Natural Earth gives no ISO number. Kosovo has no ISO 3166-1 code; XKX is the user-assigned code the
# project's countries.csv uses. N. Cyprus, Somaliland, Siachen Glacier and Indian Ocean Ter. stay without one.
UNNUMBERED = {"Kosovo": "XKX"}

# Places with no polygon in the 1:50m set, placed by the CIA World Factbook's "Geographic coordinates" field.
POINTS = [("TUV", "Tuvalu", 179 + 13 / 60, -(8 + 31 / 60))]


def equal_earth(lon: float, lat: float) -> Point:
    """Equal Earth on the unit sphere, y up: equal-area, so a country's size on the map compares fairly."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


# x = 2√3 λ cos θ / (3 (...)) is λ cos θ / (M (...)), since 2√3/3 = 1/M.
X_MAX, Y_MAX = equal_earth(180, 0)[0], equal_earth(0, 90)[1]
SCALE = (WIDTH - 2 * PAD) / (2 * X_MAX)
HEIGHT = math.ceil(2 * Y_MAX * SCALE + 2 * PAD)


def project(lon: float, lat: float) -> Point:
    """Map units: x from 0 at the left, y from 0 at the top (SVG's y grows downward, so north is flipped up)."""
    x, y = equal_earth(lon, lat)
    return PAD + (x + X_MAX) * SCALE, PAD + (Y_MAX - y) * SCALE


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Each arc as lon/lat points: TopoJSON quantizes positions and stores each after the first as a delta."""
    (kx, ky), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * kx + tx, y * ky + ty))
        arcs.append(points)
    return arcs


def _distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy)
    if length == 0:
        return math.hypot(px - ax, py - ay)
    return abs(dx * (ay - py) - dy * (ax - px)) / length


def simplify(points: Sequence[Point], tolerance: float) -> list[int]:
    """Douglas-Peucker: keep the ends, then any point farther than `tolerance` from the line its neighbours make.
    Returns the indexes kept."""
    if len(points) < 3:
        return list(range(len(points)))
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, 0
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > far:
                far, index = d, i
        if far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [i for i, k in enumerate(keep) if k]


def unwrap(points: Sequence[Point]) -> list[Point]:
    """Longitudes made continuous (179 then 181, not -179), so a line across the antimeridian stays short."""
    out = [points[0]]
    for lon, lat in points[1:]:
        out.append((lon + 360 * round((out[-1][0] - lon) / 360), lat))
    return out


def simplify_arc(arc: Sequence[Point], tolerance: float) -> list[Point]:
    """An arc simplified once, in map units, so the two countries that share it keep one border with no slivers.
    A small arc gets a finer tolerance, so an island state keeps its shape rather than a sliver's.
    A closed arc (an island) is split at its farthest point first, or it would shrink to its start."""
    points = [project(lon, lat) for lon, lat in unwrap(arc)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    tolerance = min(tolerance, math.hypot(max(xs) - min(xs), max(ys) - min(ys)) / 8)
    if points[0] != points[-1] or len(points) < 4:
        return [arc[i] for i in simplify(points, tolerance)]
    far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
    kept = simplify(points[: far + 1], tolerance) + [far + i for i in simplify(points[far:], tolerance)[1:]]
    return [arc[i] for i in kept]


def ring(indexes: Iterable[int], arcs: list[list[Point]]) -> list[Point]:
    """A ring joined from its arcs; ~i is arc i walked backwards, and each arc starts where the last one ended."""
    points: list[Point] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points += arc[1:] if points else arc
    return points


def clip(points: Sequence[Point], lon: float, west: bool) -> list[Point]:
    """Sutherland-Hodgman against one meridian: the part of a closed ring west (or east) of it, closed along it."""

    def inside(p: Point) -> bool:
        return p[0] <= lon if west else p[0] >= lon

    out = []
    for a, b in itertools.pairwise(points):
        if inside(a):
            out.append(a)
        if inside(a) != inside(b):
            out.append((lon, a[1] + (lon - a[0]) / (b[0] - a[0]) * (b[1] - a[1])))
    return [*out, out[0]] if out else []


def cut(points: Sequence[Point]) -> list[list[Point]]:
    """A lon/lat ring as pieces within -180..180. world-atlas stitches Natural Earth's rings back together across
    the antimeridian (Russia, Fiji) and round the South Pole (Antarctica); a flat map needs them cut again."""
    points = unwrap(points)
    start, end = points[0][0], points[-1][0]
    if abs(end - start) > 180:
        # A ring that winds round a pole: close it along the pole, which Equal Earth draws as a line.
        pole = math.copysign(90, sum(p[1] for p in points))
        points += [(end, pole), (start, pole), points[0]]
    lons = [p[0] for p in points]
    pieces = []
    for k in range(math.floor((min(lons) - 180) / 360) + 1, math.ceil((max(lons) + 180) / 360)):
        piece = clip(clip(points, 180 + 360 * k, west=True), -180 + 360 * k, west=False)
        if piece:
            pieces.append([(lon - 360 * k, lat) for lon, lat in piece])
    return pieces


def area_and_centroid(points: Sequence[Point]) -> tuple[float, Point]:
    """The shoelace area (unsigned) and the area centroid of a closed ring."""
    twice, cx, cy = 0.0, 0.0, 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        cross = x0 * y1 - x1 * y0
        twice += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if twice == 0:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(twice) / 2, (cx / (3 * twice), cy / (3 * twice))


def _tenths(points: Sequence[Point]) -> list[tuple[int, int]]:
    """Rounded to the output's precision, with the repeats that rounding makes taken out."""
    out: list[tuple[int, int]] = []
    for x, y in points:
        p = (round(x * TENTHS), round(y * TENTHS))
        if not out or p != out[-1]:
            out.append(p)
    return out


def _number(tenths: int) -> str:
    text = f"{tenths / TENTHS:.1f}".removesuffix(".0")
    return text.replace("0.", ".", 1) if text.lstrip("-").startswith("0.") else text


def path(rings: Iterable[Sequence[Point]]) -> str:
    """SVG path data: an absolute moveto, then relative linetos in tenths (so rounding never accumulates).
    A ring that rounding shrinks below a triangle is left out."""
    parts = []
    for points in rings:
        tenths = _tenths(points)
        if tenths[0] == tenths[-1]:
            tenths.pop()
        if len(tenths) < 3 or area_and_centroid([*tenths, tenths[0]])[0] == 0:
            continue
        numbers = [_number(tenths[0][0]), _number(tenths[0][1]), "l"]
        for (x0, y0), (x1, y1) in itertools.pairwise(tenths):
            numbers += [_number(x1 - x0), _number(y1 - y0)]
        parts.append("M" + " ".join(numbers).replace(" l ", "l").replace(" -", "-") + "z")
    return "".join(parts)


def outline() -> str:
    """The edge of the world in this projection: the meridians at 180°E and 180°W, which bound the map."""
    east = [project(180, lat) for lat in range(90, -91, -5)]
    west = [project(-180, lat) for lat in range(-90, 91, 5)]
    return path([[*east, *west]])


def _rounded(value: float) -> float:
    return round(value, 1)


def features(topology: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One record per country shape, and a point for each country whose every ring is too small to draw."""
    full = decode_arcs(topology)
    simple = [simplify_arc(arc, TOLERANCE) for arc in full]

    def projected(rings: list[list[int]], arcs: list[list[Point]]) -> list[list[Point]]:
        return [[project(lon, lat) for lon, lat in piece] for r in rings for piece in cut(ring(r, arcs))]

    shapes, points = [], []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric, name = geometry.get("id"), geometry["properties"]["name"]
        iso3 = ISO3[numeric] if numeric else UNNUMBERED.get(name)
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [indexes for polygon in polygons for indexes in polygon]
        # Centroid, area and box come from the unsimplified outline of the largest ring: the mainland.
        area, centroid, largest = max(
            ((*area_and_centroid(points), points) for points in projected(rings, full)), key=lambda a: a[0]
        )
        d = path(projected(rings, simple))
        if not d:
            points.append({"iso3": iso3, "name": name, "x": _rounded(centroid[0]), "y": _rounded(centroid[1])})
            continue
        xs, ys = [p[0] for p in largest], [p[1] for p in largest]
        shapes.append(
            {
                "numeric": numeric,
                "iso3": iso3,
                "name": name,
                "d": d,
                "centroid": [_rounded(centroid[0]), _rounded(centroid[1])],
                "area": round(area, 3),
                "bbox": [_rounded(min(xs)), _rounded(min(ys)), _rounded(max(xs)), _rounded(max(ys))],
            }
        )
    # Ashmore and Cartier Is. share Australia's number: a speck of a country drawn elsewhere needs no marker.
    drawn = {shape["iso3"] for shape in shapes}
    points = [point for point in points if point["iso3"] not in drawn]
    for iso3, name, lon, lat in POINTS:
        x, y = project(lon, lat)
        points.append({"iso3": iso3, "name": name, "x": _rounded(x), "y": _rounded(y)})
    return shapes, points


def world(topology: dict[str, Any]) -> str:
    """The whole file: metadata on top, then one feature per line, so a rebuild's diff reads country by country."""
    shapes, points = features(topology)
    head = {
        "source": SOURCE,
        "licence": LICENCE,
        "projection": "Equal Earth",
        "width": WIDTH,
        "height": HEIGHT,
        "tolerance": TOLERANCE,
        "outline": outline(),
    }

    def dumps(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = [dumps(head)[:-1] + ',"features":[', ",\n".join(map(dumps, shapes)), '],"points":[']
    return "\n".join([*lines, ",\n".join(map(dumps, points)), "]}"]) + "\n"


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(f"usage: python {argv[0]} PATH/TO/countries-50m.json > api/world.json")
    with open(argv[1], encoding="utf-8") as f:
        sys.stdout.write(world(json.load(f)))


if __name__ == "__main__":
    main(sys.argv)
