import pytest

from api.watchlist import Flag, max_years, streak_flags


def run(tiers: dict[int, str]) -> list[tuple[int, int, str]]:
    return [(f.year, f.streak, f.rule) for f in streak_flags("XXX", tiers.items())]


def test_two_watch_list_years_then_tier_3_is_what_the_rule_demands() -> None:
    assert run({2011: "2WL", 2012: "2WL", 2013: "3"}) == []


def test_four_years_with_two_waivers_were_allowed_until_2018() -> None:
    assert run({2009: "2WL", 2010: "2WL", 2011: "2WL", 2012: "2WL", 2013: "3"}) == []


def test_a_fifth_year_before_2019_is_flagged() -> None:
    tiers = {y: "2WL" for y in range(2009, 2014)}
    assert run(tiers) == [(2013, 5, "7107(b)(2)(D)")]


def test_years_before_2009_do_not_count() -> None:
    tiers = {y: "2WL" for y in range(2005, 2013)}
    assert run(tiers) == []


def test_from_2019_a_fourth_year_is_flagged() -> None:
    tiers = {2016: "2", 2017: "2WL", 2018: "2WL", 2019: "2WL", 2020: "2WL"}
    assert run(tiers) == [(2020, 4, "7107(b)(2)(D)")]


def test_a_gap_year_breaks_the_run() -> None:
    assert run({2009: "2WL", 2010: "2WL", 2012: "2WL", 2013: "2WL", 2014: "2WL"}) == []


def test_rule_f_one_year_after_returning_from_a_downgrade() -> None:
    tiers = {2018: "2WL", 2019: "2WL", 2020: "2WL", 2021: "3", 2022: "2WL", 2023: "2WL"}
    assert run(tiers) == [(2023, 2, "7107(b)(2)(F)")]
    assert run({**tiers, 2023: "3"}) == []


def test_rule_f_does_not_reach_back_before_2019() -> None:
    assert run({2011: "2WL", 2012: "2WL", 2013: "3", 2019: "2WL", 2020: "2WL"}) == []


def test_special_cases_and_upgrades_reset_everything() -> None:
    tiers = {2019: "2WL", 2020: "2WL", 2021: "3", 2022: "2", 2023: "2WL", 2024: "2WL"}
    assert run(tiers) == []


@pytest.mark.parametrize(("year", "allowed"), [(2009, 4), (2018, 4), (2019, 3), (2025, 3)])
def test_max_years(year: int, allowed: int) -> None:
    assert max_years(year) == allowed


def test_flag_says_what_is_wrong() -> None:
    [flag] = streak_flags("THA", {y: "2WL" for y in range(2009, 2014)}.items())
    assert flag == Flag("THA", 2013, 5, "7107(b)(2)(D)", flag.message)
    assert "5 consecutive years" in flag.message and "allow 4" in flag.message
