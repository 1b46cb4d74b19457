"""The public v1 contract. Fields are listed explicitly (never inherited from table models) and only ever added."""

import datetime
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from api.moves import Direction


class TierCode(StrEnum):
    TIER_1 = "1"
    TIER_2 = "2"
    TIER_2_WATCH_LIST = "2WL"
    TIER_3 = "3"
    SPECIAL_CASE = "SC"


class RegionCode(StrEnum):
    AF = "AF"
    EAP = "EAP"
    EUR = "EUR"
    NEA = "NEA"
    SCA = "SCA"
    WHA = "WHA"


class UrlScope(StrEnum):
    COUNTRY = "country"
    EDITION = "edition"


class Basis(StrEnum):
    REPORT = "report"
    SECONDARY = "secondary"
    DERIVED = "derived"


class RuleStatus(StrEnum):
    DOWNGRADED = "downgraded"
    WAIVED = "waived"
    AT_RISK = "at_risk"


class Kind(StrEnum):
    SOVEREIGN = "sovereign"
    TERRITORY = "territory"
    HISTORIC = "historic"


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


Year = Annotated[int, Field(description="Report year: the edition released that year.", examples=[2024])]
Iso3 = Annotated[
    str,
    Field(description="Stable country code: ISO 3166-1 alpha-3, or an assigned one (XKX Kosovo, SCG Serbia and "
          "Montenegro, YUG Yugoslavia, ANT Netherlands Antilles).", examples=["THA"]),
]  # fmt: skip
Iso2 = Annotated[str, Field(description="ISO 3166-1 alpha-2, or an assigned one (XK, CS, YU, AN).", examples=["TH"])]
TierLabel = Annotated[str, Field(description="The report's name for the tier.", examples=["Tier 2 Watch List"])]
NameInReport = Annotated[str, Field(description="The name as transcribed from that year's report or its source.")]
SourceUrl = Annotated[str, Field(description="Public URL of the source the tier was read from.")]
SourceClass = Annotated[
    int,
    Field(
        ge=1, le=6,
        description="How citable `source_url`'s site is: 1 official U.S. government page (or the CIA World "
        "Factbook), 2 archive of the report's own text (refworld, ecoi.net), 3 research dataset with named authors, "
        "4 established news organisation, 5 other organisation, 6 unranked (blog, content site: the only copy found, "
        "so the row is `secondary` and says so in `note`).",
    ),
]  # fmt: skip
ReportUrl = Annotated[
    str,
    Field(
        description="The State Department's own page for this placement: the country's chapter in that edition "
        "where its address is confirmed (`report_url_scope` `country`), otherwise the edition's page (`edition`)."
    ),
]
ReportUrlScope = Annotated[
    "UrlScope", Field(description="`country`: `report_url` opens the country's chapter; `edition`: the edition's page.")
]
Note = Annotated[
    str | None, Field(description="Waivers, automatic downgrades, amendments after release, how the tier was found.")
]
Count = Annotated[int, Field(description="Number of placements.", ge=0)]
Figure = Annotated[int | None, Field(description="As published; null where no reliable figure was found.")]


class TierOut(Schema):
    code: TierCode = Field(description="Stable tier code used in every other resource.", examples=["2WL"])
    label: str = Field(description="The report's own name for the tier.", examples=["Tier 2 Watch List"])
    definition: str = Field(description="What the tier means, after 22 U.S.C. 7107.")


class RegionOut(Schema):
    code: RegionCode = Field(description="State Department regional bureau code.", examples=["EAP"])
    label: str = Field(description="Bureau name in short.", examples=["East Asia and Pacific"])
    description: str = Field(description="Which countries the bureau covers, and changes over time.")


# Examples shown on /docs are real rows; tests/test_main.py checks each against the seed data.
THAILAND_2021: dict[str, JsonValue] = {
    "year": 2021, "iso3": "THA", "iso2": "TH", "country": "Thailand", "name_in_report": "Thailand", "region": "EAP",
    "tier": "2WL", "tier_label": "Tier 2 Watch List", "basis": "report",
    "source_url": "https://www.ecoi.net/de/dokument/2055296.html", "source_class": 2,
    "report_url": "https://www.state.gov/reports/2021-trafficking-in-persons-report/", "report_url_scope": "edition",
    "note": 'read in a copy of the 2021 narrative: "2021 Trafficking in Persons Report: Thailand / THAILAND: Tier 2 '
            'Watch List / Therefore Thailand was downgraded to Tier 2 Watch L[ist]"',
}  # fmt: skip


class PlacementRow(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [THAILAND_2021]})

    year: Year
    iso3: Iso3
    iso2: Iso2
    country: str = Field(description="Current short name as the State Department writes it.", examples=["Thailand"])
    name_in_report: NameInReport
    region: RegionCode = Field(description="Regional bureau in that year (Central Asia was EUR until 2005).")
    tier: TierCode = Field(description="Tier as released; later amendments are in `note`.", examples=["2"])
    tier_label: TierLabel
    basis: Basis = Field(
        description="How the tier is known: `report` = stated in the report's own words, read in an official or "
        "faithful copy (that edition's narrative heading or tier list, the next edition's 'remained on Tier 2', an "
        "embassy release, a presidential determination); `secondary` = a secondary source only (research dataset, "
        "news report, third-party copy of the list); `derived` = inferred, e.g. by elimination from the other "
        "tiers' complete lists, with the reasoning in `note`."
    )
    source_url: SourceUrl
    note: Note
    # Added in data format 2: after `note`, so CSV readers that count columns keep working.
    source_class: SourceClass
    report_url: ReportUrl
    report_url_scope: ReportUrlScope


class CountryPlacement(Schema):
    """One year of a country's history, with the move from the report before."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {k: v for k, v in THAILAND_2021.items() if k not in ("iso3", "iso2", "country")}
                | {"previous_tier": "2", "change": "down"}
            ]
        }
    )

    year: Year
    tier: TierCode = Field(description="Tier as released; later amendments are in `note`.")
    tier_label: TierLabel
    name_in_report: NameInReport
    region: RegionCode = Field(description="Regional bureau in that year.")
    basis: Basis = Field(description="`report`, `secondary` or `derived`; see the placements endpoint.")
    source_url: SourceUrl
    note: Note
    previous_tier: TierCode | None = Field(description="Tier in the report the year before; null if not placed.")
    change: Direction = Field(
        description="Move from the year before: `up`, `down`, `unchanged`, `special_case`, `entered` (not placed "
        "the year before) or `unknown` (the year before is a known gap)."
    )
    source_class: SourceClass
    report_url: ReportUrl
    report_url_scope: ReportUrlScope


class CountryOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"iso3": "CIV", "iso2": "CI", "name": "Côte d'Ivoire", "kind": "sovereign", "region": "AF",
                 "aliases": ["Ivory Coast"], "first_year": 2001, "last_year": 2025}
            ]
        }
    )  # fmt: skip

    iso3: Iso3
    iso2: Iso2
    name: str = Field(description="Current short name as the State Department writes it.", examples=["Côte d'Ivoire"])
    kind: Kind = Field(
        description="`territory`: ranked separately but not a sovereign state recognised by the "
        "United States (Hong Kong, Macau, Taiwan, the Dutch Caribbean); `historic`: no longer exists."
    )
    region: RegionCode = Field(description="Current regional bureau.")
    aliases: list[str] = Field(
        description="Other names that find this country: report spellings, former names, common forms.",
        examples=[["Cote d'Ivoire", "Ivory Coast"]],
    )
    first_year: int | None = Field(description="First report year with a placement.", examples=[2001])
    last_year: int | None = Field(description="Latest report year with a placement.", examples=[2025])


class CorrectionOut(Schema):
    """A change to a row after it was first served: what it was, what it is, why, and the evidence."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"date": "2026-11-22", "year": 2016, "iso3": "LCA", "country": "St. Lucia", "field": "tier",
                 "old_value": "2", "new_value": "2WL",
                 "reason": "Tier 2 had been inferred by elimination; the 2016 narrative is headed Tier 2 Watch List.",
                 "evidence_url": "http://www.refworld.org/publisher,USDOS,,,577f95a61d,0.html"}
            ]
        }
    )  # fmt: skip

    date: datetime.date = Field(description="When the correction was made.")
    year: Year
    iso3: Iso3
    country: str = Field(description="Current short name.")
    field: str = Field(description="`tier` (a tier changed) or `placement` (a row added or removed).")
    old_value: TierCode | None = Field(description="The tier before; null: the row did not exist.")
    new_value: TierCode | None = Field(description="The tier now; null: the row was removed.")
    reason: str = Field(description="Why, citing what the evidence says.")
    evidence_url: str = Field(description="The page that settles it.")


class CorrectionList(BaseModel):
    data: list[CorrectionOut] = Field(description="Corrections, oldest first.")
    meta: "ListMeta" = Field(description="Count and data version.")


class CountryDetail(CountryOut):
    summary: "CountrySummary" = Field(description="Figures over the whole history.")
    placements: list[CountryPlacement] = Field(description="Every placement, oldest first.")
    known_gaps: list[int] = Field(
        description="Report years that covered the country but whose tier no source could "
        "confirm; they are listed, never guessed.",
        examples=[[]],
    )
    corrections: list[CorrectionOut] = Field(
        description="Changes made to this country's rows after they were first served (see /v1/corrections).",
        examples=[[]],
    )


class TierCounts(BaseModel):
    tier_1: Count
    tier_2: Count
    tier_2wl: Count = Field(description="Number of placements on the Tier 2 Watch List.")
    tier_3: Count
    special_case: Count


TIER_FIELDS = {"1": "tier_1", "2": "tier_2", "2WL": "tier_2wl", "3": "tier_3", "SC": "special_case"}


def counts(by_tier: Mapping[str, int]) -> TierCounts:
    """Per-tier counts keyed by tier code, in the contract's field names."""
    return TierCounts(**{field: by_tier.get(code, 0) for code, field in TIER_FIELDS.items()})


class PublishedFigures(BaseModel):
    """Totals stated in public sources at high confidence, kept apart from our own counts as a check on them."""

    countries_covered: Figure = Field(description="Countries and territories the report covered, as published.")
    tier_1: Figure
    tier_2: Figure
    tier_2wl: Figure
    tier_3: Figure
    special_case: Figure
    source: str | None = Field(description="Where the published figures come from (URLs).")


class ReportOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"year": 2021, "edition": 21, "release_date": "2021-07-01",
                 "url": "https://www.state.gov/reports/2021-trafficking-in-persons-report/", "countries_placed": 188,
                 "known_gaps": 0,
                 "counts": {"tier_1": 28, "tier_2": 95, "tier_2wl": 45, "tier_3": 17, "special_case": 3},
                 "published": {"countries_covered": None, "tier_1": None, "tier_2": None, "tier_2wl": None,
                               "tier_3": None, "special_case": None, "source": None},
                 "note": None}
            ]
        }
    )  # fmt: skip

    year: Year
    edition: int = Field(description="1 for 2001, 25 for 2025.", examples=[24])
    release_date: datetime.date = Field(description="Day the report was released.", examples=["2024-06-24"])
    url: str = Field(description="The report's landing page.")
    countries_placed: int = Field(description="Placements in this dataset for the year.", examples=[188])
    known_gaps: int = Field(description="Countries covered by the report whose tier is not yet confirmed here.")
    counts: TierCounts = Field(description="Placements per tier in this dataset.")
    published: PublishedFigures = Field(description="Totals published at the time, to check the counts against.")
    note: str | None = Field(description="Amendments after release and other facts about the edition.")


class RegionTierCounts(BaseModel):
    region: RegionCode = Field(description="Regional bureau.")
    counts: TierCounts = Field(description="Placements per tier in the region that year.")


class BasisCounts(BaseModel):
    report: Count
    secondary: Count
    derived: Count


class ScopeCounts(BaseModel):
    country: Count = Field(description="Placements whose `report_url` opens the country's own chapter.")
    edition: Count = Field(description="Placements whose `report_url` is the edition's page.")


class SourceClassCounts(BaseModel):
    """Placements by the class of the site their `source_url` is on (see `source_class`)."""

    official: Count = Field(description="1: U.S. government pages and the CIA World Factbook.")
    report_archive: Count = Field(description="2: archives of the report's own text (refworld, ecoi.net).")
    dataset: Count = Field(description="3: research datasets with named authors.")
    news: Count = Field(description="4: established news organisations and wire services.")
    other_organisation: Count = Field(description="5: other organisations; only evidence found, rows `secondary`.")
    unranked: Count = Field(description="6: blogs and content sites; only evidence found, rows `secondary`.")


class Gap(BaseModel):
    iso3: Iso3
    country: str = Field(description="Current short name.")
    note: str = Field(description="What is known and what is missing.")


class ReportDetail(ReportOut):
    counts_by_region: list[RegionTierCounts] = Field(description="Placements per tier in each region that year.")
    basis_counts: BasisCounts = Field(description="How many placements rest on each kind of evidence.")
    gaps: list[Gap] = Field(description="Countries the report covered whose tier is not yet confirmed here.")


class ListMeta(BaseModel):
    total: int = Field(description="Items matching the filters.")
    data_version: str = Field(description="Version of the loaded dataset; changes whenever the data does.")


class PageMeta(ListMeta):
    limit: int = Field(description="Rows per page.")
    offset: int = Field(description="Rows skipped before this page.")


class PageLinks(BaseModel):
    self: str = Field(description="URL of this page.")
    next: str | None = Field(description="URL of the next page; null on the last page.")
    prev: str | None = Field(description="URL of the previous page; null on the first page.")


class PlacementPage(BaseModel):
    data: list[PlacementRow] = Field(description="One flat row per placement.")
    meta: PageMeta = Field(description="Counts and paging.")
    links: PageLinks = Field(description="Where this page and its neighbours are.")


class CountryList(BaseModel):
    data: list[CountryOut] = Field(description="Countries, sorted by name.")
    meta: ListMeta = Field(description="Count and data version.")


class ReportList(BaseModel):
    data: list[ReportOut] = Field(description="Editions, oldest first.")
    meta: ListMeta = Field(description="Count and data version.")


class TierList(BaseModel):
    data: list[TierOut] = Field(description="Tiers, best first.")
    meta: ListMeta = Field(description="Count and data version.")


class RegionList(BaseModel):
    data: list[RegionOut] = Field(description="Bureaus.")
    meta: ListMeta = Field(description="Count and data version.")


class Health(BaseModel):
    status: str = Field(description="`ok` whenever the process answers; the database is not asked.", examples=["ok"])
    version: str = Field(description="The API's version.", examples=["1.0.0"])
    data_version: str | None = Field(
        default=None,
        description="The data version this process last read (it is not read again for this answer); null before "
        "the first reading.",
        examples=["3f9c2a1b7d4e"],
    )


class Ready(BaseModel):
    status: str = Field(description="`ready`: the database answers and holds a data version.", examples=["ready"])
    data_version: str = Field(description="The data version being served.", examples=["3f9c2a1b7d4e"])


class ProblemError(BaseModel):
    parameter: str = Field(description="The query or path parameter at fault.", examples=["tier"])
    message: str = Field(
        description="What was wrong and what is allowed.", examples=["'7' is not a tier; use one of 1, 2, 2WL, 3, SC"]
    )


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error (`application/problem+json`)."""

    type: str = Field(
        description="Problem type URI; `about:blank` means the status says it all.", examples=["about:blank"]
    )
    title: str = Field(description="The HTTP status phrase.", examples=["Unprocessable Content"])
    status: int = Field(description="The HTTP status code.", examples=[422])
    detail: str = Field(
        description="What went wrong, for a person.", examples=["tier: '7' is not a tier; use one of 1, 2, 2WL, 3, SC"]
    )
    errors: list[ProblemError] = Field(default_factory=list, description="One entry per bad parameter.")


class Source(BaseModel):
    publisher: str = Field(description="Who publishes the report.")
    title: str = Field(description="The publication.")
    url: str = Field(description="Where every edition is published.")


class BulkLinks(BaseModel):
    placements_csv: str = Field(description="Every placement, one row per country per year (long layout).")
    placements_json: str = Field(description="The same rows as a JSON array of objects.")
    countries_csv: str = Field(description="Every country and territory, with codes, region and other names.")
    reports_csv: str = Field(description="Every edition, with counts per tier and the published totals.")
    datapackage: str = Field(description="Frictionless Data package describing the files and every field.")


class DataChange(BaseModel):
    """One change to the data: an edition added, or a day's corrections (also an entry of /v1/feed.atom)."""

    date: datetime.date = Field(description="The edition's release date, or the day the corrections were made.")
    kind: str = Field(description="`edition` or `corrections`.")
    title: str = Field(description="What changed, in a few words.")
    summary: str = Field(description="Counts per tier and moves against the edition before, or each correction.")
    url: str = Field(description="Where to see it in this API.")
    source_url: str | None = Field(description="The State Department's page for an edition; null for corrections.")
    id: str = Field(description="A stable identifier (the feed entry's id).")


class Citations(BaseModel):
    text: str = Field(description="One line, for a footnote or a methods section.")
    bibtex: str = Field(description="A BibTeX entry (`@misc`).")
    csl_json: list[dict[str, JsonValue]] = Field(description="CSL-JSON, as Zotero and Pandoc import it.")
    ris: str = Field(description="An RIS record, for EndNote, Zotero, Mendeley.")


class Meta(BaseModel):
    name: str = Field(description="This service.")
    description: str = Field(description="What the data is.")
    data_version: str = Field(description="Version of the loaded dataset (digest of its files); part of every ETag.")
    last_updated: datetime.datetime | None = Field(
        description="The data's own date: the latest edition's release or correction, whichever is later (UTC). "
        "Two loads of the same data give the same date; `Last-Modified` is the same."
    )
    first_report_year: int | None = Field(description="Oldest edition in the dataset.", examples=[2001])
    latest_report_year: int | None = Field(description="Newest edition in the dataset.", examples=[2025])
    reports: int = Field(description="Editions in the dataset.", examples=[25])
    placements: int = Field(description="Country-year placements in the dataset.")
    countries: int = Field(description="Countries and territories with at least one placement.")
    source: Source = Field(description="The publication the data comes from.")
    licence: str = Field(description="Terms of reuse.")
    citation: str = Field(description="How to cite the data.")
    changes: list["DataChange"] = Field(
        description="What changed in the data and when, newest first: each edition added and each day's "
        "corrections; the same as /v1/feed.atom."
    )
    citations: "Citations" = Field(
        description="The dataset as a reference in four styles (add the date you accessed it); `/v1/cite` gives the "
        "report's own pages for the placements you use."
    )
    bulk: BulkLinks = Field(description="Stable URLs of the whole dataset.")
    docs: str = Field(description="Interactive documentation.")


class QualityYear(BaseModel):
    year: Year
    countries_covered: Figure = Field(description="Countries and territories the report covered, as published.")
    countries_placed: int = Field(description="Placements in this dataset for the year.")
    known_gaps: list[str] = Field(description="ISO3 codes of covered countries whose tier is not confirmed here.")
    unaccounted: int | None = Field(
        description="Covered countries (by the published total) neither placed nor listed as gaps: the report covered "
        "them, but which countries they are is not known. Null where no total was published."
    )
    basis_counts: "BasisCounts" = Field(description="How many placements rest on each kind of evidence.")
    report_url_scope_counts: ScopeCounts = Field(description="How many placements link the country's own chapter.")
    source_class_counts: SourceClassCounts = Field(description="How citable the cited sources are.")
    matches_published: bool | None = Field(
        description="Every per-tier count published at the time equals ours; null where none was published."
    )


class WatchListFlag(BaseModel):
    iso3: Iso3
    country: str = Field(description="Current short name.")
    year: Year
    streak: int = Field(description="Consecutive years on the Tier 2 Watch List, counted from the 2009 report.")
    rule: str = Field(description="The provision of 22 U.S.C. 7107(b)(2) the run appears to break.")
    message: str = Field(description="What looks wrong, for a person.")


class Quality(BaseModel):
    years: list[QualityYear] = Field(description="Coverage and evidence per edition, oldest first.")
    watch_list_flags: list[WatchListFlag] = Field(
        description="Watch List runs longer than the automatic-downgrade rules allow. Flagged for review, never "
        "silently changed: each is either a transcription error to fix or a case the rules' wording does not settle."
    )
    data_version: str = Field(description="Version of the loaded dataset.")


class Change(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"iso3": "THA", "country": "Thailand", "region": "EAP", "from_year": 2013, "to_year": 2014,
                 "from_tier": "2WL", "to_tier": "3", "direction": "down"}
            ]
        }
    )  # fmt: skip

    iso3: Iso3
    country: str = Field(description="Current short name.")
    region: RegionCode = Field(description="Regional bureau in the later year (the earlier one if it left).")
    from_year: Year
    to_year: Year
    from_tier: TierCode | None = Field(description="Tier in the earlier report; null if it was not placed.")
    to_tier: TierCode | None = Field(description="Tier in the later report; null if it was not placed.")
    direction: Direction = Field(
        description="`up` or `down` (Tier 1 > Tier 2 > Watch List > Tier 3), `unchanged`, `special_case` (to or "
        "from a Special Case: neither up nor down), `entered` or `left` the report, `unknown` (a known gap)."
    )


class ChangeMeta(ListMeta):
    from_year: int = Field(description="The earlier report compared.")
    to_year: int = Field(description="The later report compared.")
    gaps: list[str] = Field(description="ISO3 codes covered in either year whose tier there is not confirmed.")


class ChangeList(BaseModel):
    data: list[Change] = Field(description="One row per country that moved, sorted by ISO3.")
    meta: ChangeMeta = Field(description="What was compared, and the gaps that touch the answer.")


class CountrySummary(BaseModel):
    first_year_ranked: int | None = Field(description="First report giving a tier (not a Special Case).")
    years_on_tier: TierCounts = Field(description="Report years on each tier.")
    current_watch_list_streak: int = Field(description="Consecutive Watch List years up to the latest placement.")
    longest_watch_list_streak: int = Field(description="Longest run of consecutive Watch List years.")
    years_on_tier_3: int = Field(description="Report years on Tier 3.")
    current_tier: TierCode | None = Field(default=None, description="The tier of the latest placement.")
    current_tier_since: int | None = Field(
        default=None,
        description="On `current_tier` since this report: the first of the unbroken run of editions on it that ends "
        "with the latest placement (an edition with another tier, a known gap or no coverage breaks the run).",
        examples=[2022],
    )


class RuleRow(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"year": 2013, "iso3": "CHN", "country": "China", "region": "EAP", "status": "downgraded",
                 "streak": 4, "waiver_available": False, "evidence": "stated",
                 "note": 'auto-downgraded; State Dept Discover Diplomacy data file (TIPS_2013 = "Tier 3 '
                         'Auto-Downgrade"); same tier in Kelley/Heiss dataset',
                 "rule": "Tier 3 in 2013 after 4 consecutive years on the Tier 2 Watch List (2009-2012): the "
                         "automatic downgrade of 22 U.S.C. 7107(b)(2)(D)."}
            ]
        }
    )  # fmt: skip

    year: Year
    iso3: Iso3
    country: str = Field(description="Current short name.")
    region: RegionCode = Field(description="Regional bureau that year.")
    status: RuleStatus = Field(
        description="`downgraded`: Tier 3 after two or more consecutive Watch List years; `waived`: a third or "
        "later consecutive Watch List year, which the law allows only by waiver; `at_risk`: on the Watch List for a "
        "second or later year (or after returning from a downgrade under the 2019 law), so the rule applies next year."
    )
    streak: int = Field(description="Consecutive Watch List years counted from 2009 (for `downgraded`: before it).")
    waiver_available: bool = Field(
        description="`downgraded`: a waiver year was still available, so the downgrade was not forced by the cap; "
        "`at_risk`: a waiver is still possible next year; `waived`: always true."
    )
    evidence: str = Field(
        description="`stated` where the placement's note records the downgrade or waiver; `inferred` from the "
        "Watch List years otherwise."
    )
    note: Note
    rule: str = Field(
        default="",
        description="The rule that applied, in words, with the statute: what this row says about the country.",
        examples=["Tier 3 in 2013 after 4 consecutive years on the Tier 2 Watch List (2009-2012): the automatic "
                  "downgrade of 22 U.S.C. 7107(b)(2)(D)."],
    )  # fmt: skip


class RuleList(BaseModel):
    data: list[RuleRow] = Field(description="Rows by year, then status, then ISO3.")
    meta: ListMeta = Field(description="Count and data version.")


class StatRow(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"year": 2025, "region": "ALL", "placed": 188, "known_gaps": 0,
                 "counts": {"tier_1": 33, "tier_2": 106, "tier_2wl": 25, "tier_3": 20, "special_case": 4},
                 "shares": {"tier_1": 17.6, "tier_2": 56.4, "tier_2wl": 13.3, "tier_3": 10.6, "special_case": 2.1}}
            ]
        }
    )  # fmt: skip

    year: Year
    region: str = Field(description="Regional bureau code, or `ALL` for every region together.")
    placed: int = Field(description="Placements that year (in the region).")
    known_gaps: int = Field(
        description="Countries covered that year (in the region, by current region) whose tier is not confirmed; "
        "they are not in the counts or shares."
    )
    counts: TierCounts = Field(description="Placements per tier.")
    shares: "TierShares" = Field(description="Share of the placements on each tier, in percent.")


class TierShares(BaseModel):
    tier_1: float = Field(description="Percent on Tier 1.")
    tier_2: float = Field(description="Percent on Tier 2.")
    tier_2wl: float = Field(description="Percent on the Tier 2 Watch List.")
    tier_3: float = Field(description="Percent on Tier 3.")
    special_case: float = Field(description="Percent Special Cases.")


class StatList(BaseModel):
    data: list[StatRow] = Field(description="One row per year (and region), oldest first.")
    meta: ListMeta = Field(description="Count and data version.")


CountryDetail.model_rebuild()
StatRow.model_rebuild()
