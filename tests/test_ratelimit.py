"""The rate limit: per client address, the IETF headers, a 429 problem; shared through Redis by several workers;
X-Forwarded-For believed only from trusted proxies; and an outage of Redis never refuses a request."""

import logging
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from live import serve

from api import ratelimit
from api.main import app
from api.ratelimit import MemoryCounter, RateLimit, RedisCounter

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379; shared-store tests skipped")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A stopped clock, 40 s before the end of a 60 s window, so that no test straddles two windows by chance."""
    now = [1_000_040.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    return now


def limited(client: TestClient, counter: ratelimit.Counter, limit: int = 3, address: str = "192.0.2.10") -> TestClient:
    """The app (over the `client` fixture's database) behind a limit of its own, seen from one client address."""
    return TestClient(RateLimit(app, limit=limit, window=60, counter=counter), client=(address, 50000))


def test_requests_within_the_limit_say_what_is_left(client: TestClient, clock: list[float]) -> None:
    api = limited(client, MemoryCounter())
    answers = [api.get("/v1/tiers") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0"]
    assert {a.headers["ratelimit-limit"] for a in answers} == {"3"}
    assert {a.headers["ratelimit-policy"] for a in answers} == {"3;w=60"}
    assert {a.headers["ratelimit-reset"] for a in answers} == {"40"}


def test_beyond_the_limit_is_a_429_problem_with_retry_after(client: TestClient, clock: list[float]) -> None:
    api = limited(client, MemoryCounter())
    for _ in range(3):
        api.get("/v1/tiers")
    refused = api.get("/v1/placements?year=2005")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == refused.headers["ratelimit-reset"]
    assert refused.headers["retry-after"] == "40"
    assert refused.headers["ratelimit-remaining"] == "0"
    body = refused.json()
    assert body["status"] == 429 and body["title"] == "Too Many Requests"
    assert "More than 3 requests in 60 s from your address" in body["detail"]


def test_each_address_has_its_own_count_and_probes_are_not_counted(client: TestClient, clock: list[float]) -> None:
    counter = MemoryCounter()
    first, second = limited(client, counter), limited(client, counter, address="192.0.2.20")
    for _ in range(3):
        first.get("/v1/tiers")
    assert [first.get(path).status_code for path in ("/health", "/ready", "/v1/tiers")] == [200, 200, 429]
    assert second.get("/v1/tiers").status_code == 200


def test_a_new_window_starts_a_new_count(client: TestClient, clock: list[float]) -> None:
    api = limited(client, MemoryCounter(), limit=1)
    assert api.get("/v1/tiers").status_code == 200
    refused = api.get("/v1/tiers")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "40"
    clock[0] += 40
    assert api.get("/v1/tiers").status_code == 200


def test_the_real_app_is_limited_with_the_configured_settings() -> None:
    layer = next(m for m in app.user_middleware if m.cls is RateLimit)
    assert (layer.kwargs["limit"], layer.kwargs["window"]) == (0, 60)  # the suite runs with RATE_LIMIT=0
    assert isinstance(layer.kwargs["counter"], MemoryCounter)  # no REDIS_URL: this process counts


@needs_redis
def test_two_workers_sharing_redis_share_one_count(client: TestClient, clock: list[float]) -> None:
    address = f"test-{uuid.uuid4()}"
    counters = RedisCounter(REDIS_URL), RedisCounter(REDIS_URL)
    # Entered, each client keeps one event loop, as a worker does (Redis connections belong to their loop).
    with (
        limited(client, counters[0], limit=5, address=address) as first,
        limited(client, counters[1], limit=5, address=address) as second,
    ):
        seen = [(first, second)[i % 2].get("/v1/tiers").status_code for i in range(8)]
        first.portal.call(counters[0].close)
        second.portal.call(counters[1].close)
    assert seen == [200] * 5 + [429] * 3


def test_an_unreachable_redis_counts_in_process_and_warns_once(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    # Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    api = limited(client, RedisCounter("redis://127.0.0.1:9/0"), limit=1)
    with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
        answers = [api.get("/v1/tiers") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 429, 429]
    assert caplog.text.count("rate limit store unavailable") == 1, "once per outage, not once per request"


def test_a_hung_redis_costs_one_timeout_then_nothing(client: TestClient) -> None:
    import socket
    import time

    # A listener that never accepts: the connection is made, and no answer ever comes.
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(100)
        counter = RedisCounter(f"redis://127.0.0.1:{hung.getsockname()[1]}/0", timeout=0.1, retry_after=60)
        api = limited(client, counter, limit=1000)
        started = time.monotonic()
        answers = [api.get("/v1/tiers") for _ in range(50)]
        took = time.monotonic() - started
    assert {a.status_code for a in answers} == {200}
    assert answers[-1].headers["ratelimit-remaining"] == "950", "counted in process meanwhile"
    assert took < 2, f"50 requests took {took:.2f} s: each asked the hung Redis again"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('ratelimit') / 'tip.db'}"
    subprocess.run([sys.executable, "-m", "seed", "--database-url", url], check=True, capture_output=True)
    return url


def inside_one_window(window: int = 3600) -> None:
    """Live servers read the real clock: start well inside a window, so a burst of requests stays in one."""
    left = window - time.time() % window
    if left < 30:
        time.sleep(left + 1)


def statuses(base: str, count: int, headers: dict[str, str] | None = None) -> Counter[int]:
    """Each request on its own connection, several at once, so that several workers share them."""
    with ThreadPoolExecutor(6) as pool:
        return Counter(
            pool.map(
                lambda _: httpx.get(f"{base}/v1/tiers", headers={"Connection": "close", **(headers or {})}).status_code,
                range(count),
            )
        )


@needs_redis
@pytest.mark.live
def test_the_production_command_with_two_workers_enforces_one_shared_limit(seeded: str, tmp_path: Path) -> None:
    # A key prefix of its own: another run's counts for 127.0.0.1 in the same minute must not leak in.
    inside_one_window()
    with serve(
        seeded, tmp_path / "server.log", workers=2, RATE_LIMIT="20", RATE_LIMIT_WINDOW="3600", REDIS_URL=REDIS_URL
    ) as server:
        client = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250}"}
        seen = statuses(server.base, 30, client)
        # The kernel hands connections to the workers; now and then one takes all 30. Go on until both answered.
        for _ in range(20):
            pids = {line["pid"] for line in server.lines() if line.get("path") == "/v1/tiers"}
            if len(pids) == 2:
                break
            seen += statuses(server.base, 10, client)
    assert seen[200] == 20 and set(seen) == {200, 429}
    assert len(pids) == 2, "both workers answered and counted in one place"


@pytest.fixture
def one_worker(seeded: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    inside_one_window()
    with serve(
        seeded, tmp_path / "server.log", RATE_LIMIT="2", RATE_LIMIT_WINDOW="3600", TRUSTED_PROXIES=request.param
    ) as server:
        yield server.base


@pytest.mark.live
@pytest.mark.parametrize("one_worker", ["127.0.0.1"], indirect=True)
def test_forwarded_address_is_believed_from_a_trusted_proxy(one_worker: str) -> None:
    assert statuses(one_worker, 3, {"X-Forwarded-For": "203.0.113.7"}) == {200: 2, 429: 1}
    assert statuses(one_worker, 2, {"X-Forwarded-For": "203.0.113.8"}) == {200: 2}


@pytest.mark.live
@pytest.mark.parametrize("one_worker", ["192.0.2.1"], indirect=True)
def test_forwarded_address_is_ignored_from_anyone_else(one_worker: str) -> None:
    # Every request comes from 127.0.0.1, not a trusted proxy here: a new X-Forwarded-For each time changes nothing.
    assert statuses(one_worker, 1, {"X-Forwarded-For": "203.0.113.7"}) == {200: 1}
    assert statuses(one_worker, 2, {"X-Forwarded-For": "203.0.113.8"}) == {200: 1, 429: 1}
