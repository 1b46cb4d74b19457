import re
from collections import defaultdict
from typing import Annotated

from fastapi import Query

from api.models import Placement
from api.snapshot import Snapshot
from api.v1.params import SnapshotDep, parse_regions, parse_years
from api.v1.render import Router
from api.v1.schemas import ListMeta, RuleList, RuleRow, RuleStatus
from api.watchlist import rule_events

router = Router(tags=["trends"])

# What a placement's note must say for the row to count as stated rather than inferred; a risk is never stated.
_STATED = {
    RuleStatus.DOWNGRADED: re.compile(r"auto\w*[- ]?(down|demot)|automatic", re.I),
    RuleStatus.WAIVED: re.compile(r"waive|waiver", re.I),
}
_ORDER = {RuleStatus.DOWNGRADED: 0, RuleStatus.WAIVED: 1, RuleStatus.AT_RISK: 2}


_LAW = "22 U.S.C. 7107(b)(2)(D)"


def _rule(status: RuleStatus, year: int, streak: int, waiver_available: bool) -> str:
    """What the row says, in words: the placement's own note is about its source, not about the rule."""
    if status is RuleStatus.DOWNGRADED:
        return (f"Tier 3 in {year} after {streak} consecutive years on the Tier 2 Watch List "
                f"({year - streak}-{year - 1}): the automatic downgrade of {_LAW}.")  # fmt: skip
    if status is RuleStatus.WAIVED:
        return (f"A {_ordinal(streak)} consecutive year on the Tier 2 Watch List ({year - streak + 1}-{year}): "
                f"allowed only by a waiver of the automatic downgrade ({_LAW}).")  # fmt: skip
    if streak == 1:
        return (f"Back on the Tier 2 Watch List in {year} after an automatic downgrade: in {year + 1} it must move up "
                "or go to Tier 3 (22 U.S.C. 7107(b)(2)(F)).")  # fmt: skip
    then = "a waiver is still possible" if waiver_available else "no waiver is left"
    return (f"{streak} consecutive years on the Tier 2 Watch List ({year - streak + 1}-{year}): in {year + 1} it must "
            f"move up, be waived or go to Tier 3 ({_LAW}); {then}.")  # fmt: skip


def _ordinal(n: int) -> str:
    return {3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


def _rule_rows(snapshot: Snapshot) -> list[RuleRow]:
    """Every rule event of the data version, in the documented order, worked out once per version."""
    return snapshot.once("downgrades", lambda: _rules(snapshot))


def _rules(snapshot: Snapshot) -> list[RuleRow]:
    history: dict[str, dict[int, Placement]] = defaultdict(dict)
    for p in snapshot.placements:
        history[p.iso3][p.year] = p
    rows = []
    for iso3, placements in history.items():
        for event in rule_events(iso3, ((y, p.tier) for y, p in placements.items())):
            p = placements[event.year]
            kind = RuleStatus(event.status)
            pattern = _STATED.get(kind)
            stated = bool(pattern and p.note and pattern.search(p.note))
            name = snapshot.countries[iso3].name
            rows.append(RuleRow(year=event.year, iso3=iso3, country=name, region=p.region, status=kind,
                                rule=_rule(kind, event.year, event.streak, event.waiver_available),
                                streak=event.streak, waiver_available=event.waiver_available,
                                evidence="stated" if stated else "inferred", note=p.note))  # fmt: skip
    rows.sort(key=lambda r: (r.year, _ORDER[r.status], r.iso3))
    return rows


@router.get("/downgrades", summary="Automatic downgrades, waivers and countries at risk", response_model=RuleList)
async def list_downgrades(
    snapshot: SnapshotDep,
    year: Annotated[list[int] | None, Query(description="Report year; repeat for several.", examples=[2013])] = None,
    status: Annotated[list[RuleStatus] | None, Query(description="`downgraded`, `waived` or `at_risk`.")] = None,
    region: Annotated[
        list[str] | None, Query(description="Regional bureau that year; repeat or comma-separate.")
    ] = None,
) -> RuleList:
    """Who the Watch List rule sent to Tier 3, who stayed by waiver, and who faces it next year.

    **Only the automatic Watch List rule.** A country that fell to Tier 3 for another reason is not here: for
    "who fell to Tier 3 this year", ask `/v1/changes?to_tier=3`.

    Since the 2009 report, a country two consecutive years on the Tier 2 Watch List must go to Tier 3 unless it
    is waived: waivers of up to two years until 2018, one from 2019, and none for a country back on the list
    after such a downgrade. `downgraded` = Tier 3 after two or more Watch List years; `waived` = a third or later
    Watch List year; `at_risk` = on the list a second year or more, so next year it must move up, be waived or
    go to Tier 3. `evidence` says whether the placement's note records it (`stated`) or it follows from the
    years on the list (`inferred`); `rule` says in words which rule applied. Years with a known gap break a run.

    **A waived country is listed twice in its year**, once `waived` (its placement that year needed a waiver) and
    once `at_risk` (the rule applies again next year): Solomon Islands and Vanuatu in 2025, for example. Filter by
    `status` for one row per country.
    """
    parse_years(year)
    regions = parse_regions(region, snapshot.region_keys)
    rows = [
        row
        for row in _rule_rows(snapshot)
        if not ((year and row.year not in year) or (status and row.status not in status)
                or (regions and row.region not in regions))
    ]  # fmt: skip
    return RuleList(data=rows, meta=ListMeta(total=len(rows), data_version=snapshot.version))
