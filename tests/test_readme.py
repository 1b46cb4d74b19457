"""The README's own pandas snippets, run as a reader would run them, against a live server over the real data."""

import re
from pathlib import Path
from typing import Any

import pytest
from live import serve
from sqlalchemy import Engine

pytestmark = pytest.mark.live

README = (Path(__file__).parent.parent / "README.md").read_text()


def snippets(marker: str) -> list[str]:
    return [block for block in re.findall(r"```python\n(.*?)```", README, flags=re.S) if marker in block]


def test_the_readme_pandas_snippets_give_the_right_values(real_engine: Engine, tmp_path: Path) -> None:
    if real_engine.dialect.name != "sqlite":
        pytest.skip("the snippets read CSV over HTTP; one database is enough")
    (code,) = snippets("pd.read_csv")
    namespace: dict[str, Any] = {}
    with serve(real_engine.url.render_as_string(hide_password=False), tmp_path / "server.log") as server:
        exec(code.replace("http://127.0.0.1:8000", server.base), namespace)
    tier3, df, wide = namespace["tier3"], namespace["df"], namespace["wide"]
    assert len(tier3) == 20 and (tier3.tier == "3").all() and (tier3.year == "2025").all()
    assert {"LAO", "TCD", "PRK"} <= set(tier3.iso3)
    namibia = df[df.iso3 == "NAM"]
    assert len(namibia) > 0 and (namibia.iso2 == "NA").all(), "Namibia's code survives"
    assert (wide.loc[wide.iso3 == "ALB", "2001"] == "3").all(), "not 3.0"
    assert (wide.loc[wide.iso3 == "USA", "2001"] == "").all(), "not ranked in 2001: an empty cell, not NaN"


def test_the_readme_r_snippet_reads_every_column_as_text() -> None:
    (block,) = [b for b in re.findall(r"```r\n(.*?)```", README, flags=re.S) if "read.csv" in b]
    assert 'colClasses = "character"' in block and 'na.strings = ""' in block


def test_without_postgresql_the_skips_are_summed_up_in_one_line_and_no_database_is_left_behind() -> None:
    """What the README's Development section promises a newcomer without PostgreSQL."""
    import os
    import subprocess
    import sys

    root = Path(__file__).parent.parent
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_tiers.py", "tests/test_countries.py"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    lines = run.stdout.splitlines()
    summary = [line for line in lines if line.startswith("skipped ") and "PostgreSQL" in line]
    assert len(summary) == 1 and summary[0].endswith("TEST_DATABASE_URL is not set"), "said once, with a count"
    assert not any(line.startswith("SKIPPED [") for line in lines)
    assert not (root / "tip_tiers.db").exists()


def test_the_five_journalist_questions_each_answer_at_their_url(real_client: Any) -> None:
    section = README[README.index("## For journalists") : README.index("```python")]
    urls = re.findall(r"`(/v1/[^`]+)`", section)
    assert len(urls) >= 6
    for url in urls:
        response = real_client.get(url)
        assert response.status_code == 200, url
        if url.endswith((".csv", ".xlsx")) or "/charts/" in url or "/cite" in url:
            continue
        assert response.json(), url
    tier3 = real_client.get("/v1/placements?year=2025&tier=3").json()["meta"]["total"]
    fell = {r["iso3"] for r in real_client.get("/v1/changes?to_tier=3").json()["data"] if r["direction"] == "down"}
    assert tier3 == 20 and {"LAO", "TCD"} <= fell


def test_the_readme_serves_with_the_production_command_which_names_no_server(
    real_engine: Engine, tmp_path: Path
) -> None:
    if real_engine.dialect.name != "sqlite":
        pytest.skip("one database is enough")
    command = next(b for b in re.findall(r"```sh\n(.*?)```", README, flags=re.S) if "python -m seed" in b)
    assert command.strip().endswith(".venv/bin/python -m api"), "the README serves as production does"
    with serve(real_engine.url.render_as_string(hide_password=False), tmp_path / "server.log") as server:
        import httpx

        response = httpx.get(f"{server.base}/v1/tiers")
    assert response.status_code == 200 and "server" not in response.headers
