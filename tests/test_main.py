from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.main import app
from seed.loader import data_version

OPENAPI = app.openapi()
OPERATIONS = [(path, method, op) for path, item in OPENAPI["paths"].items() for method, op in item.items()]


def test_health_reports_the_data_version(client: TestClient, fixture_dir: Path) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "data_version": data_version(fixture_dir)}


def test_index_points_to_the_docs(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.json()["docs"] == "http://testserver/docs"


def test_docs_and_schema_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "TIP Tiers API"


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


def test_every_operation_is_versioned_except_health() -> None:
    paths = set(OPENAPI["paths"])
    assert {p for p in paths if not p.startswith("/v1/")} == {"/health"}


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_every_operation_is_documented(path: str, method: str, operation: dict[str, Any]) -> None:
    assert operation.get("tags"), "tag"
    assert operation.get("description"), "description for API users"
    assert operation["operationId"].split("_")[0] in {"list", "get", "health"}
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
