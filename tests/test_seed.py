import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, inspect
from sqlmodel import Session, select

from api.models import Dataset, Placement
from seed.__main__ import main
from seed.loader import DATA_DIR, SeedError, data_version, load, read_dataset


def copy_of(fixture_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(fixture_dir, target)
    return target


def state(engine: Engine) -> tuple[str | None, int]:
    with Session(engine) as session:
        return session.exec(select(Dataset.version)).first(), session.exec(select(func.count(Placement.iso3))).one()


def test_load_is_idempotent(engine: Engine, fixture_dir: Path) -> None:
    assert load(engine, fixture_dir) == (data_version(fixture_dir), True)
    assert load(engine, fixture_dir) == (data_version(fixture_dir), False)
    assert load(engine, fixture_dir, force=True) == (data_version(fixture_dir), True)
    assert state(engine) == (data_version(fixture_dir), 11)


def test_load_replaces_the_previous_data(engine: Engine, fixture_dir: Path, tmp_path: Path) -> None:
    load(engine, fixture_dir)
    changed = copy_of(fixture_dir, tmp_path)
    (changed / "placements" / "2010.csv").write_text(
        "iso3,name_in_report,tier,basis,source_url,note\nTHA,Thailand,3,report,https://example.org/tha,\n"
    )
    version, loaded = load(engine, changed)
    assert loaded and version != data_version(fixture_dir)
    assert state(engine) == (version, 9)


@pytest.mark.parametrize(
    ("file", "line", "message"),
    [
        ("placements/2005.csv", "THA,Thailand,7,report,https://example.org/x,", "tier '7' is not one of"),
        ("placements/2005.csv", "THA,Thailand,2,report,https://example.org/x,", "THA is placed twice in 2005"),
        ("placements/2005.csv", "XYZ,Nowhere,2,report,https://example.org/x,", "iso3 'XYZ' is not in countries.csv"),
        ("placements/2005.csv", "USA,USA,1,rumour,https://example.org/x,", "basis 'rumour' is not one of"),
        ("placements/2005.csv", "USA,USA,1,report,not a url,", "source_url is not an http(s) URL"),
        ("placements/2005.csv", "USA,USA,1,report", "expected 6 fields"),
        ("placements/2010.csv", "SCG,Serbia and Montenegro,2,report,https://example.org/x,", "did not exist in 2010"),
        ("gaps.csv", "2010,THA,a gap", "THA is placed in 2010, so it is no gap"),
        ("gaps.csv", "2011,THA,a gap", "year '2011' has no report"),
        ("aliases.csv", "THA,Ivory Coast", "already names CIV"),
        ("countries.csv", "tha,T,Thai,sovereign,EAP,,,,", "is not 3 capitals"),
        ("countries.csv", "ATL,AT,Atlantis,sunken,EAP,,,,", "kind 'sunken' is not one of"),
        ("reports.csv", "2011,11,27 June 2011,https://example.org/,,,,,,,,", "is not YYYY-MM-DD"),
        ("placements/2005.csv", "USA,USA,1,report,https://blog.example.net/x,", "site is not in source_classes.csv"),
        ("source_classes.csv", "example.org,2,Again,", "prefix 'example.org' is empty, repeated"),
        ("source_classes.csv", "news.example,7,News,", "class '7' is not 1 to 6"),
        (
            "report_slugs.csv",
            "THA,2016,2020,thailand,https://www.state.gov/reports/2018-trafficking-in-persons-report/thailand/",
            "years must run from 2017 on",
        ),
        (
            "report_slugs.csv",
            "THA,2017,2020,thailand,https://thai.example/reports/2018-trafficking-in-persons-report/thailand/",
            "must be a State Department chapter address of this slug",
        ),
        (
            "report_slugs.csv",
            "THA,2017,2020,thai-land,https://www.state.gov/reports/2018-trafficking-in-persons-report/thailand/",
            "must be a State Department chapter address of this slug",
        ),
        (
            "report_slugs.csv",
            "THA,2017,2020,Thailand,https://www.state.gov/reports/2018-trafficking-in-persons-report/Thailand/",
            "is not a-z, 0-9 and -",
        ),
    ],
)
def test_a_bad_row_fails_with_file_and_line_and_changes_nothing(
    engine: Engine, fixture_dir: Path, tmp_path: Path, file: str, line: str, message: str
) -> None:
    load(engine, fixture_dir)
    before = state(engine)
    bad = copy_of(fixture_dir, tmp_path)
    path = bad / file
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, line]) + "\n", encoding="utf-8")
    with pytest.raises(SeedError) as error:
        load(engine, bad)
    assert f"{file}:{len(lines) + 1}: " in str(error.value)
    assert message in str(error.value)
    assert state(engine) == before


def test_a_country_has_one_chapter_address_per_edition(fixture_dir: Path, tmp_path: Path) -> None:
    bad = copy_of(fixture_dir, tmp_path)
    chapter = "https://www.state.gov/reports/2018-trafficking-in-persons-report/thailand/"
    (bad / "report_slugs.csv").write_text(
        f"iso3,year_from,year_to,slug,evidence_url\nTHA,2017,2020,thailand,{chapter}\nTHA,2020,2025,thailand,{chapter}\n"
    )
    with pytest.raises(SeedError, match=r"report_slugs.csv:3: THA has two slugs for one year"):
        read_dataset(bad)


def test_a_bad_header_is_reported(fixture_dir: Path, tmp_path: Path) -> None:
    bad = copy_of(fixture_dir, tmp_path)
    (bad / "gaps.csv").write_text("year,country,note\n")
    with pytest.raises(SeedError, match=r"gaps.csv:1: header must be year,iso3,note"):
        read_dataset(bad)


def test_a_placement_file_needs_a_report(fixture_dir: Path, tmp_path: Path) -> None:
    bad = copy_of(fixture_dir, tmp_path)
    shutil.copy(bad / "placements" / "2010.csv", bad / "placements" / "2011.csv")
    with pytest.raises(SeedError, match=r"placements/2011.csv: file name must be the year of a report"):
        read_dataset(bad)


def test_cli_loads_then_reports_nothing_to_do(
    engine: Engine, fixture_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "--data-dir", str(fixture_dir)]) == 0
    assert main(["--database-url", url, "--data-dir", str(fixture_dir)]) == 0
    out = capsys.readouterr().out
    assert f"data version {data_version(fixture_dir)} loaded" in out
    assert f"data version {data_version(fixture_dir)} already loaded" in out


def test_cli_refuses_bad_data_and_says_where(
    engine: Engine, fixture_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = copy_of(fixture_dir, tmp_path)
    with (bad / "placements" / "2006.csv").open("a") as fh:
        fh.write("THA,Thailand,9,report,https://example.org/x,\n")
    url = engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "--data-dir", str(bad)]) == 1
    assert "placements/2006.csv:6: tier '9'" in capsys.readouterr().err
    # Nothing was created or loaded (the test database may hold the empty schema of an earlier test).
    if "dataset" in inspect(engine).get_table_names():
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM dataset").scalar() == 0
    else:
        assert inspect(engine).get_table_names() == []


# The seed command, killed by SIGKILL at the worst moment: every old row deleted and every new row written
# inside its transaction, just before the commit.
KILLED_BEFORE_COMMIT = """
import os, signal, sys
from sqlmodel import Session

def die(session):
    session.flush()
    print("written, not committed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

Session.commit = die
from seed.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.live
def test_a_seed_killed_halfway_leaves_the_previous_data_served(
    engine: Engine, client: TestClient, fixture_dir: Path
) -> None:
    before = state(engine)
    answer = client.get("/v1/placements.csv").text
    url = engine.url.render_as_string(hide_password=False)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_COMMIT, "--database-url", url, "--data-dir", str(DATA_DIR), "--force"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert "written, not committed" in killed.stdout
    assert state(engine) == before == (data_version(fixture_dir), 11)
    assert client.get("/v1/placements.csv").text == answer
    assert client.get("/ready").json()["data_version"] == data_version(fixture_dir)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    # And the next run, not killed, loads the new data.
    assert main(["--database-url", url, "--data-dir", str(DATA_DIR)]) == 0
    assert state(engine)[0] == data_version(DATA_DIR)
