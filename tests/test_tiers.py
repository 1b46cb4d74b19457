import pytest
from fastapi.testclient import TestClient

from api.errors import InvalidParameter
from api.v1.params import parse_tiers
from api.v1.schemas import TierCode


def test_tiers_lists_the_five_in_rank_order(client: TestClient) -> None:
    response = client.get("/v1/tiers")
    assert response.status_code == 200
    body = response.json()
    assert [(t["code"], t["label"]) for t in body["data"]] == [
        ("1", "Tier 1"), ("2", "Tier 2"), ("2WL", "Tier 2 Watch List"), ("3", "Tier 3"), ("SC", "Special Case"),
    ]  # fmt: skip
    assert all(len(t["definition"]) > 80 for t in body["data"])
    assert body["meta"]["total"] == 5


def test_tiers_in_the_database_match_the_documented_enum(client: TestClient) -> None:
    assert [t["code"] for t in client.get("/v1/tiers").json()["data"]] == list(TierCode)


@pytest.mark.parametrize(
    ("values", "codes"),
    [
        (["1"], ["1"]), (["Tier 1"], ["1"]), (["tier-1"], ["1"]), (["TIER_2"], ["2"]), (["t2"], ["2"]),
        (["2WL"], ["2WL"]), (["2-wl"], ["2WL"]), (["watch-list"], ["2WL"]), (["Watchlist"], ["2WL"]),
        (["tier 2 watch list"], ["2WL"]), (["3"], ["3"]), (["tier3"], ["3"]), (["SC"], ["SC"]),
        (["special"], ["SC"]), (["special-case"], ["SC"]), (["1,3", "3"], ["1", "3"]), ([], []),
    ],
)  # fmt: skip
def test_parse_tiers_accepts_common_spellings(values: list[str], codes: list[str]) -> None:
    assert parse_tiers(values) == codes


@pytest.mark.parametrize("value", ["4", "tier", "gold", "2.5", ""])
def test_parse_tiers_rejects_the_rest(value: str) -> None:
    with pytest.raises(InvalidParameter, match="is not a tier"):
        parse_tiers([value])
