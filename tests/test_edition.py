"""`python -m seed add-edition`: printed lists of past editions give back our rows; bad lists change nothing."""

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from seed.__main__ import main
from seed.edition import add_edition, parse
from seed.loader import DATA_DIR, SeedError, read_dataset

LISTS = Path(__file__).parent / "fixtures" / "lists"
ROWS = read_dataset()


def rows_of(path: Path) -> set[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return {(r["iso3"], r["tier"], r["name_in_report"]) for r in csv.DictReader(f)}


def fingerprint(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.rglob("*.csv")}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def without_edition(data: Path, year: int, drop_report: bool) -> tuple[set[tuple[str, str, str]], str]:
    original = rows_of(data / "placements" / f"{year}.csv")
    (data / "placements" / f"{year}.csv").unlink()
    reports = (data / "reports.csv").read_text(encoding="utf-8")
    if drop_report:
        lines = reports.splitlines(keepends=True)
        (data / "reports.csv").write_text("".join(line for line in lines if not line.startswith(f"{year},")))
    return original, reports


def test_the_2017_list_as_printed_gives_back_our_2017_rows(data: Path) -> None:
    original, reports = without_edition(data, 2017, drop_report=False)
    lines = add_edition(data, 2017, LISTS / "2017.txt", released=None, url=None)  # type: ignore[arg-type]
    assert rows_of(data / "placements" / "2017.csv") == original
    assert (data / "reports.csv").read_text(encoding="utf-8") == reports, "an edition already described keeps its row"
    assert lines[0].startswith("add-edition: wrote placements/2017.csv (187 countries: Tier 1 36, Tier 2 80,")
    with (data / "placements" / "2017.csv").open(encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    assert {(r["basis"], r["source_url"]) for r in written} == {
        ("report", "https://www.state.gov/reports/2017-trafficking-in-persons-report/")
    }
    read_dataset(data)


def test_the_2024_list_adds_the_edition_and_its_counts_and_a_second_run_changes_nothing(data: Path) -> None:
    import datetime

    original, reports = without_edition(data, 2024, drop_report=True)
    add_edition(data, 2024, LISTS / "2024.txt", datetime.date(2024, 6, 24), None)
    assert rows_of(data / "placements" / "2024.csv") == original
    with (data / "reports.csv").open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["year"] == "2024")
    tiers = [t for _, t, _ in original]
    assert (row["release_date"], row["countries_covered"]) == ("2024-06-24", str(len(original)))
    assert [row[f"published_tier_{c}"] for c in ("1", "2", "2wl", "3")] == [
        str(tiers.count(t)) for t in ("1", "2", "2WL", "3")
    ]
    assert row["published_special_case"] == str(tiers.count("SC"))
    # Every other line of reports.csv is as it was, and 2024 sits between 2023 and 2025.
    before = [line for line in reports.splitlines() if not line.startswith("2024,")]
    after = (data / "reports.csv").read_text(encoding="utf-8").splitlines()
    assert [line for line in after if not line.startswith("2024,")] == before
    assert [line[:4] for line in after[1:]] == [str(y) for y in range(2001, 2026)]
    read_dataset(data)
    unchanged = fingerprint(data)
    again = add_edition(data, 2024, LISTS / "2024.txt", datetime.date(2024, 6, 24), None)
    assert again == ["add-edition: 2024 is already in " + str(data / "placements" / "2024.csv")
                     + ", as this list gives it; nothing changed"]  # fmt: skip
    assert fingerprint(data) == unchanged


def test_the_command_prints_what_moved_and_who_faces_the_automatic_downgrade(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (data / "placements" / "2025.csv").open(encoding="utf-8") as f:
        latest = {r["iso3"]: (r["tier"], r["name_in_report"]) for r in csv.DictReader(f)}
    moved = dict(latest)
    moved["THA"] = ("3", "Thailand")  # Tier 2 in 2025: down
    moved["LAO"] = ("2", "Laos")  # Tier 3 in 2025: up
    del moved["ABW"]  # left
    text = "\n".join(
        f"{heading}\n" + "\n".join(name for tier, name in sorted(moved.values(), key=lambda v: v[1]) if tier == code)
        for code, heading in (("1", "TIER 1"), ("2", "TIER 2"), ("2WL", "TIER 2 WATCH LIST"), ("3", "TIER 3"),
                              ("SC", "SPECIAL CASES"))
    )  # fmt: skip
    (tmp_path / "2026.txt").write_text(text, encoding="utf-8")
    code = main(["add-edition", "2026", str(tmp_path / "2026.txt"), "--released", "2026-06-30",
                 "--data-dir", str(data)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "compared with 2025:" in out
    assert "left (1): Aruba (2 -> -)" in out
    assert "up (1): Laos (3 -> 2)" in out
    assert "down (1): Thailand (2 -> 3)" in out
    watch = [line for line in out.splitlines() if "face the automatic downgrade in 2027" in line]
    assert watch and "Algeria" in watch[0], "two years on the Watch List by 2026, with one waiver year used"
    assert out.rstrip().endswith("next: python -m seed")
    assert read_dataset(data).reports[2026].release_date.isoformat() == "2026-06-30"


@pytest.mark.parametrize(
    ("listing", "message"),
    [
        ("TIER 1\nAtlantis\n", "bad.txt:2: 'Atlantis' is not a known name"),
        (
            "TIER 1\nCongo\n",
            "bad.txt:2: 'Congo' is not a known name (add it to aliases.csv if it is right); closest known:",
        ),
        ("TIER 1\nThailand\nTIER 3\nthailand*\n", "bad.txt:4: Thailand is listed twice (also line 2, Tier 1)"),
        ("TIER 1\nTIER 2\nThailand\n", "bad.txt:1: Tier 1 lists no country"),
        ("TIER 2\nThailand\nSPECIAL CASES:\n", "bad.txt:3: Special Cases lists no country"),
        ("Thailand\nTIER 2\nLaos\n", "bad.txt:1: 'Thailand' comes before any tier heading"),
        ("TIER 2\nSerbia and Montenegro\n", "bad.txt:2: Serbia and Montenegro did not exist in 2026"),
        ("", "bad.txt: no tier heading and no country found"),
    ],
)
def test_a_bad_list_names_file_and_line(listing: str, message: str) -> None:
    with pytest.raises(SeedError) as error:
        parse(listing, "bad.txt", 2026, ROWS)
    assert message in str(error.value)


def test_congo_alone_is_answered_with_both_congos() -> None:
    with pytest.raises(SeedError) as error:
        parse("TIER 2\nCongo\n", "bad.txt", 2026, ROWS)
    assert "Republic of the Congo" in str(error.value) and "Democratic Republic of the Congo" in str(error.value)


def test_a_bad_list_writes_nothing(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.txt").write_text("TIER 1\nThailand\nAtlantis\n", encoding="utf-8")
    before = fingerprint(data)
    assert main(["add-edition", "2026", str(tmp_path / "bad.txt"), "--data-dir", str(data)]) == 1
    assert "bad.txt:3: 'Atlantis' is not a known name" in capsys.readouterr().err
    assert fingerprint(data) == before


def test_an_edition_that_exists_with_other_rows_is_refused(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = fingerprint(data)
    assert main(["add-edition", "2017", str(LISTS / "2024.txt"), "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert "add-edition: nothing written" in err
    assert "placements/2017.csv: 2017 already exists and differs from 2024.txt" in err
    assert fingerprint(data) == before
