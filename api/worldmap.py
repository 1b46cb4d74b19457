"""A world map of one edition's tier placements, as a self-contained SVG to embed or print."""

import itertools
import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

# Natural Earth 1:50m countries in the Equal Earth projection, made by seed/world/make_world.py.
WORLD = Path(__file__).with_name("world.json")

# Viridis (van der Walt & Smith, matplotlib 2015) at four stops, lighter to darker from Tier 1 to Tier 3, so the
# order survives greyscale printing and red-green colour blindness; Special Case is a mid grey, between Tier 2 and
# the Watch List in lightness and hatched on the map, so it never reads as a step of the scale.
PALETTE = {"1": "#fde725", "2": "#5ec962", "2WL": "#21918c", "3": "#440154", "SC": "#9e9e9e"}
NOT_COVERED = "#f2f2f2"
# Countries outside the region a cropped map shows: context, not data.
OUTSIDE = "#dcdcdc"

WIDTH = 960
MAX_HEIGHT = 600
HEADING = 36
FOOTER = 64
# A line under the legend for each note.
NOTE = 18
# Below this area (map units², about 1,300 km² each) a country is a speck, so a marker shows its tier.
SMALL = 5.0
MARKER = 3.5
FONT = 'font-family="system-ui, sans-serif" font-size="13"'


@dataclass(frozen=True)
class Place:
    """A country shape from world.json, or a marker-only point (`d` empty) for a state with no polygon."""

    iso3: str | None
    name: str
    d: str
    x: float
    y: float
    area: float
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True)
class World:
    width: float
    height: float
    outline: str
    places: tuple[Place, ...]


@cache
def world() -> World:
    """world.json, read once per process."""
    data = json.loads(WORLD.read_text(encoding="utf-8"))
    places = [
        Place(f["iso3"], f["name"], f["d"], f["centroid"][0], f["centroid"][1], f["area"], tuple(f["bbox"]))
        for f in data["features"]
    ]
    places += [
        Place(p["iso3"], p["name"], "", p["x"], p["y"], 0.0, (p["x"], p["y"], p["x"], p["y"])) for p in data["points"]
    ]
    return World(data["width"], data["height"], data["outline"], tuple(places))


# Equal Earth as seed/world/make_world.py draws world.json (Šavrič, Patterson & Jenny 2018, equations 1-2), with
# its 2-unit margin: enough to move a place a whole turn of longitude east, which the Pacific's regions need.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
PAD = 2.0


def _slope(theta: float) -> float:
    t2 = theta * theta
    return A1 + 3 * A2 * t2 + t2 * t2 * t2 * (7 * A3 + 9 * A4 * t2)


def half_width(full: World, y: float) -> float:
    """Half the map's width at height `y`, in map units: from the central meridian to the 180th."""
    pole = math.asin(M)
    y_max = pole * (A1 + A2 * pole**2 + pole**6 * (A3 + A4 * pole**2))
    scale = (full.width - 2 * PAD) / (2 * math.pi / (M * A1))
    target = y_max - (y - PAD) / scale
    theta = target / A1
    for _ in range(8):  # Newton's method: y(theta) has derivative _slope(theta)
        t2 = theta * theta
        theta -= (theta * (A1 + A2 * t2 + t2 * t2 * t2 * (A3 + A4 * t2)) - target) / _slope(theta)
    return scale * math.pi * math.cos(theta) / (M * _slope(theta))


def _longitude(full: World, x: float, y: float) -> float:
    return (x - full.width / 2) / half_width(full, y) * 180


def _offsets(full: World, region: set[str]) -> list[float]:
    """How far east to move each place so that the region is drawn in one piece: for a region astride the 180th
    meridian (East Asia and Pacific, with Samoa and Tonga on the map's far left), the world is cut instead in the
    middle of the widest stretch of longitude holding none of its countries, and what lies west of that cut moves a
    whole turn east. All zero when the widest stretch already spans the map's edge."""
    spans = sorted(
        (_longitude(full, p.bbox[0], p.y), _longitude(full, p.bbox[2], p.y)) for p in full.places if p.iso3 in region
    )
    if not spans:
        return [0.0] * len(full.places)
    gaps, reach = [], spans[0][1]
    for start, end in spans[1:]:
        gaps.append((start - reach, (start + reach) / 2))
        reach = max(reach, end)
    widest = max(gaps, default=(0.0, 0.0))
    if widest[0] <= spans[0][0] + 360 - reach:
        return [0.0] * len(full.places)
    seam = widest[1]
    return [2 * half_width(full, p.y) if _longitude(full, p.x, p.y) < seam else 0.0 for p in full.places]


def _crop(full: World, region: set[str], offsets: list[float]) -> tuple[float, float, float, float]:
    """The box round the region's countries (their largest ring: France without French Guiana), with a margin."""
    boxes = [
        (p.bbox[0] + dx, p.bbox[1], p.bbox[2] + dx, p.bbox[3])
        for p, dx in zip(full.places, offsets, strict=True)
        if p.iso3 in region
    ]
    if not boxes:
        return 0.0, 0.0, full.width, full.height
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    margin = 0.06 * max(x1 - x0, y1 - y0) + 6
    # Nothing lies beyond the poles, so the margin stops there (Europe's box reaches Russia's Arctic islands).
    top, bottom = max(y0 - margin, 0.0), min(y1 + margin, full.height)
    return x0 - margin, top, x1 - x0 + 2 * margin, bottom - top


def _spread(points: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Markers pushed apart until none overlaps another, so each small state's tier shows (the Lesser Antilles)."""
    moved = [list(p) for p in points]
    for _ in range(100):
        clear = True
        for a, b in itertools.combinations(moved, 2):
            dx, dy = b[0] - a[0], b[1] - a[1]
            distance = math.hypot(dx, dy)
            if distance >= gap:
                continue
            clear = False
            if distance == 0:
                dx, dy, distance = 0.0, 1.0, 1.0
            push = (gap - distance) / 2 / distance
            a[0], a[1], b[0], b[1] = a[0] - dx * push, a[1] - dy * push, b[0] + dx * push, b[1] + dy * push
        if clear:
            break
    return [(x, y) for x, y in moved]


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _describe(placed: dict[str, str], year: int, labels: dict[str, str], cropped: bool) -> str:
    counts = Counter(placed.values())
    parts = [f"{counts[code]} {'as' if code == 'SC' else 'on'} {label}" for code, label in labels.items()]
    where = " of this region" if cropped else ""
    return f"{len(placed)} countries and territories{where} in the {year} report: {', '.join(parts)}."


def _hatch(pattern_id: str, size: float, colour: str) -> str:
    """Special Case's fill: its grey under white diagonal stripes, `size` units apart."""
    return (
        f'<pattern id="{pattern_id}" width="{size:.2f}" height="{size:.2f}" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="{size:.2f}" height="{size:.2f}" fill="{colour}"/>'
        f'<path d="M0 0V{size:.2f}" stroke="#ffffff" stroke-width="{size * 0.3:.2f}"/></pattern>'
    )


def world_svg(
    tiers: dict[str, str],
    year: int,
    title: str,
    credit: str,
    labels: dict[str, str],
    colours: dict[str, str],
    names: dict[str, str],
    region: set[str] | None = None,
    placed: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> str:
    """The map: `tiers` is {iso3: tier code} for one edition (a historic entity already expanded to today's
    codes), `labels` and `colours` are by tier code in legend order, `names` by iso3 for each country's tooltip;
    `region` crops to those countries and greys out the rest. `placed` is what the description counts (those in
    `region`), the edition's own placements (Serbia and Montenegro once, not as two countries), `tiers` by default;
    each of `notes` is a line under the legend (how a historic entity is drawn)."""
    full = world()
    offsets = [0.0] * len(full.places) if region is None else _offsets(full, region)
    crop = (0.0, 0.0, full.width, full.height) if region is None else _crop(full, region, offsets)
    scale = min(WIDTH / crop[2], MAX_HEIGHT / crop[3])
    frame_width, frame_height = crop[2] * scale, crop[3] * scale
    # Markers, borders and hatching keep their size on screen whatever the crop's zoom.
    unit = 1 / scale

    def fill(tier: str | None, hatch: str = "worldmap-sc") -> str:
        if tier is None:
            return NOT_COVERED
        return f"url(#{hatch})" if tier == "SC" else colours[tier]

    def inside(iso3: str | None) -> bool:
        return region is None or iso3 in region

    def tooltip(place: Place) -> str:
        name = names.get(place.iso3 or "", place.name)
        if not inside(place.iso3):
            return name
        tier = tiers.get(place.iso3 or "")
        return f"{name}: {labels[tier]} ({year})" if tier else f"{name}: not covered in {year}"

    shapes = []
    largest: dict[str, tuple[Place, float]] = {}
    for place, dx in zip(full.places, offsets, strict=True):
        within = inside(place.iso3)
        if place.d:
            tier = tiers.get(place.iso3 or "")
            colour = fill(tier) if within else OUTSIDE
            # A white border would lose an uncovered coast against the white sea.
            edge = "" if within and tier else ' stroke="#b0b0b0"'
            moved = f' transform="translate({dx:.1f} 0)"' if dx else ""
            shapes.append(
                f'<path d="{place.d}" fill="{colour}"{edge}{moved}><title>{escape(tooltip(place))}</title></path>'
            )
        if place.iso3 and within and (place.iso3 not in largest or place.area > largest[place.iso3][0].area):
            largest[place.iso3] = place, dx

    # Every point-only state gets a marker, ranked or not; a speck of a polygon only when it has a tier.
    small = [
        (p, p.x + dx) for iso3, (p, dx) in sorted(largest.items()) if p.area < SMALL and (iso3 in tiers or not p.d)
    ]
    markers = []
    spread = _spread([(x, p.y) for p, x in small], (2 * MARKER + 1) * unit)
    for (place, at), (x, y) in zip(small, spread, strict=True):
        if math.dist((x, y), (at, place.y)) > MARKER * unit / 2:
            markers.append(
                f'<path d="M{_number(at)} {_number(place.y)}L{x:.1f} {y:.1f}" stroke-width="{0.5 * unit:.2f}"/>'
            )
        colour = colours[tiers[place.iso3]] if place.iso3 in tiers else NOT_COVERED
        markers.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{MARKER * unit:.2f}" fill="{colour}">'
            f"<title>{escape(tooltip(place))}</title></circle>"
        )

    entries = [(fill(code, "worldmap-sc-key"), label) for code, label in labels.items()]
    entries.append((NOT_COVERED, f"Not covered in {year}"))
    slot = (WIDTH - 32) / len(entries)
    legend_y = HEADING + round(frame_height) + 14
    legend = [
        f'<rect x="{16 + i * slot:.1f}" y="{legend_y}" width="14" height="14" fill="{colour}" stroke="#777777" '
        f'stroke-width="0.5"/><text x="{36 + i * slot:.1f}" y="{legend_y + 12}">{escape(label)}</text>'
        for i, (colour, label) in enumerate(entries)
    ]
    notes = notes or []
    legend += [
        f'<text class="note" x="16" y="{legend_y + 34 + i * NOTE}" fill="#333333">{escape(note)}</text>'
        for i, note in enumerate(notes)
    ]
    total = HEADING + round(frame_height) + FOOTER + NOTE * len(notes)
    sc = colours.get("SC", PALETTE["SC"])
    source = f"{credit} Boundaries: Natural Earth."
    view = " ".join(_number(v) for v in crop)
    counted = {iso3: tier for iso3, tier in (tiers if placed is None else placed).items() if inside(iso3)}
    described = _describe(counted, year, labels, region is not None)
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{total}" viewBox="0 0 {WIDTH} {total}" '
            f'role="img" aria-labelledby="worldmap-title worldmap-desc" {FONT}>',
            f'<title id="worldmap-title">{escape(title)}</title>',
            f'<desc id="worldmap-desc">{escape(" ".join([described, *notes, source]))}</desc>',
            f"<defs>{_hatch('worldmap-sc', 4 * unit, sc)}{_hatch('worldmap-sc-key', 4, sc)}</defs>",
            f'<rect width="{WIDTH}" height="{total}" fill="#ffffff"/>',
            f'<text x="16" y="24" font-size="17" font-weight="bold">{escape(title)}</text>',
            f'<svg id="worldmap-map" x="{(WIDTH - frame_width) / 2:.1f}" y="{HEADING}" width="{frame_width:.1f}" '
            f'height="{frame_height:.1f}" viewBox="{view}">',
            # The edge of the world, unless the map was cut elsewhere: then it would run through the region.
            ""
            if any(offsets)
            else f'<path d="{full.outline}" fill="none" stroke="#c8c8c8" stroke-width="{0.6 * unit:.2f}"/>',
            f'<g stroke="#ffffff" stroke-width="{0.4 * unit:.2f}" stroke-linejoin="round" fill-rule="evenodd">',
            *shapes,
            "</g>",
            f'<g stroke="#222222" stroke-width="{0.8 * unit:.2f}">',
            *markers,
            "</g></svg>",
            *legend,
            f'<text x="16" y="{total - 12}" font-size="11" fill="#555555">{escape(source)}</text>',
            "</svg>",
        ]
    )
