"""Readiness, request ids and the JSON access log, in process."""

import json
import logging
import time

import pytest
from fastapi.testclient import TestClient

from api.db import database, make_engine
from api.logs import JSONFormatter
from api.main import app


def test_ready_is_a_503_problem_until_data_is_loaded(empty_client: TestClient) -> None:
    response = empty_client.get("/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert "python -m seed" in response.json()["detail"]
    assert empty_client.get("/health").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["postgresql://postgres@127.0.0.1:9/test", "sqlite:////nonexistent-directory/tip_tiers.db"],
    ids=["postgresql-refused", "sqlite-unopenable"],
)
def test_an_unreachable_database_is_a_quick_503_while_health_stays_up(url: str) -> None:
    engine = make_engine(url)
    served, database.engine = database.engine, engine
    try:
        with TestClient(app) as client:
            started = time.perf_counter()
            ready, data = client.get("/ready"), client.get("/v1/placements?year=2024")
            elapsed = time.perf_counter() - started
            health = client.get("/health")
    finally:
        database.engine = served
        engine.dispose()
    for response in (ready, data):
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "retry-after" in response.headers
        assert "nonexistent" not in response.text and "127.0.0.1" not in response.text
    assert elapsed < 5
    assert health.status_code == 200


def test_every_answer_carries_a_request_id(client: TestClient) -> None:
    first, second = client.get("/v1/tiers"), client.get("/v1/nothing-here")
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_a_plain_request_id_is_echoed_and_a_forged_one_replaced(client: TestClient) -> None:
    assert client.get("/v1/tiers", headers={"X-Request-ID": "lb-7f3a.42"}).headers["x-request-id"] == "lb-7f3a.42"
    for forged in ("a" * 129, "x\tfake=1", 'x" "level": "error'):
        echoed = client.get("/v1/tiers", headers={"X-Request-ID": forged}).headers["x-request-id"]
        assert echoed != forged and len(echoed) == 32


def test_each_request_is_logged_once_as_json_with_its_id(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="api.access"):
        response = client.get("/v1/placements?year=2010&tier=1", headers={"User-Agent": "newsroom-script/1.0"})
    records = [r for r in caplog.records if r.name == "api.access"]
    assert len(records) == 1
    line = json.loads(JSONFormatter().format(records[0]))
    assert line["level"] == "info" and line["logger"] == "api.access"
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["method"] == "GET" and line["path"] == "/v1/placements" and line["query"] == "year=2010&tier=1"
    assert line["status"] == 200 and line["bytes"] == len(response.content)
    assert line["user_agent"] == "newsroom-script/1.0"
    assert line["duration_ms"] >= 0 and isinstance(line["pid"], int)


def test_errors_are_logged_with_their_status(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="api.access"):
        client.get("/v1/placements?tier=7")
    (record,) = [r for r in caplog.records if r.name == "api.access"]
    assert json.loads(JSONFormatter().format(record))["status"] == 422
