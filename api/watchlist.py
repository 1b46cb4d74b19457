"""The Watch List rules of 22 U.S.C. 7107(b)(2)(D) and (F), as streak checks over a country's placements."""

from collections.abc import Iterable, Iterator
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


@dataclass(frozen=True)
class _Step:
    year: int
    tier: str
    before: int  # consecutive counted Watch List years up to the year before
    streak: int  # the same, including this year
    returned: bool  # back from a downgrade made under the 2019 law, and not since above the Watch List


def _walk(tiers: dict[int, str]) -> Iterator[_Step]:
    """One pass over a country's years, carrying the run length and the rule (F) state both checks need."""
    streak, returned = 0, False
    for year in sorted(tiers):
        tier = tiers[year]
        before = streak if tiers.get(year - 1) == "2WL" else 0
        streak = before + 1 if tier == "2WL" and year >= FIRST_COUNTED else 0
        if tier == "3" and before >= 2:
            returned = year >= ONE_WAIVER_FROM
        elif tier != "2WL":
            returned = returned and tier == "3"
        yield _Step(year, tier, before, streak, returned)


def streak_flags(iso3: str, placements: Iterable[tuple[int, str]]) -> list[Flag]:
    """Years where a country's consecutive Watch List run is longer than the rules allow."""
    tiers = dict(placements)
    flags: list[Flag] = []
    for step in _walk(tiers):
        year, streak = step.year, step.streak
        if not streak:
            continue
        if streak > max_years(year):
            flags.append(Flag(iso3, year, streak, "7107(b)(2)(D)",
                              f"{streak} consecutive years on the Watch List; the rules allow {max_years(year)} "
                              f"in the {year} report before Tier 3"))  # fmt: skip
        elif year >= ONE_WAIVER_FROM and step.returned and tiers.get(year - streak) == "3" and streak > 1:
            flags.append(Flag(iso3, year, streak, "7107(b)(2)(F)",
                              f"{streak} consecutive years on the Watch List after returning from an automatic "
                              "downgrade to Tier 3; the rules allow one"))  # fmt: skip
    return flags


@dataclass(frozen=True)
class RuleEvent:
    iso3: str
    year: int
    status: str  # downgraded, waived or at_risk
    streak: int
    # downgraded: a waiver year was still available but not given; at_risk: one is still available next year.
    waiver_available: bool


def rule_events(iso3: str, placements: Iterable[tuple[int, str]]) -> list[RuleEvent]:
    """Per report year: downgraded under the rule, kept on the Watch List by a waiver, or facing the rule next year."""
    events: list[RuleEvent] = []
    for step in _walk(dict(placements)):
        year, streak = step.year, step.streak
        if step.tier == "3" and step.before >= 2:
            events.append(RuleEvent(iso3, year, "downgraded", step.before, step.before < max_years(year)))
        if step.tier != "2WL":
            continue
        if streak >= 3:
            events.append(RuleEvent(iso3, year, "waived", streak, True))
        # Rule (F): back on the list after a downgrade under the 2019 law, one year is all there is.
        if streak >= 2 or step.returned:
            waiver_left = not step.returned and streak + 1 <= max_years(year + 1)
            events.append(RuleEvent(iso3, year, "at_risk", streak, waiver_left))
    return events


def runs(placements: Iterable[tuple[int, str]]) -> tuple[int, int]:
    """The current (ending with the latest placement) and the longest run of consecutive Watch List years."""
    tiers = dict(placements)
    current = longest = 0
    for year in sorted(tiers):
        current = current + 1 if tiers[year] == "2WL" and tiers.get(year - 1) == "2WL" else int(tiers[year] == "2WL")
        longest = max(longest, current)
    return current, longest
