"""Absolute URLs come from PUBLIC_URL, never from the request: a forged Host or X-Forwarded-Proto must not reach an
answer, the answer store or an ETag that a CDN keys on."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.config import settings

PAGES = [
    "/",
    "/v1/meta",
    "/v1/placements?limit=2",
    "/v1/placements?limit=2&offset=2",
    "/v1/bulk/datapackage.json",
]
FORGED = {"Host": "evil.example", "X-Forwarded-Proto": "gopher", "X-Forwarded-Host": "evil.example"}


@pytest.mark.parametrize("path", PAGES)
def test_forged_host_never_reaches_an_answer(client: TestClient, empty_store: None, path: str) -> None:
    forged = client.get(path, headers=FORGED)
    honest = client.get(path)
    assert forged.status_code == honest.status_code == 200
    for response in (forged, honest):
        assert "evil.example" not in response.text and "gopher" not in response.text
        assert "evil.example" not in str(response.headers)
    assert forged.text == honest.text
    assert forged.headers.get("etag") == honest.headers.get("etag")


@pytest.fixture
def no_public_url(empty_store: None) -> Iterator[None]:
    saved = settings.public_url
    settings.public_url = ""
    yield
    settings.public_url = saved


def test_links_are_relative_without_public_url(client: TestClient, no_public_url: None) -> None:
    page = client.get("/v1/placements?limit=2", headers={"Host": "evil.example"})
    assert page.json()["links"]["next"] == "/v1/placements?limit=2&offset=2"
    assert page.headers["link"] == (
        '</v1/placements?limit=2&offset=2>; rel="next", </v1/placements?limit=2&offset=0>; rel="first", '
        '</v1/placements?limit=2&offset=10>; rel="last"'
    )
    meta = client.get("/v1/meta", headers={"Host": "evil.example"}).json()
    assert meta["bulk"]["datapackage"] == "/v1/bulk/datapackage.json"
    assert meta["docs"] == "/docs"
    assert "evil.example" not in meta["citation"]


def test_links_use_public_url(client: TestClient, empty_store: None) -> None:
    saved = settings.public_url
    settings.public_url = "https://tip.example.org/"
    try:
        meta = client.get("/v1/meta", headers={"Host": "evil.example"}).json()
    finally:
        settings.public_url = saved
    assert meta["bulk"]["placements_csv"] == "https://tip.example.org/v1/bulk/placements.csv"
    assert meta["citation"].endswith(", https://tip.example.org/")
