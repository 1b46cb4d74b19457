from collections.abc import Mapping

from fastapi import APIRouter, Response
from sqlmodel import Session, col, select

from api.db import SessionDep
from api.errors import InvalidParameter
from api.models import Region
from api.names import name_key
from api.v1.formats import CSV_RESPONSE, Format, FormatDep, model_csv
from api.v1.meta import DataVersion
from api.v1.schemas import ListMeta, RegionCode, RegionList, RegionOut

router = APIRouter(tags=["reference"])


def region_keys(session: Session) -> dict[str, str]:
    """Every way to name a bureau, folded: its code and its label."""
    by_key: dict[str, str] = {name_key(code): code.value for code in RegionCode}
    return by_key | {name_key(r.label): r.code for r in session.exec(select(Region)).all()}


def parse_regions(values: list[str] | None, by_key: Mapping[str, str]) -> list[str]:
    """Accept repeated or comma-separated bureau codes or labels, in any case ("eap", "East Asia and Pacific")."""
    codes: list[str] = []
    for value in values or []:
        for part in value.split(","):
            code = by_key.get(name_key(part))
            if code is None:
                raise InvalidParameter(
                    "region", f"{part.strip()!r} is not a region; use one of {', '.join(RegionCode)}"
                )
            if code not in codes:
                codes.append(code)
    return codes


@router.get("/regions", summary="The regional bureaus", response_model=RegionList, responses=CSV_RESPONSE)
@router.get("/regions.csv", response_model=RegionList, include_in_schema=False)
def list_regions(session: SessionDep, version: DataVersion, output: FormatDep) -> RegionList | Response:
    """The State Department's six regional bureaus, which the report's regional maps follow."""
    regions = session.exec(select(Region).order_by(col(Region.sort_order))).all()
    data = [RegionOut.model_validate(r) for r in regions]
    if output is Format.CSV:
        return model_csv(RegionOut, data, "regions.csv")
    return RegionList(data=data, meta=ListMeta(total=len(data), data_version=version))
