"""Every kind of bad input a public API gets: each is a 4xx problem that names what was wrong, never a 5xx."""

import pytest
from fastapi.testclient import TestClient

LONG = "A" * 10_000
INJECTION = "' OR 1=1; DROP TABLE placement; --"

# (request, status, parameter named in `errors`, words the detail must hold)
BAD_QUERIES = [
    ("/v1/placements?year=abc", 422, "year", "valid integer"),
    ("/v1/placements?year=1999", 422, "year", "outside 2001"),
    ("/v1/placements?year=2101", 422, "year", "outside 2001"),
    ("/v1/placements?year_from=2010&year_to=2005", 422, "year_from", "after year_to"),
    ("/v1/placements?year_from=twenty", 422, "year_from", "valid integer"),
    ("/v1/reports/1999", 422, "year", "greater than or equal to 2001"),
    ("/v1/reports/abc", 422, "year", "valid integer"),
    ("/v1/stats?year_from=2000", 422, "year_from", "greater than or equal to 2001"),
    ("/v1/changes?from=2010&to=2006", 422, "from", "must be before to"),
    ("/v1/placements?tier=4", 422, "tier", "is not a tier"),
    ("/v1/placements?tier=2WLX", 422, "tier", "is not a tier"),
    ("/v1/placements?region=ATLANTIS", 422, "region", "is not a region"),
    ("/v1/placements?basis=rumour", 422, "basis", "rumour"),
    ("/v1/placements?limit=-1", 422, "limit", "greater than or equal to 1"),
    ("/v1/placements?limit=0", 422, "limit", "greater than or equal to 1"),
    ("/v1/placements?limit=99999999999999999999999", 422, "limit", "less than or equal to 5000"),
    ("/v1/placements?offset=-1", 422, "offset", "greater than or equal to 0"),
    ("/v1/placements?offset=99999999999999999999999", 422, "offset", "less than or equal to"),
    ("/v1/placements?limit=1.5", 422, "limit", "valid integer"),
    ("/v1/placements?limit=10&limit=20", 400, "limit", "given 2 times"),
    ("/v1/placements?year_from=2005&year_from=2006", 400, "year_from", "given 2 times"),
    ("/v1/placements?format=csv&format=json", 400, "format", "given 2 times"),
    ("/v1/countries?q=a&q=b", 400, "q", "given 2 times"),
    ("/v1/placements?yaer=2005", 400, "yaer", "unknown query parameter"),
    ("/v1/tiers?year=2005", 400, "year", "unknown query parameter"),
    ("/v1/placements?format=xml", 422, "format", "xml"),
    (f"/v1/placements?country={LONG}", 414, "country", "at most 4096"),
    (f"/v1/countries?q={LONG[:300]}", 422, "q", "at most 200"),
    ("/v1/placements?" + "&".join(["year=2005"] * 500), 414, "year", "at most 4096"),
    (f"/v1/placements?country={INJECTION}", 422, "country", "no country goes by"),
    ("/v1/placements?country=%00", 422, "country", "control character"),
    ("/v1/countries?q=%00", 422, "q", "control character"),
    ("/v1/countries?q=%1Bkorea", 422, "q", "control character"),
    ("/v1/countries?q=---", 422, "q", "no letter or digit"),
    ("/v1/downgrades?year=0", 422, "year", "outside 2001-2100"),
    ("/v1/downgrades?year=100000000000000000000", 422, "year", "outside 2001-2100"),
    ("/v1/placements?country=%FF%FE", 422, "country", "no country goes by"),
    ("/v1/placements?year=%00", 422, "year", "control character"),
    ("/v1/placements?tier=%FF", 422, "tier", "is not a tier"),
]


@pytest.mark.parametrize(("url", "status", "parameter", "words"), BAD_QUERIES)
def test_bad_query_is_a_problem_naming_the_parameter(
    client: TestClient, url: str, status: int, parameter: str, words: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert parameter in [error["parameter"] for error in body["errors"]]
    assert words in body["detail"]
    assert len(response.content) < 2000, "an error must not echo a long value back whole"


# Path segments: looked up as names, never as SQL or files.
BAD_PATHS = [
    f"/v1/countries/{INJECTION}",
    "/v1/countries/%00",
    "/v1/countries/%FF%FE",
    f"/v1/countries/{LONG}",
    "/v1/countries/..%2F..%2F..%2Fetc%2Fpasswd",
    "/v1/charts/countries/%00.svg",
    "/assets/..%2F..%2F..%2Fetc%2Fpasswd",
    "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/v1/bulk/..%2F..%2Fpyproject.toml",
]


@pytest.mark.parametrize("path", BAD_PATHS)
def test_bad_path_is_a_404_problem(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "root:" not in response.text and "[project]" not in response.text
    assert len(response.content) < 2000


def test_injection_string_leaves_the_data_whole(client: TestClient) -> None:
    before = client.get("/v1/placements.csv").text
    client.get(f"/v1/countries/{INJECTION}")
    client.get(f"/v1/placements?country={INJECTION}")
    assert client.get("/v1/placements.csv").text == before


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE"])
@pytest.mark.parametrize("path", ["/v1/placements", "/v1/countries/CIV", "/v1/bulk/placements.csv", "/health"])
def test_unsupported_method_is_a_405_problem(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == "GET, HEAD", "HEAD works wherever GET does, and Allow says so"
    assert client.head(path).status_code == 200


NOT_ACCEPTABLE = [
    ("/v1/placements", "application/xml"),
    ("/v1/placements", "text/html"),
    ("/v1/placements", "application/json;q=0, text/csv;q=0"),
    ("/v1/placements.csv", "application/json"),
    ("/v1/reports/2010", "text/csv"),
    ("/v1/charts/countries/CIV.svg", "application/json"),
    ("/v1/bulk/placements.csv", "image/png"),
]


@pytest.mark.parametrize(("path", "accept"), NOT_ACCEPTABLE)
def test_accept_we_cannot_serve_is_a_406_problem(client: TestClient, path: str, accept: str) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == "Accept"
    assert "matches nothing this endpoint serves" in response.json()["detail"]


ACCEPTABLE = [
    ("/v1/placements", "*/*", "application/json"),
    ("/v1/placements", "application/*", "application/json"),
    ("/v1/placements", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json"),
    ("/v1/placements", "application/json, text/plain, */*", "application/json"),
    ("/v1/placements", "text/csv", "text/csv; charset=utf-8"),
    ("/v1/placements.csv", "text/*", "text/csv; charset=utf-8"),
    ("/v1/charts/countries/CIV.svg", "image/*", "image/svg+xml"),
    ("/v1/countries/CIV", "APPLICATION/JSON", "application/json"),
    ("/v1/countries/CIV", "not a media type", "application/json"),
]


@pytest.mark.parametrize(("path", "accept", "content_type"), ACCEPTABLE)
def test_accept_that_allows_what_we_serve_is_answered(
    client: TestClient, path: str, accept: str, content_type: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


def test_repeatable_filters_still_take_several_values(client: TestClient) -> None:
    response = client.get("/v1/placements?year=2005&year=2006&tier=2&tier=SC")
    assert response.status_code == 200
    rows = response.json()["data"]
    assert {row["year"] for row in rows} == {2005, 2006}
    assert {row["tier"] for row in rows} == {"2", "SC"}
