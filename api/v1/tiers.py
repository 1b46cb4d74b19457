from api.v1.params import SnapshotDep
from api.v1.render import Router
from api.v1.schemas import ListMeta, TierList, TierOut

router = Router(tags=["reference"])


@router.get("/tiers", summary="The tiers and what they mean", response_model=TierList)
async def list_tiers(snapshot: SnapshotDep) -> TierList:
    """The five placements a report can give: Tier 1, Tier 2, Tier 2 Watch List, Tier 3 and Special Case."""
    data = [TierOut.model_validate(t) for t in snapshot.tiers]
    return TierList(data=data, meta=ListMeta(total=len(data), data_version=snapshot.version))
