"""Security headers on every answer; pages allow exactly their own scripts."""

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from api.security import DATA_POLICY

ANSWERS = [
    ("GET", "/v1/placements", {}),
    ("GET", "/v1/placements.csv", {}),
    ("GET", "/v1/countries/CIV", {}),
    ("GET", "/v1/bulk/placements.csv", {}),
    ("GET", "/v1/nothing-here", {}),
    ("GET", "/v1/placements?tier=9", {}),
    ("GET", "/v1/placements", {"Accept": "application/xml"}),
    ("DELETE", "/v1/placements", {}),
    ("HEAD", "/v1/placements", {}),
    ("GET", "/health", {}),
    ("GET", "/ready", {}),
    ("GET", "/openapi.json", {}),
    ("GET", "/", {}),
    ("OPTIONS", "/v1/placements", {"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}),
]


@pytest.mark.parametrize(("method", "path", "headers"), ANSWERS)
def test_every_answer_carries_the_security_headers(
    client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    response = client.request(method, path, headers=headers)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "server" not in response.headers


def test_data_runs_and_loads_nothing(client: TestClient) -> None:
    response = client.get("/v1/placements")
    assert response.headers["content-security-policy"] == DATA_POLICY.decode()
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_a_304_from_the_store_carries_them_too(client: TestClient) -> None:
    etag = client.get("/v1/placements").headers["etag"]
    response = client.get("/v1/placements", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == DATA_POLICY.decode()


def test_charts_may_be_embedded_but_run_nothing(client: TestClient) -> None:
    response = client.get("/v1/charts/countries/CIV.svg")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "default-src 'none'"
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_allow_exactly_their_own_inline_scripts(client: TestClient, page: str) -> None:
    response = client.get(page)
    policy = response.headers["content-security-policy"]
    inline = re.findall(r"<script>(.*?)</script>", response.text, flags=re.DOTALL)
    hashes = re.findall(r"'sha256-([^']+)'", policy)
    assert hashes == [base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() for script in inline]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_landing_page_has_a_page_policy(client: TestClient) -> None:
    response = client.get("/", headers={"Accept": "text/html"})
    assert "text/html" in response.headers["content-type"]
    # The pages run no script and load only their own stylesheet: stricter than the docs pages' policy.
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'self';" in policy and "unsafe-inline" not in policy
    assert "script-src" not in policy and "form-action 'self'" in policy
