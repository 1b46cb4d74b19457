"""The Watch List rules of 22 U.S.C. 7107(b)(2)(D) and (F), as streak checks over a country's placements."""

from collections.abc import Iterable
from dataclasses import dataclass

FIRST_COUNTED = 2009  # the 2008 reauthorization took effect with the 2009 report
ONE_WAIVER_FROM = 2019  # waivers cut from two years to one, and rule (F) added, in January 2019


@dataclass(frozen=True)
class Flag:
    iso3: str
    year: int
    streak: int
    rule: str
    message: str


def max_years(year: int) -> int:
    """Longest Watch List run the statute allows in a report year: two years plus the waiver years."""
    return 3 if year >= ONE_WAIVER_FROM else 4


def streak_flags(iso3: str, placements: Iterable[tuple[int, str]]) -> list[Flag]:
    """Years where a country's consecutive Watch List run is longer than the rules allow."""
    tiers = dict(placements)
    flags: list[Flag] = []
    streak = 0
    returned_from_auto = False
    for year in sorted(tiers):
        tier = tiers[year]
        if tier != "2WL" or year < FIRST_COUNTED:
            # Rule (F) binds countries downgraded after a full Watch List run under the January 2019 law.
            if tier == "3" and year >= ONE_WAIVER_FROM and tiers.get(year - 1) == "2WL" and streak >= 2:
                returned_from_auto = True
            elif tier not in ("3", "2WL"):
                returned_from_auto = False
            streak = 0 if tier != "2WL" else streak
            continue
        streak = streak + 1 if tiers.get(year - 1) == "2WL" else 1
        if streak > max_years(year):
            flags.append(Flag(iso3, year, streak, "7107(b)(2)(D)",
                              f"{streak} consecutive years on the Watch List; the rules allow {max_years(year)} "
                              f"in the {year} report before Tier 3"))  # fmt: skip
        elif year >= ONE_WAIVER_FROM and returned_from_auto and tiers.get(year - streak) == "3" and streak > 1:
            flags.append(Flag(iso3, year, streak, "7107(b)(2)(F)",
                              f"{streak} consecutive years on the Watch List after returning from an automatic "
                              "downgrade to Tier 3; the rules allow one"))  # fmt: skip
    return flags
