"""The pages in real headless Chromium: axe-core finds no serious or critical accessibility violation, no request
leaves the host, and screenshots at desktop and phone widths are saved in the test output for people to look at."""

import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from live import serve

from seed.loader import load

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).parent.parent / "test-output"))
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tip-tiers-axe"
AXE = "4.14.1"  # from the npm registry, injected by the test only: the pages themselves run no script
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
PAGES = {"home": "/", "country": "/countries/THA", "edition": "/reports/2025", "countries": "/countries",
         "map": "/v1/charts/world.svg?year=2025"}  # fmt: skip
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"),
]


def axe_source() -> str:
    """axe-core's browser build, fetched once from the npm registry (`npm pack`) and kept in the user's cache."""
    script = CACHE / AXE / "axe.min.js"
    if not script.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is needed to fetch axe-core")
        folder = CACHE / AXE
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", f"axe-core@{AXE}", "--pack-destination", str(folder), "--silent"],
                       check=True, capture_output=True, timeout=120)  # fmt: skip
        with tarfile.open(folder / f"axe-core-{AXE}.tgz") as archive:
            member = archive.getmember("package/axe.min.js")
            extracted = archive.extractfile(member)
            assert extracted is not None
            script.write_bytes(extracted.read())
    return script.read_text()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("pages")
    url = f"sqlite:///{folder / 'tip.db'}"
    from api.db import make_engine

    engine = make_engine(url)
    load(engine)
    engine.dispose()
    # No PUBLIC_URL: links are then relative, so they point at this server (the test run's own is testserver).
    with serve(url, folder / "server.log", PUBLIC_URL="") as server:
        yield server.base


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_pass_axe_load_nothing_from_elsewhere_and_are_photographed(site: str, name: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    source = axe_source()
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for width_name, (width, height) in WIDTHS.items():
                # The page's policy forbids every script, axe's too: the audit alone runs with the policy bypassed.
                context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
                page = context.new_page()
                page.on("request", lambda request: requested.append(request.url))
                response = page.goto(site + PAGES[name], wait_until="networkidle")
                assert response is not None and response.status == 200
                OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=OUTPUT_DIR / f"page-{name}-{width_name}.png", full_page=name != "map")
                if width_name == "desktop":
                    page.evaluate(source)
                    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
                    serious = [
                        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                        for v in result["violations"]
                        if v["impact"] in ("serious", "critical")
                    ]
                    assert serious == [], serious
                    if name != "map":
                        wide = page.evaluate("document.documentElement.scrollWidth")
                        assert wide <= width + 1
                elif name != "map":
                    # At phone width nothing but a table scrolls sideways (an SVG opened alone keeps its size).
                    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
                context.close()
        finally:
            browser.close()
    outside = [url for url in requested if not url.startswith(site) and not url.startswith("data:")]
    assert outside == [], "the pages load nothing from another host"
