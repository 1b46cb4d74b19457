import gzip

import pytest
from fastapi.testclient import TestClient

URL = "/v1/placements?year=2010"


def test_answers_carry_a_strong_etag_last_modified_and_cache_control(client: TestClient) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["last-modified"].endswith(" GMT")
    assert "Accept" in response.headers["vary"]


def test_etag_differs_by_representation_and_url(client: TestClient) -> None:
    tags = {
        client.get(URL).headers["etag"],
        client.get(URL + "&format=csv").headers["etag"],
        client.get("/v1/placements?year=2006").headers["etag"],
    }
    assert len(tags) == 3
    assert client.get(URL).headers["etag"] == client.get(URL).headers["etag"]


def test_etag_moves_with_the_data_version(client: TestClient, fixture_dir, engine) -> None:
    from sqlmodel import Session

    from api.models import Dataset

    before = client.get(URL).headers["etag"]
    with Session(engine) as session:
        dataset = session.get(Dataset, 1)
        assert dataset is not None
        dataset.version = "new-version"
        session.add(dataset)
        session.commit()
    after = client.get(URL)
    assert after.headers["etag"] != before
    assert client.get(URL, headers={"If-None-Match": before}).status_code == 200


@pytest.mark.parametrize("tags", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_answers_304_with_no_body(client: TestClient, tags: str) -> None:
    etag = client.get(URL).headers["etag"]
    response = client.get(URL, headers={"If-None-Match": tags.format(etag=etag)})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert "content-type" not in response.headers


def test_if_none_match_with_a_stale_tag_gets_the_body(client: TestClient) -> None:
    response = client.get(URL, headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200
    assert response.json()["data"]


def test_if_modified_since_answers_304_then_200_for_older_dates(client: TestClient) -> None:
    last_modified = client.get(URL).headers["last-modified"]
    assert client.get(URL, headers={"If-Modified-Since": last_modified}).status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(URL, headers={"If-Modified-Since": old}).status_code == 200
    assert client.get(URL, headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_errors_are_not_cached(client: TestClient) -> None:
    response = client.get("/v1/placements?tier=7")
    assert response.status_code == 422
    assert "etag" not in response.headers


@pytest.mark.parametrize(
    "path",
    ["/v1/placements", "/v1/placements.csv", "/v1/countries/THA", "/v1/reports/2010", "/v1/meta",
     "/v1/bulk/placements.csv", "/health", "/"],
)  # fmt: skip
def test_head_works_wherever_get_does(client: TestClient, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("etag") == get.headers.get("etag")


def test_cors_lets_any_origin_read_and_exposes_the_headers_scripts_need(client: TestClient) -> None:
    response = client.get(URL, headers={"Origin": "https://newsroom.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"etag", "link", "last-modified", "x-total-count", "ratelimit-remaining", "retry-after"} <= exposed


def test_cors_preflight_allows_get_with_conditional_headers(client: TestClient) -> None:
    response = client.options(
        URL,
        headers={
            "Origin": "https://newsroom.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]


def test_large_answers_are_gzipped_when_the_client_accepts_it(real_client: TestClient) -> None:
    url = "/v1/placements?year=2024"
    plain = real_client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = real_client.get(url, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(plain.content) / 4
    assert zipped.headers["etag"] != plain.headers["etag"]
    assert zipped.json() == plain.json()


def test_small_answers_are_not_gzipped(client: TestClient) -> None:
    response = client.get("/health", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers


def test_gzipped_bulk_csv_decompresses_to_the_plain_file(real_client: TestClient) -> None:
    import httpx

    plain = real_client.get("/v1/bulk/placements.csv", headers={"Accept-Encoding": "identity"}).content
    raw = real_client.get("/v1/bulk/placements.csv", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert isinstance(raw, httpx.Response)
    assert gzip.decompress(gzip.compress(plain)) == raw.content == plain
