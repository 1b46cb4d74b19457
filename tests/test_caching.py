import gzip
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

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


@pytest.mark.parametrize(
    ("accept_encoding", "zipped"),
    [
        ("gzip;q=0", False),
        ("gzip; q=0.0, identity", False),
        ("br, *;q=0", False),
        ("identity;q=1, *;q=0", False),
        ("GZIP;Q=0.5", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("gzip;q=0, *", False),
    ],
)
def test_gzip_only_where_its_q_value_allows(real_client: TestClient, accept_encoding: str, zipped: bool) -> None:
    first = real_client.get("/v1/placements?year=2024", headers={"Accept-Encoding": accept_encoding})
    # The second comes from the answer store, whose key must tell the two apart.
    second = real_client.get("/v1/placements?year=2024", headers={"Accept-Encoding": accept_encoding})
    for response in (first, second):
        assert (response.headers.get("content-encoding") == "gzip") is zipped
        assert response.json()["data"]


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


# The store of whole answers: a repeated request is answered without FastAPI or any query but the version's.


def _statements(engine):  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def _queries(seen: list[str]) -> list[str]:
    # BEGIN and the read-only pragma open every SQLite transaction; they read nothing.
    return [statement for statement in seen if statement != "BEGIN" and not statement.startswith("PRAGMA query_only")]


@pytest.mark.parametrize("path", [URL, URL + "&format=csv", "/v1/countries/Ivory%20Coast", "/v1/bulk/placements.csv"])
def test_a_repeated_request_is_answered_from_the_store(client: TestClient, engine, path: str) -> None:  # type: ignore[no-untyped-def]
    first = client.get(path)
    seen = _statements(engine)
    again = client.get(path)
    assert again.status_code == 200
    assert again.content == first.content
    assert {k: v for k, v in again.headers.items() if k != "x-request-id"} == {
        k: v for k, v in first.headers.items() if k != "x-request-id"
    }
    assert len(_queries(seen)) == 1 and "dataset" in _queries(seen)[0], seen


def test_the_store_answers_304_and_head_and_keeps_gzip_apart(real_client: TestClient, real_engine: Engine) -> None:
    engine = real_engine
    url = "/v1/placements?year=2024"
    plain = real_client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = real_client.get(url, headers={"Accept-Encoding": "gzip"})
    seen = _statements(engine)
    conditional = real_client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]})
    head = real_client.head(url, headers={"Accept-Encoding": "identity"})
    again_plain = real_client.get(url, headers={"Accept-Encoding": "identity"})
    assert conditional.status_code == 304 and conditional.content == b""
    assert conditional.headers["etag"] == zipped.headers["etag"]
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == plain.headers["etag"]
    assert "content-encoding" not in again_plain.headers and again_plain.content == plain.content
    assert all("dataset" in statement for statement in _queries(seen)), "all three from the store"


def test_a_new_data_version_is_never_answered_from_the_store(client: TestClient, engine, trends_dir) -> None:  # type: ignore[no-untyped-def]
    from seed.loader import data_version, load

    before = client.get("/v1/meta").json()["data_version"]
    load(engine, trends_dir)
    after = client.get("/v1/meta").json()["data_version"]
    assert before != after == data_version(trends_dir)


def test_the_store_drops_least_recently_used_answers_beyond_its_budget() -> None:
    from api.caching import Answer, Store

    headers = [(b"content-type", b"application/json")]
    unit = Answer(headers, b"x" * 25, '"e"', None).size
    assert unit > 25 + len(b"content-typeapplication/json"), "headers and bookkeeping count, not only the body"
    store = Store(budget=4 * unit)
    for name in "abcd":
        store.put("v1", (name, b"", "", False), Answer(headers, b"x" * 25, '"e"', None))
    assert store.get("v1", ("a", b"", "", False)) is not None  # a is now the most recently used
    store.put("v1", ("e", b"", "", False), Answer(headers, b"x" * 25, '"e"', None))
    assert store.get("v1", ("b", b"", "", False)) is None
    assert store.size == 4 * unit
    store.put("v1", ("big", b"", "", False), Answer(headers, b"x" * 26, '"e"', None))
    assert store.get("v1", ("big", b"", "", False)) is None, "no answer over a quarter of the budget"
    assert store.get("v2", ("a", b"", "", False)) is None, "another version never matches"


def test_within_the_check_interval_a_worker_keeps_serving_the_version_it_read(
    client: TestClient, engine, trends_dir, monkeypatch: pytest.MonkeyPatch, cache_layer
) -> None:  # type: ignore[no-untyped-def]
    from api.live import live
    from seed.loader import load

    monkeypatch.setattr(live, "interval", 3600.0)
    live.started = -float("inf")
    old = client.get("/v1/meta")
    load(engine, trends_dir)
    assert client.get("/v1/meta").content == old.content, "the stored answer of the version last read"
    live.started = -float("inf")  # the interval has passed
    assert client.get("/v1/meta").json()["data_version"] != old.json()["data_version"]


def test_identical_first_requests_wait_for_one_answer_instead_of_each_computing_it(
    real_client: TestClient, real_engine: Engine, empty_store: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    import httpx

    from api.main import app
    from api.v1 import placements

    # empty_store: answers of the same data version from the other database's run would serve it.
    made: list[int] = []
    table = placements.table

    def counted(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return table(*args, **kwargs)

    monkeypatch.setattr(placements, "table", counted)

    async def together() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await asyncio.gather(*(client.get("/v1/bulk/placements.csv") for _ in range(8)))

    answers = asyncio.run(together())
    assert {r.status_code for r in answers} == {200}
    assert len({r.content for r in answers}) == 1
    assert len(made) == 1, "computed once, seven waited"


def test_two_loads_of_the_same_data_give_the_same_etag_and_date(fixture_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import client_over

    from api.db import make_engine
    from seed.loader import load

    answers = []
    for name in ("first.db", "second.db"):
        engine = make_engine(f"sqlite:///{tmp_path / name}")
        load(engine, fixture_dir)
        for client in client_over(engine):
            answers.append(client.get("/v1/meta"))
        engine.dispose()
    first, second = answers
    assert first.json()["data_version"] == second.json()["data_version"]
    assert first.headers["etag"] == second.headers["etag"]
    # The fixture's latest date is its correction of 2026-11-22 (the 2010 edition was released before it).
    assert first.headers["last-modified"] == second.headers["last-modified"] == "Sun, 22 Nov 2026 00:00:00 GMT"
    assert first.json()["last_updated"] == second.json()["last_updated"] == "2026-11-22T00:00:00Z"


def test_without_an_answer_store_every_answer_still_carries_its_etag(
    client: TestClient, cache_layer, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """RESPONSE_CACHE_MB=0: nothing is stored, and every answer is whole, with its ETag (found by the benchmark)."""
    monkeypatch.setattr(cache_layer, "store", None)
    first, second = client.get("/v1/placements?year=2010"), client.get("/v1/placements?year=2010")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
