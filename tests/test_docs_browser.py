"""The docs page in a real headless Chromium: it loads offline, and "Try it out" runs a request against the live app."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from live import serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).parent.parent / "test-output"))

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)")


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The production command on a free port, over a freshly seeded SQLite file."""
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'tip.db'}"
    subprocess.run([sys.executable, "-m", "seed", "--database-url", url], check=True, capture_output=True)
    with serve(url, folder / "server.log") as server:
        yield server.base


def test_docs_try_it_out_runs_a_request_and_shows_the_answer(live_app: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{live_app}/docs")
            operation = page.locator("#operations-countries-get_country_v1_countries__code__get")
            operation.locator(".opblock-summary").click()
            operation.get_by_role("button", name="Try it out").click()
            operation.locator("input[placeholder='code']").fill("Ivory Coast")
            operation.get_by_role("button", name="Execute").click()
            response = operation.locator(".live-responses-table .response").first
            response.wait_for(timeout=15_000)
            assert response.locator(".response-col_status").inner_text().strip() == "200"
            body = operation.locator(".live-responses-table .microlight").first.inner_text()
            assert '"iso3": "CIV"' in body
            assert '"name": "Côte d\'Ivoire"' in body
            OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=OUTPUT_DIR / "docs-try-it-out.png", full_page=False)
        finally:
            browser.close()
    assert f"{live_app}/v1/countries/Ivory%20Coast" in requested
    outside = [url for url in requested if not url.startswith(live_app) and not url.startswith("data:")]
    assert outside == [], "the docs page must work with no internet"
