import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.main import app
from seed.loader import data_version

OPENAPI = app.openapi()
OPERATIONS = [(path, method, op) for path, item in OPENAPI["paths"].items() for method, op in item.items()]


def test_health_answers_without_the_database(client: TestClient, fixture_dir: Path) -> None:
    from api.live import live

    live.held = None
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": app.version, "data_version": None}
    client.get("/v1/tiers")  # any data answer reads the version
    assert client.get("/health").json()["data_version"] == data_version(fixture_dir), "the version the process holds"


def test_ready_reports_the_data_version_served(client: TestClient, fixture_dir: Path) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "data_version": data_version(fixture_dir)}


def test_index_points_to_the_docs_meta_and_bulk_files(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    body = response.json()
    assert body["docs"] == "http://testserver/docs"
    assert body["meta"] == "http://testserver/v1/meta"
    assert body["bulk"]["placements_csv"] == "http://testserver/v1/bulk/placements.csv"
    for url in [body["docs"], body["meta"], *body["bulk"].values(), *body["endpoints"].values()]:
        assert client.get(url).status_code == 200, url


def test_index_is_a_page_for_browsers(client: TestClient) -> None:
    response = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for href in ("/docs", "/v1/meta", "/v1/bulk/placements.csv", "/v1/bulk/datapackage.json"):
        assert f'href="http://testserver{href}"' in response.text


def test_docs_and_schema_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "TIP Tiers API"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_nothing_from_the_internet(client: TestClient, page: str) -> None:
    html = client.get(page).text
    assert re.findall(r"(?:src|href)=[\"']?(https?:)?//", html) == []
    assets = re.findall(r"(?:src|href)=[\"'](/assets/[^\"']+)", html)
    assert assets
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 1000, asset


def test_every_tag_is_described() -> None:
    described = {tag["name"] for tag in OPENAPI["tags"] if tag.get("description")}
    used = {tag for _, _, operation in OPERATIONS for tag in operation["tags"]}
    assert used <= described


def test_docs_examples_are_true_rows_of_the_seed_data(real_client: TestClient) -> None:
    """An example on /docs is a claim about a country; it must be what the API answers."""
    schemas = OPENAPI["components"]["schemas"]

    def examples(name: str) -> list[Any]:
        return list(schemas[name]["examples"])

    def no_nulls(value: Any) -> Any:
        # The OpenAPI document leaves out nulls, so compare the answers without them.
        if isinstance(value, dict):
            return {k: no_nulls(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [no_nulls(v) for v in value]
        return value

    checked = 0
    for example in examples("PlacementRow"):
        url = f"/v1/placements?year={example['year']}&country={example['iso3']}"
        assert no_nulls(real_client.get(url).json()["data"]) == [example]
        checked += 1
    # Other examples: each must be one of the rows the API answers at that URL.
    answered_at = {
        "CountryPlacement": ("/v1/countries/THA", "placements"),
        "CountryOut": ("/v1/countries", "data"),
        "ReportOut": ("/v1/reports", "data"),
        "Change": ("/v1/changes?from=2013&to=2014", "data"),
        "RuleRow": ("/v1/downgrades?year=2013", "data"),
        "StatRow": ("/v1/stats", "data"),
    }
    for name, (url, key) in answered_at.items():
        rows = no_nulls(real_client.get(url).json()[key])
        for example in examples(name):
            assert example in rows, name
            checked += 1
    assert checked == 7


def test_unknown_route_is_a_problem_404(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank", "title": "Not Found", "status": 404,
        "detail": "There is nothing at /v1/nothing-here; see /docs for the endpoints.",
    }  # fmt: skip


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_are_refused_with_405(client: TestClient, method: str) -> None:
    response = client.request(method, "/v1/placements")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert "read-only" in response.json()["detail"]


def test_every_route_is_get_only() -> None:
    methods = {m for route in app.routes if isinstance(route, APIRoute) for m in route.methods}
    assert methods == {"GET"}


def test_every_operation_is_versioned_except_health_and_ready() -> None:
    paths = set(OPENAPI["paths"])
    assert {p for p in paths if not p.startswith("/v1/") and p != "/v1"} == {"/health", "/ready"}


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_every_operation_is_documented(path: str, method: str, operation: dict[str, Any]) -> None:
    assert operation.get("tags"), "tag"
    assert operation.get("description"), "description for API users"
    generated = operation["operationId"].split("_v1_")[0].replace("_", " ").title()
    assert operation.get("summary") and operation["summary"] != generated, "a written summary"
    assert operation["operationId"].split("_")[0] in {"list", "get", "health", "ready"}
    for parameter in operation.get("parameters", []):
        assert parameter.get("description") or parameter["in"] == "path", parameter["name"]


def test_every_public_field_is_described() -> None:
    undocumented = [
        f"{name}.{field}"
        for name, schema in OPENAPI["components"]["schemas"].items()
        if name not in {"HTTPValidationError", "ValidationError"}
        for field, spec in schema.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert undocumented == []


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_every_documented_parameter_is_accepted(
    client: TestClient, path: str, method: str, operation: dict[str, Any]
) -> None:
    """The unknown-parameter check must never reject a parameter the docs offer."""
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    url = path.replace("{code}", "THA").replace("{year}", "2010")
    response = client.get(url, params={name: "" for name in names})
    assert response.status_code != 400, response.json()


def _answer_over_broken_database(error: Exception, url: str) -> Any:
    from conftest import failing_engine, serving

    with serving(failing_engine(error)):
        return TestClient(app, raise_server_exceptions=False).get(url)


def test_database_down_is_a_503_problem_with_retry_after() -> None:
    from sqlalchemy.exc import OperationalError

    response = _answer_over_broken_database(OperationalError("SELECT 1", {}, Exception("refused")), "/v1/placements")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["title"] == "Service Unavailable"
    assert "SELECT" not in response.text


def test_unexpected_error_is_a_500_problem_without_internals() -> None:
    response = _answer_over_broken_database(RuntimeError("secret internals"), "/v1/placements")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text


@pytest.mark.parametrize("path", ["/v1", "/v1/"])
def test_v1_itself_lists_every_endpoint(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and "etag" in response.headers
    endpoints = response.json()["endpoints"]
    assert {"http://testserver/v1/placements", "http://testserver/v1/cite", "http://testserver/v1/feed.atom",
            "http://testserver/v1/corrections", "http://testserver/v1/bulk"} <= set(endpoints)  # fmt: skip
    assert all(client.get(url.replace("{code}", "THA").replace("{year}", "2010")).status_code == 200
               for url in endpoints)  # fmt: skip


@pytest.mark.parametrize("path", ["/v1/bulk", "/v1/bulk/"])
def test_the_bulk_index_links_every_file(client: TestClient, path: str) -> None:
    body = client.get(path).json()
    assert set(body["files"]) == {"placements.csv", "placements.json", "countries.csv", "reports.csv",
                                  "datapackage.json"}  # fmt: skip
    assert all(client.get(url).status_code == 200 for url in body["files"].values())
