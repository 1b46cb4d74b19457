"""The invariants of the one read path: every /v1 answer carries its version's ETag and date, every list answers in
every registered format, JSON ends with a newline and indents on `pretty`."""

import datetime
import json
from email.utils import parsedate_to_datetime

import pytest
from fastapi.testclient import TestClient

from api.main import app
from api.v1.render import RENDERERS

OPENAPI = app.openapi()
GETS = [path for path, item in OPENAPI["paths"].items() if "get" in item and path.startswith("/v1")]
TABULAR = [
    path
    for path in GETS
    if {"text/csv", "application/json"} <= set(OPENAPI["paths"][path]["get"]["responses"]["200"].get("content", {}))
]


def _url(path: str) -> str:
    return path.replace("{code}", "THA").replace("{year}", "2010")


@pytest.mark.parametrize("path", GETS)
def test_every_v1_answer_carries_etag_and_last_modified_by_construction(client: TestClient, path: str) -> None:
    response = client.get(_url(path))
    assert response.status_code == 200, response.text
    assert response.headers["etag"].startswith('"')
    assert response.headers["cache-control"].startswith("public")
    # The data's own date (the fixture's correction of 2026-11-22), never the time of loading.
    assert parsedate_to_datetime(response.headers["last-modified"]).date() == datetime.date(2026, 11, 22)
    assert client.get(_url(path), headers={"If-None-Match": response.headers["etag"]}).status_code == 304


def test_the_walk_covers_every_route_module() -> None:
    assert len(GETS) >= 24 and len(TABULAR) >= 10
    assert {"/v1/countries/{code}", "/v1/placements", "/v1/changes", "/v1/downgrades"} <= set(TABULAR)


@pytest.mark.parametrize("path", TABULAR)
@pytest.mark.parametrize("extension", [renderer.extension for renderer in RENDERERS.values()])
def test_every_list_answers_in_every_format_by_suffix_parameter_and_accept(
    client: TestClient, path: str, extension: str
) -> None:
    (renderer,) = [r for r in RENDERERS.values() if r.extension == extension]
    by_suffix = client.get(f"{_url(path)}.{extension}")
    by_parameter = client.get(_url(path), params={"format": extension})
    by_accept = client.get(_url(path), headers={"Accept": renderer.media_type.split(";")[0]})
    for response in (by_suffix, by_parameter, by_accept):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == renderer.media_type.split(";")[0]
        assert f".{extension}" in response.headers["content-disposition"]
        assert "etag" in response.headers
    assert by_suffix.content == by_parameter.content == by_accept.content


@pytest.mark.parametrize("path", [p for p in GETS if p not in ("/v1/bulk/placements.json",)])
def test_json_ends_with_a_newline_and_pretty_indents_the_same_value(client: TestClient, path: str) -> None:
    plain = client.get(_url(path))
    if plain.headers["content-type"] != "application/json":
        return
    pretty = client.get(_url(path), params={"pretty": "true"})
    assert plain.content.endswith(b"}\n") and b"\n" not in plain.content[:-1], "one line, then a newline"
    assert pretty.content.endswith(b"\n") and pretty.content.count(b"\n") > 2
    assert pretty.content.startswith(b'{\n  "')
    # The same value; only a page's own links name the parameter.
    assert {**json.loads(pretty.content), "links": None} == {**json.loads(plain.content), "links": None}


def test_a_country_history_as_csv_has_one_row_per_placement(client: TestClient) -> None:
    detail = client.get("/v1/countries/Thailand").json()
    response = client.get("/v1/countries/Thailand.csv")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0].startswith("year,tier,tier_label,")
    assert [line.split(",")[0] for line in lines[1:]] == [str(p["year"]) for p in detail["placements"]]
    assert client.get("/v1/countries/THA.csv").content == response.content


def test_a_json_only_endpoint_refuses_another_format(client: TestClient) -> None:
    response = client.get("/v1/reports/2010", params={"format": "csv"})
    assert response.status_code in (400, 422)
