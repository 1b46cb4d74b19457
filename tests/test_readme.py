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
