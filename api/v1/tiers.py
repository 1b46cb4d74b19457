from fastapi import APIRouter, Response
from sqlmodel import col, select

from api.db import SessionDep
from api.errors import InvalidParameter
from api.models import Tier
from api.v1.formats import CSV_RESPONSE, Format, FormatDep, model_csv
from api.v1.meta import DataVersion
from api.v1.schemas import ListMeta, TierCode, TierList, TierOut

router = APIRouter(tags=["reference"])

# Spellings people type, folded to lower case without spaces, hyphens, underscores or a leading "tier".
_SPELLINGS = {
    "1": "1", "i": "1", "t1": "1",
    "2": "2", "ii": "2", "t2": "2",
    "2wl": "2WL", "2watchlist": "2WL", "watchlist": "2WL", "wl": "2WL", "t2wl": "2WL", "iiwl": "2WL",
    "3": "3", "iii": "3", "t3": "3",
    "sc": "SC", "special": "SC", "specialcase": "SC", "specialcases": "SC",
}  # fmt: skip


def parse_tiers(values: list[str] | None, parameter: str = "tier") -> list[str]:
    """Accept repeated or comma-separated tiers in any common spelling ("2wl", "watch-list", "Tier 3", "special")."""
    codes: list[str] = []
    for value in values or []:
        for part in value.split(","):
            folded = "".join(c for c in part.lower() if c not in " -_.")
            code = _SPELLINGS.get(folded.removeprefix("tier"))
            if code is None:
                allowed = ", ".join(TierCode)
                raise InvalidParameter(parameter, f"{part.strip()!r} is not a tier; use one of {allowed}")
            if code not in codes:
                codes.append(code)
    return codes


@router.get("/tiers", summary="The tiers and what they mean", response_model=TierList, responses=CSV_RESPONSE)
@router.get("/tiers.csv", response_model=TierList, include_in_schema=False)
def list_tiers(session: SessionDep, version: DataVersion, output: FormatDep) -> TierList | Response:
    """The five placements a report can give: Tier 1, Tier 2, Tier 2 Watch List, Tier 3 and Special Case."""
    tiers = session.exec(select(Tier).order_by(col(Tier.sort_order))).all()
    data = [TierOut.model_validate(t) for t in tiers]
    if output is Format.CSV:
        return model_csv(TierOut, data, "tiers.csv")
    return TierList(data=data, meta=ListMeta(total=len(data), data_version=version))
