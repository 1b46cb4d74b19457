"""How a placement relates to the one before it: up, down, unchanged, or outside the ranking."""

from enum import StrEnum

# Tier 1 is best. Special cases are unranked, so a move to or from one is neither up nor down.
RANK = {"1": 1, "2": 2, "2WL": 3, "3": 4}


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    UNCHANGED = "unchanged"
    SPECIAL_CASE = "special_case"
    ENTERED = "entered"
    LEFT = "left"
    UNKNOWN = "unknown"


def moves(before: dict[str, str], after: dict[str, str]) -> dict[str, Direction]:
    """Each country's move between two editions' placements ({iso3: tier}), for every country in either."""
    return {iso3: direction(before.get(iso3), after.get(iso3)) for iso3 in before.keys() | after.keys()}


def direction(before: str | None, after: str | None, gap: bool = False) -> Direction:
    """`before`/`after` are tier codes, None when not placed; `gap` when either report covered it unplaced."""
    if gap:
        return Direction.UNKNOWN
    if before is None and after is None:
        raise ValueError("a move needs at least one placement")
    if before is None:
        return Direction.ENTERED
    if after is None:
        return Direction.LEFT
    if before == after:
        return Direction.UNCHANGED
    if before not in RANK or after not in RANK:
        return Direction.SPECIAL_CASE
    return Direction.UP if RANK[after] < RANK[before] else Direction.DOWN
