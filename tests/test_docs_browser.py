"""The docs page in a real headless Chromium: it loads offline, and "Try it out" runs a request against the live app."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live import serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).parent.parent / "test-output"))

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"),
]


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The production command on a free port, over a freshly seeded SQLite file."""
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'tip.db'}"
    subprocess.run([sys.executable, "-m", "seed", "--database-url", url], check=True, capture_output=True)
    with serve(url, folder / "server.log") as server:
        yield server.base


ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


def _csp_violations(page: Any) -> list[str]:
    """Everything the page's Content-Security-Policy blocked, as Chromium reports it on the console."""
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    return refused


def test_docs_try_it_out_runs_a_request_and_shows_the_answer(live_app: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.on("request", lambda request: requested.append(request.url))
            refused = _csp_violations(page)
            response = page.goto(f"{live_app}/docs")
            assert response is not None
            assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
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
    assert refused == [], "the security policy must let the docs page work"
    # Swagger sends the documented defaults too (`pretty=false`).
    assert any(url.split("?")[0] == f"{live_app}/v1/countries/Ivory%20Coast" for url in requested)
    outside = [url for url in requested if not url.startswith(live_app) and not url.startswith("data:")]
    assert outside == [], "the docs page must work with no internet"


def test_redoc_renders_under_its_security_policy(live_app: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            refused = _csp_violations(page)
            page.goto(f"{live_app}/redoc")
            page.locator("h2", has_text="Placements, filtered (JSON or CSV)").first.wait_for(timeout=15_000)
        finally:
            browser.close()
    # ReDoc's footer logo would come from Redocly's CDN: the policy keeps the page from calling out, as it should.
    own = [message for message in refused if "https://cdn.redoc.ly/" not in message]
    assert own == [], "the security policy must let the reference page work"


def test_a_data_answer_runs_no_script_in_the_browser(live_app: str) -> None:
    """An answer that echoes a client's value, opened as a page, cannot run what it echoes."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            response = page.goto(f"{live_app}/v1/countries/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            assert response is not None and response.status == 404
            assert response.headers["x-content-type-options"] == "nosniff"
        finally:
            browser.close()
    assert dialogs == []
