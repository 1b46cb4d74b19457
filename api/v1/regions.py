from api.v1.params import SnapshotDep
from api.v1.render import Router
from api.v1.schemas import ListMeta, RegionList, RegionOut

router = Router(tags=["reference"])


@router.get("/regions", summary="The regional bureaus", response_model=RegionList)
async def list_regions(snapshot: SnapshotDep) -> RegionList:
    """The State Department's six regional bureaus, which the report's regional maps follow."""
    data = [RegionOut.model_validate(r) for r in snapshot.regions]
    return RegionList(data=data, meta=ListMeta(total=len(data), data_version=snapshot.version))
