import re
from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlmodel import Session, col, select

from api.db import SessionDep
from api.errors import InvalidParameter
from api.models import Country, Placement
from api.v1.formats import CSV_RESPONSE, Format, FormatDep, model_csv
from api.v1.meta import DataVersion
from api.v1.placements import FIRST_YEAR, LAST_YEAR
from api.v1.regions import parse_regions, region_keys
from api.v1.schemas import ListMeta, RuleList, RuleRow, RuleStatus
from api.watchlist import rule_events

router = APIRouter(tags=["trends"])

# What a placement's note must say for the row to count as stated rather than inferred; a risk is never stated.
_STATED = {
    RuleStatus.DOWNGRADED: re.compile(r"auto\w*[- ]?(down|demot)|automatic", re.I),
    RuleStatus.WAIVED: re.compile(r"waive|waiver", re.I),
}
_ORDER = {RuleStatus.DOWNGRADED: 0, RuleStatus.WAIVED: 1, RuleStatus.AT_RISK: 2}


_computed: dict[str, list[RuleRow]] = {}


def _rule_rows(session: Session, version: str) -> list[RuleRow]:
    """Every rule event of the data version, worked out once per version (it reads every placement)."""
    if (rows := _computed.get(version)) is not None:
        return rows
    history: dict[str, dict[int, Placement]] = defaultdict(dict)
    for p in session.exec(select(Placement).order_by(col(Placement.year))):
        history[p.iso3][p.year] = p
    names = dict(session.exec(select(Country.iso3, Country.name)).all())
    rows = []
    for iso3, placements in history.items():
        for event in rule_events(iso3, ((y, p.tier) for y, p in placements.items())):
            p = placements[event.year]
            kind = RuleStatus(event.status)
            pattern = _STATED.get(kind)
            stated = bool(pattern and p.note and pattern.search(p.note))
            rows.append(RuleRow(year=event.year, iso3=iso3, country=names[iso3], region=p.region, status=kind,
                                streak=event.streak, waiver_available=event.waiver_available,
                                evidence="stated" if stated else "inferred", note=p.note))  # fmt: skip
    _computed.clear()
    _computed[version] = rows
    return rows


@router.get(
    "/downgrades",
    summary="Automatic downgrades, waivers and countries at risk",
    response_model=RuleList,
    responses=CSV_RESPONSE,
)
@router.get("/downgrades.csv", response_model=RuleList, include_in_schema=False)
def list_downgrades(
    session: SessionDep,
    version: DataVersion,
    output: FormatDep,
    year: Annotated[list[int] | None, Query(description="Report year; repeat for several.", examples=[2013])] = None,
    status: Annotated[list[RuleStatus] | None, Query(description="`downgraded`, `waived` or `at_risk`.")] = None,
    region: Annotated[
        list[str] | None, Query(description="Regional bureau that year; repeat or comma-separate.")
    ] = None,
) -> RuleList | Response:
    """Who the Watch List rule sent to Tier 3, who stayed by waiver, and who faces it next year.

    **Only the automatic Watch List rule.** A country that fell to Tier 3 for another reason is not here: for
    "who fell to Tier 3 this year", ask `/v1/changes?to_tier=3`.

    Since the 2009 report, a country two consecutive years on the Tier 2 Watch List must go to Tier 3 unless it
    is waived: waivers of up to two years until 2018, one from 2019, and none for a country back on the list
    after such a downgrade. `downgraded` = Tier 3 after two or more Watch List years; `waived` = a third or later
    Watch List year; `at_risk` = on the list a second year or more, so next year it must move up, be waived or
    go to Tier 3. `evidence` says whether the placement's note records it (`stated`) or it follows from the
    years on the list (`inferred`). Years with a known gap break a run.
    """
    for value in year or []:
        if not FIRST_YEAR <= value <= LAST_YEAR:
            raise InvalidParameter("year", f"{value} is outside {FIRST_YEAR}-{LAST_YEAR}; the first report was in 2001")
    regions = parse_regions(region, region_keys(session))
    rows = [
        row
        for row in _rule_rows(session, version)
        if not ((year and row.year not in year) or (status and row.status not in status)
                or (regions and row.region not in regions))
    ]  # fmt: skip
    rows.sort(key=lambda r: (r.year, _ORDER[r.status], r.iso3))
    if output is Format.CSV:
        return model_csv(RuleRow, rows, "downgrades.csv")
    return RuleList(data=rows, meta=ListMeta(total=len(rows), data_version=version))
