from collections import Counter, defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlmodel import Session, col, func, or_, select

from api.db import SessionDep
from api.errors import InvalidParameter, NotFound, shown
from api.links import public
from api.models import Correction, Country, CountryAlias, CoverageGap, Placement, Report, Tier
from api.moves import direction
from api.names import name_key
from api.v1.formats import CSV_RESPONSE, Format, FormatDep, model_csv
from api.v1.meta import DataVersion
from api.v1.regions import parse_regions, region_keys
from api.v1.schemas import (
    CorrectionOut,
    CountryDetail,
    CountryList,
    CountryOut,
    CountryPlacement,
    CountrySummary,
    ListMeta,
    counts,
)
from api.watchlist import runs

router = APIRouter(tags=["countries"])


def resolve_country(session: Session, code: str) -> Country | None:
    """Find a country by ISO3, ISO2 or any alias, ignoring case, accents and punctuation."""
    upper = code.strip().upper()
    if len(upper) in (2, 3) and upper.isalpha():
        country = session.exec(select(Country).where(or_(Country.iso3 == upper, Country.iso2 == upper))).first()
        if country is not None:
            return country
    iso3 = session.exec(select(CountryAlias.iso3).where(CountryAlias.key == name_key(code))).first()
    return session.get(Country, iso3) if iso3 else None


def _summaries(session: Session, countries: list[Country]) -> list[CountryOut]:
    own_keys = {c.iso3: name_key(c.name) for c in countries}
    codes = list(own_keys)
    aliases: dict[str, list[str]] = defaultdict(list)
    rows = session.exec(select(CountryAlias).where(col(CountryAlias.iso3).in_(codes)).order_by(CountryAlias.key))
    for alias in rows:
        if alias.key != own_keys[alias.iso3]:
            aliases[alias.iso3].append(alias.alias)
    years = {
        iso3: (first, last)
        for iso3, first, last in session.exec(
            select(Placement.iso3, func.min(Placement.year), func.max(Placement.year))
            .where(col(Placement.iso3).in_(codes))
            .group_by(col(Placement.iso3))
        )
    }
    return [
        CountryOut(
            iso3=c.iso3,
            iso2=c.iso2,
            name=c.name,
            kind=c.kind,
            region=c.region,
            aliases=aliases[c.iso3],
            first_year=years.get(c.iso3, (None, None))[0],
            last_year=years.get(c.iso3, (None, None))[1],
        )
        for c in countries
    ]


@router.get("/countries", summary="Countries and territories", response_model=CountryList, responses=CSV_RESPONSE)
@router.get("/countries.csv", response_model=CountryList, include_in_schema=False)
def list_countries(
    session: SessionDep,
    version: DataVersion,
    output: FormatDep,
    region: Annotated[
        list[str] | None, Query(description="Current regional bureau code or label; repeat or comma-separate.")
    ] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="Part of any name the country has gone by, e.g. `korea`."),
    ] = None,
) -> CountryList | Response:
    """Every country and territory any report has covered, with codes, region and the other names it goes by.

    Use it to find the code for a name (`?q=korea` finds both Koreas) or to list a region (`?region=EAP`).
    """
    if q is not None and not name_key(q):
        raise InvalidParameter("q", f"{shown(q)} has no letter or digit to match a name by")
    query = select(Country)
    if regions := parse_regions(region, region_keys(session)):
        query = query.where(col(Country.region).in_(regions))
    if q is not None:
        query = query.where(or_(col(Country.iso3).in_(named_like(name_key(q))), Country.iso3 == q.strip().upper()))
    countries = sorted(session.exec(query).all(), key=lambda c: name_key(c.name))
    data = _summaries(session, countries)
    if output is Format.CSV:
        return model_csv(CountryOut, data, "countries.csv")
    return CountryList(data=data, meta=ListMeta(total=len(data), data_version=version))


def named_like(key: str) -> Any:
    """The codes of countries one of whose names contains `key` (a name_key): what `?q=` and a 404's hints search."""
    return select(CountryAlias.iso3).where(col(CountryAlias.key).contains(key))


def _not_found(session: Session, code: str) -> str:
    """A 404's detail: where the name is part of several countries' names ("Congo", "Korea"), every candidate with
    its code and URL, so the reader can pick; otherwise where to search."""
    key = name_key(code)
    candidates = [] if len(key) < 3 else session.exec(
        select(Country).where(col(Country.iso3).in_(named_like(key))).order_by(col(Country.name))
    ).all()  # fmt: skip
    if 1 < len(candidates) <= 10:
        listed = "; ".join(f"{c.name} ({c.iso3}, {public(f'/v1/countries/{c.iso3}')})" for c in candidates)
        return f"{shown(code)} could be any of {len(candidates)} countries: {listed}. Ask for one by its code."
    if len(candidates) == 1:
        (only,) = candidates
        return (f"No country goes by {shown(code)}; did you mean {only.name} "
                f"({only.iso3}, {public(f'/v1/countries/{only.iso3}')})?")  # fmt: skip
    return f"No country goes by {shown(code)}; try /v1/countries?q=... to search names."


@router.get(
    "/countries/{code}",
    summary="One country's tier history",
    responses={404: {"description": "No country goes by that code or name."}},
)
def get_country(session: SessionDep, code: str) -> CountryDetail:
    """One country's full placement history, oldest first; `code` may be ISO3, ISO2 or any name, e.g. `Ivory Coast`."""
    country = resolve_country(session, code)
    if country is None:
        raise NotFound(_not_found(session, code))
    rows = session.exec(
        select(Placement, Tier.label)
        .join(Tier, col(Tier.code) == Placement.tier)
        .where(Placement.iso3 == country.iso3)
        .order_by(col(Placement.year))
    ).all()
    gaps = session.exec(
        select(CoverageGap.year).where(CoverageGap.iso3 == country.iso3).order_by(col(CoverageGap.year))
    ).all()
    by_year = {p.year: p.tier for p, _ in rows}
    editions = session.exec(select(Report.year).order_by(col(Report.year))).all()
    before = dict(zip(editions[1:], editions, strict=False))  # the edition before each, whatever the gap in years
    placements = [
        CountryPlacement(
            year=p.year,
            tier=p.tier,
            tier_label=label,
            name_in_report=p.name_in_report,
            region=p.region,
            basis=p.basis,
            source_url=p.source_url,
            source_class=p.source_class,
            report_url=p.report_url,
            report_url_scope=p.report_url_scope,
            note=p.note,
            previous_tier=by_year.get(before.get(p.year, 0)),
            change=direction(by_year.get(before.get(p.year, 0)), p.tier, gap=before.get(p.year) in gaps),
        )
        for p, label in rows
    ]
    years_on = Counter(by_year.values())
    current, longest = runs(by_year.items())
    history = CountrySummary(
        first_year_ranked=min((y for y, t in by_year.items() if t != "SC"), default=None),
        years_on_tier=counts(years_on),
        current_watch_list_streak=current,
        longest_watch_list_streak=longest,
        years_on_tier_3=years_on["3"],
    )
    summary = _summaries(session, [country])[0]
    return CountryDetail(
        **summary.model_dump(), summary=history, placements=placements, known_gaps=list(gaps),
        corrections=corrections_of(session, country.iso3),
    )  # fmt: skip


def corrections_of(session: Session, iso3: str | None = None, year: int | None = None) -> list[CorrectionOut]:
    """Corrections, oldest first, with each country's current name; for one country or year when given."""
    query = select(Correction, Country.name).join(Country).order_by(col(Correction.date), col(Correction.year))
    if iso3 is not None:
        query = query.where(Correction.iso3 == iso3)
    if year is not None:
        query = query.where(Correction.year == year)
    return [
        CorrectionOut(
            date=c.date, year=c.year, iso3=c.iso3, country=name, field=c.field, old_value=c.old_value,
            new_value=c.new_value, reason=c.reason, evidence_url=c.evidence_url,
        )
        for c, name in session.exec(query).all()
    ]  # fmt: skip
