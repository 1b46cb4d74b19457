"""The production command for real, on each database: several workers, a read-only role, a graceful stop,
and a data update landing under load with every reader seeing the old data or the new, never a mix."""

import csv
import hashlib
import shutil
import signal
import socket
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml
from live import Stall, serve
from sqlalchemy import Engine, func, make_url
from sqlalchemy.exc import ProgrammingError
from sqlmodel import Session, select

from api.config import Settings
from api.db import make_engine, reader
from api.models import Dataset, Placement
from seed.loader import data_version, load

pytestmark = pytest.mark.live

READER = "tip_reader"
COMPOSE = yaml.safe_load((Path(__file__).parent.parent / "compose.yaml").read_text())
URLS = [
    "/ready", "/openapi.json", "/docs", "/v1/meta", "/v1/tiers", "/v1/regions", "/v1/reports", "/v1/reports/2024",
    "/v1/placements?year=2024", "/v1/placements.csv?year=2024&region=AF", "/v1/placements?country=Burma&limit=5",
    "/v1/countries?region=EAP", "/v1/countries/Ivory%20Coast", "/v1/changes?from=2012&to=2013", "/v1/downgrades",
    "/v1/stats?region=WHA", "/v1/quality", "/v1/charts/countries/THA.svg", "/v1/bulk/placements.csv",
    "/v1/bulk/datapackage.json",
]  # fmt: skip


def served_url(engine: Engine) -> str:
    """The URL the API runs with. On PostgreSQL: the read-only role, made by compose.yaml's own SQL (call this
    before the tables are created, as in a new deployment, so its default privileges cover them)."""
    if engine.dialect.name != "postgresql":
        return engine.url.render_as_string(hide_password=False)
    sql = COMPOSE["configs"]["create-reader"]["content"]
    sql = sql.replace("tip_owner", str(engine.url.username)).replace(" PASSWORD '${READER_PASSWORD}'", "")
    sql = sql.replace("DATABASE tip TO", f"DATABASE {engine.url.database} TO")
    with engine.begin() as connection:
        exists = connection.exec_driver_sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{READER}'").first()
        for statement in filter(None, (part.strip() for part in sql.split(";"))):
            if not (exists and statement.startswith("CREATE ROLE")):
                connection.exec_driver_sql(statement)
        # Tables another test left behind (emptied, not dropped) predate the default privileges above.
        connection.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER}")
    return engine.url.set(username=READER).render_as_string(hide_password=False)


def fingerprint(base: str, path: str) -> tuple[str, int, str | None, str]:
    response = httpx.get(base + path, headers={"Connection": "close"}, timeout=30)
    return path, response.status_code, response.headers.get("etag"), hashlib.sha256(response.content).hexdigest()


def test_two_workers_give_identical_answers_and_stop_cleanly(engine: Engine, tmp_path: Path) -> None:
    url = served_url(engine)
    load(engine)
    with serve(url, tmp_path / "server.log", workers=2) as server, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda path: fingerprint(server.base, path), URLS * 15))
    answers: dict[str, set[tuple[int, str | None, str]]] = defaultdict(set)
    for path, *answer in results:
        answers[path].add((answer[0], answer[1], answer[2]))
    assert len(results) == 300
    assert {path: len(seen) for path, seen in answers.items()} == dict.fromkeys(URLS, 1)
    assert all(status == 200 for ((status, _, _),) in answers.values())
    access = [line for line in server.lines() if line["logger"] == "api.access"]
    assert len({line["pid"] for line in access if line["path"] != "/ready"}) == 2, "both workers answered"
    assert len({line["request_id"] for line in access}) == len(access)
    assert server.exit["code"] == 0
    assert server.exit["seconds"] < 10


@pytest.mark.postgres
def test_the_read_only_role_can_serve_but_cannot_write(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no roles")
    reader_url = served_url(engine)
    load(engine)
    reader = make_engine(reader_url)
    try:
        with reader.connect() as connection:
            assert connection.execute(select(func.count()).select_from(Placement)).scalar_one() > 4000
            with pytest.raises(ProgrammingError, match="permission denied"):
                connection.exec_driver_sql("DELETE FROM placement")
    finally:
        reader.dispose()


def test_a_request_in_flight_finishes_when_the_server_is_stopped(engine: Engine, tmp_path: Path) -> None:
    url = served_url(engine)
    load(engine)
    with serve(url, tmp_path / "server.log") as server:
        expected = httpx.get(f"{server.base}/v1/bulk/placements.json").content
        port = int(server.base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET /v1/bulk/placements.json HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            received = client.recv(1)  # the server is answering: the request is in flight
            server.process.terminate()
            received += b"".join(iter(lambda: client.recv(65536), b""))
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert body == expected
    # A single uvicorn process re-raises the SIGTERM it handled once it has finished shutting down.
    assert server.exit["code"] in (0, -signal.SIGTERM)
    assert "Finished server process" in {line["message"].split(" [")[0] for line in server.lines()}


def without_latest_year(source: Path, target: Path) -> Path:
    """The fixture dataset as it was before its latest report year (2010) was published."""
    shutil.copytree(source, target)
    (target / "placements" / "2010.csv").unlink()
    for name in ("reports.csv", "gaps.csv"):
        with (target / name).open() as f:
            rows = list(csv.reader(f))
        with (target / name).open("w", newline="") as f:
            csv.writer(f).writerows(row for row in rows if row[0] != "2010")
    return target


def test_a_request_reads_one_snapshot_while_new_data_loads(engine: Engine, fixture_dir: Path, tmp_path: Path) -> None:
    old = without_latest_year(fixture_dir, tmp_path / "old")
    load(engine, old)
    with Session(reader(engine)) as session:
        assert session.exec(select(Dataset.version)).one() == data_version(old)
        load(engine, fixture_dir)  # commits while the read above is half-way through
        assert session.exec(select(func.count()).select_from(Placement)).one() == 8
    with Session(reader(engine)) as session:
        assert session.exec(select(Dataset.version)).one() == data_version(fixture_dir)
        assert session.exec(select(func.count()).select_from(Placement)).one() == 11


def test_a_new_report_year_loads_under_load_without_a_mixed_or_failed_answer(
    engine: Engine, fixture_dir: Path, tmp_path: Path
) -> None:
    old = without_latest_year(fixture_dir, tmp_path / "old")
    url = served_url(engine)
    load(engine, old)
    seen: list[tuple[int, str | None, int | None, int | None]] = []
    done = threading.Event()
    with serve(url, tmp_path / "server.log", workers=2) as server:
        before = httpx.get(f"{server.base}/v1/meta")

        def read() -> None:
            with httpx.Client(base_url=server.base) as client:
                while not done.is_set():
                    response = client.get("/v1/meta")
                    body = response.json() if response.status_code == 200 else {}
                    seen.append((response.status_code, body.get("data_version"), body.get("latest_report_year"),
                                 body.get("placements")))  # fmt: skip

        readers = [threading.Thread(target=read) for _ in range(4)]
        for thread in readers:
            thread.start()
        time.sleep(0.5)
        load(engine, fixture_dir)
        # Long enough for every worker to have read the new version since.
        time.sleep(Settings.model_fields["version_check_interval"].default + 0.5)
        done.set()
        for thread in readers:
            thread.join()
        after = httpx.get(f"{server.base}/v1/meta", headers={"If-None-Match": before.headers["etag"]})
    old_answer, new_answer = (200, data_version(old), 2006, 8), (200, data_version(fixture_dir), 2010, 11)
    assert set(seen) == {old_answer, new_answer}
    assert seen[-1] == new_answer
    assert after.status_code == 200, "the old ETag no longer matches"
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["data_version"] == data_version(fixture_dir)


@pytest.mark.postgres
def test_losing_the_database_gives_quick_503s_and_the_api_recovers_by_itself(engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to lose")
    url = served_url(engine)
    load(engine)

    def cut(access: bool) -> None:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"ALTER ROLE {READER} {'LOGIN' if access else 'NOLOGIN'}")
            if not access:
                connection.exec_driver_sql(
                    f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{READER}'"
                )

    with serve(url, tmp_path / "server.log", DB_CONNECT_TIMEOUT="2") as server:
        try:
            before = {path: httpx.get(f"{server.base}{path}") for path in ("/v1/tiers", "/v1/meta")}
            cut(access=False)
            # /ready reads the database again once its last reading is a tenth of a second old.
            time.sleep(0.2)
            started = time.monotonic()
            ready = httpx.get(f"{server.base}/ready", timeout=10)
            held = {path: httpx.get(f"{server.base}{path}", timeout=10) for path in before}
            elapsed = time.monotonic() - started
            health = httpx.get(f"{server.base}/health")
        finally:
            cut(access=True)
        # Back within a second: /ready reads again once its last (failed) reading is a tenth of a second old.
        restored = time.monotonic()
        back = httpx.get(f"{server.base}/ready")
        while back.status_code != 200 and time.monotonic() - restored < 1:
            time.sleep(0.05)
            back = httpx.get(f"{server.base}/ready")
    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json" and "retry-after" in ready.headers
    assert READER not in ready.text and "psycopg" not in ready.text
    # Every route answers from the snapshot it holds: the data of its version, whole, with that version's ETag.
    for path, answer in held.items():
        assert answer.status_code == 200
        assert answer.content == before[path].content and answer.headers["etag"] == before[path].headers["etag"]
    assert elapsed < 6
    assert health.status_code == 200
    assert back.status_code == 200


def test_the_workers_listening_socket_is_tcp_so_small_answers_are_not_held_for_a_delayed_ack() -> None:
    import uvicorn
    from live import free_port

    from api.__main__ import tcp_socket

    config = uvicorn.Config("api.main:app", host="127.0.0.1", port=free_port(), log_config=None)
    sock = tcp_socket(config)
    try:
        assert sock.proto == socket.IPPROTO_TCP, "asyncio sets TCP_NODELAY only on sockets that say TCP"
        assert sock.get_inheritable()
    finally:
        sock.close()


@pytest.mark.postgres
def test_a_silent_database_gives_bounded_503s_while_health_and_held_answers_stay_fast(
    engine: Engine, tmp_path: Path
) -> None:
    """The audit's partition: PostgreSQL behind a proxy that stops forwarding (no refusal, no reset, no answer)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to lose")
    url = make_url(served_url(engine))
    load(engine)
    stall = Stall(url.host or "127.0.0.1", url.port or 5432)
    through = url.set(host="127.0.0.1", port=stall.port).render_as_string(hide_password=False)

    def timed(path: str) -> tuple[int, float]:
        started = time.monotonic()
        status = httpx.get(f"{server.base}{path}", timeout=30).status_code
        return status, time.monotonic() - started

    settings = {"DB_CONNECT_TIMEOUT": "2", "DB_STATEMENT_TIMEOUT": "1"}
    try:
        with serve(through, tmp_path / "server.log", **settings) as server:
            assert timed("/v1/placements?year=2024")[0] == 200
            stall.forwarding.clear()
            time.sleep(0.2)
            # /ready says 503 once a read has been under way for 2 s (a healthy read under load can take longer
            # than a request's patience; a silent database is reported soon after).
            silent = time.monotonic()
            ready = timed("/ready")
            while ready[0] != 503 and time.monotonic() - silent < 5:
                time.sleep(0.1)
                ready = timed("/ready")
            ready = (ready[0], time.monotonic() - silent)
            health = [timed("/health") for _ in range(5)]
            held = timed("/v1/placements?year=2024")
            fresh = timed("/v1/countries?region=EAP")
            stall.forwarding.set()
            restored = time.monotonic()
            while timed("/ready")[0] != 200 and time.monotonic() - restored < 10:
                time.sleep(0.1)
            recovered = time.monotonic() - restored
            after = timed("/v1/countries?region=EAP")
            warnings = [line["message"] for line in server.lines() if line["level"] == "warning"]
    finally:
        stall.close()
    assert ready[0] == 503 and ready[1] < 3.0, ready
    assert all(status == 200 and seconds < 0.5 for status, seconds in health), health
    assert held[0] == 200 and held[1] < 1.0, "the answer held for this data version is served"
    # Every route answers from the snapshot held, never waiting on the silent database.
    assert fresh[0] == 200 and fresh[1] < 1.0, fresh
    assert recovered < 5
    assert after[0] == 200
    assert any("did not answer within 2 s" in message for message in warnings), "the cut is logged"
