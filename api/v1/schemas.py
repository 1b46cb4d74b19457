"""The public v1 contract. Fields are listed explicitly (never inherited from table models) and only ever added."""

import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


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


class Basis(StrEnum):
    REPORT = "report"
    SECONDARY = "secondary"
    DERIVED = "derived"


class Kind(StrEnum):
    SOVEREIGN = "sovereign"
    TERRITORY = "territory"
    HISTORIC = "historic"


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TierOut(Schema):
    code: TierCode = Field(description="Stable tier code used in every other resource.", examples=["2WL"])
    label: str = Field(description="The report's own name for the tier.", examples=["Tier 2 Watch List"])
    definition: str = Field(description="What the tier means, after 22 U.S.C. 7107.")


class RegionOut(Schema):
    code: RegionCode = Field(description="State Department regional bureau code.", examples=["EAP"])
    label: str = Field(examples=["East Asia and Pacific"])
    description: str = Field(description="Which countries the bureau covers, and changes over time.")


class PlacementRow(Schema):
    year: int = Field(description="Report year (the edition released that year).", examples=[2024])
    iso3: str = Field(
        description="Stable country code: ISO 3166-1 alpha-3, or an assigned code (XKX, SCG, YUG, ANT).",
        examples=["THA"],
    )
    iso2: str = Field(description="ISO 3166-1 alpha-2, or an assigned code (XK, CS, YU, AN).", examples=["TH"])
    country: str = Field(description="Current short name as the State Department writes it.", examples=["Thailand"])
    name_in_report: str = Field(
        description="The name as transcribed from that year's report or its source.", examples=["Thailand"]
    )
    region: RegionCode = Field(description="Regional bureau in that year (Central Asia was EUR until 2005).")
    tier: TierCode = Field(description="Tier as released; later amendments are in `note`.", examples=["2"])
    tier_label: str = Field(examples=["Tier 2"])
    basis: Basis = Field(
        description="How the tier is known: `report` = read in the report or an official U.S. government text about it "
        "(narrative, tier list, embassy release, presidential determination); `secondary` = a secondary source only "
        "(research dataset, news report, third-party copy of the list); `derived` = inferred, e.g. from a later "
        "report's 'remained on Tier 2' or by elimination."
    )
    source_url: str = Field(description="Public URL of the source the tier was read from.")
    note: str | None = Field(description="Waivers, automatic downgrades, amendments after release, caveats.")


class CountryPlacement(Schema):
    year: int = Field(examples=[2024])
    tier: TierCode
    tier_label: str = Field(examples=["Tier 2"])
    name_in_report: str
    region: RegionCode
    basis: Basis
    source_url: str
    note: str | None


class CountryOut(Schema):
    iso3: str = Field(examples=["CIV"])
    iso2: str = Field(examples=["CI"])
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


class CountryDetail(CountryOut):
    placements: list[CountryPlacement] = Field(description="Every placement, oldest first.")
    known_gaps: list[int] = Field(
        description="Report years that covered the country but whose tier no source could "
        "confirm; they are listed, never guessed.",
        examples=[[]],
    )


class TierCounts(BaseModel):
    tier_1: int
    tier_2: int
    tier_2wl: int = Field(description="Tier 2 Watch List.")
    tier_3: int
    special_case: int


class PublishedFigures(BaseModel):
    """Totals stated in public sources at high confidence, kept apart from our own counts as a check on them."""

    countries_covered: int | None = Field(description="Countries and territories the report covered, as published.")
    tier_1: int | None
    tier_2: int | None
    tier_2wl: int | None
    tier_3: int | None
    special_case: int | None
    source: str | None = Field(description="Where the published figures come from (URLs).")


class ReportOut(BaseModel):
    year: int = Field(examples=[2024])
    edition: int = Field(description="1 for 2001, 25 for 2025.", examples=[24])
    release_date: datetime.date = Field(examples=["2024-06-24"])
    url: str = Field(description="The report's landing page.")
    countries_placed: int = Field(description="Placements in this dataset for the year.", examples=[188])
    known_gaps: int = Field(description="Countries covered by the report whose tier is not yet confirmed here.")
    counts: TierCounts = Field(description="Placements per tier in this dataset.")
    published: PublishedFigures
    note: str | None


class RegionTierCounts(BaseModel):
    region: RegionCode
    counts: TierCounts


class BasisCounts(BaseModel):
    report: int
    secondary: int
    derived: int


class Gap(BaseModel):
    iso3: str
    country: str
    note: str


class ReportDetail(ReportOut):
    counts_by_region: list[RegionTierCounts] = Field(description="Placements per tier in each region that year.")
    basis_counts: BasisCounts = Field(description="How many placements rest on each kind of evidence.")
    gaps: list[Gap] = Field(description="Countries the report covered whose tier is not yet confirmed here.")


class ListMeta(BaseModel):
    total: int = Field(description="Items matching the filters.")
    data_version: str = Field(description="Version of the loaded dataset; changes whenever the data does.")


class PageMeta(ListMeta):
    limit: int
    offset: int


class PageLinks(BaseModel):
    self: str
    next: str | None = Field(description="URL of the next page; null on the last page.")
    prev: str | None = Field(description="URL of the previous page; null on the first page.")


class PlacementPage(BaseModel):
    data: list[PlacementRow]
    meta: PageMeta
    links: PageLinks


class CountryList(BaseModel):
    data: list[CountryOut]
    meta: ListMeta


class ReportList(BaseModel):
    data: list[ReportOut]
    meta: ListMeta


class TierList(BaseModel):
    data: list[TierOut]
    meta: ListMeta


class RegionList(BaseModel):
    data: list[RegionOut]
    meta: ListMeta


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    data_version: str | None = Field(description="Null when the database holds no data yet.")


class ProblemError(BaseModel):
    parameter: str = Field(description="The query or path parameter at fault.", examples=["tier"])
    message: str = Field(examples=["'7' is not a tier; use one of 1, 2, 2WL, 3, SC"])


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error (`application/problem+json`)."""

    type: str = Field(examples=["about:blank"])
    title: str = Field(examples=["Unprocessable Content"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["tier: '7' is not a tier; use one of 1, 2, 2WL, 3, SC"])
    errors: list[ProblemError] = Field(default_factory=list)
