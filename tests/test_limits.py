"""Hostile clients against the real server (`python -m api`): oversized or endless headers are refused with a 431,
headers that never finish are cut with a 408, and meanwhile everyone else is answered at once."""

import contextlib
import socket
import time
from pathlib import Path

import httpx
import pytest
from live import serve
from sqlalchemy import Engine

from seed.loader import load


def _exchange(port: int, data: bytes, wait: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except OSError:
            pass
        return b"".join(chunks)


@pytest.mark.live
def test_oversized_slow_and_numerous_headers_are_refused_and_others_still_served(
    engine: Engine, fixture_dir: Path, tmp_path: Path
) -> None:
    if engine.dialect.name != "sqlite":
        return  # the protocol does not depend on the database
    load(engine, fixture_dir)
    url = engine.url.render_as_string(hide_password=False)
    with serve(url, tmp_path / "server.log", HEADER_TIMEOUT="1") as server:
        port = int(server.base.rsplit(":", 1)[1])
        huge = _exchange(port, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
        many = _exchange(port, b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 500 + b"\r\n")
        slow_clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(50)]
        for sock in slow_clients:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        others = [httpx.get(f"{server.base}/v1/tiers") for _ in range(5)]
        others_took = time.monotonic() - started
        time.sleep(1.5)
        cut = []
        for sock in slow_clients:
            sock.settimeout(2)
            cut.append(sock.recv(4096))
            sock.close()
        fine = httpx.get(f"{server.base}/health")
    assert huge.startswith(b"HTTP/1.1 431 ") and b"application/problem+json" in huge
    assert many.startswith(b"HTTP/1.1 431 ")
    assert all(answer.startswith(b"HTTP/1.1 408 ") for answer in cut), cut[:2]
    assert [r.status_code for r in others] == [200] * 5 and others_took < 2
    assert fine.status_code == 200
    assert "refused oversized request headers" in (tmp_path / "server.log").read_text()


def test_a_request_session_on_sqlite_cannot_write(engine: Engine, fixture_dir: Path) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError
    from sqlmodel import Session

    from api.db import reader

    load(engine, fixture_dir)
    session = Session(reader(engine))
    try:
        if engine.dialect.name == "sqlite":
            import pytest

            with pytest.raises(OperationalError, match=r"readonly|read-only"):
                session.exec(text("DELETE FROM placement"))  # type: ignore[call-overload]
    finally:
        session.close()


def test_a_missing_sqlite_file_is_refused_not_created(tmp_path: Path) -> None:
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from api.db import make_engine

    missing = tmp_path / "missing.db"
    served = make_engine(f"sqlite:///{missing}", serving=True)
    with pytest.raises(OperationalError), served.connect() as connection:
        connection.execute(text("SELECT 1"))
    served.dispose()
    assert not missing.exists()


def test_an_exhausted_pool_is_a_503_with_retry_after(client: httpx.Client, empty_store: None) -> None:
    from conftest import failing_engine, serving
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    with serving(failing_engine(PoolTimeout("QueuePool limit of size 5 overflow 10 reached"))):
        response = client.get("/v1/tiers")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json" and response.headers["retry-after"] == "1"
