"""The production command (`python -m api`) as a real server on a free loopback port, for tests and benchmarks."""

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

# Set by tests/conftest.py for each test: whether it carries the `live` marker.
LIVE_TEST = [False]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path
    exit: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[dict[str, Any]]:
        """Every log line, each parsed as JSON (a line that is not JSON fails the caller's test)."""
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


@contextmanager
def running(command: list[str], ready_url: str, log: Path, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:  # fmt: skip
    """Start a server, wait until `ready_url` answers 200, and stop it with SIGTERM on exit (killed after 30 s)."""
    if os.environ.get("PYTEST_CURRENT_TEST") and not LIVE_TEST[0]:
        raise RuntimeError("a test that starts a server is marked @pytest.mark.live, so `-m 'not live'` leaves it out")
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(ready_url).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not become ready:\n{log.read_text()}")
            time.sleep(0.1)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serve(database_url: str, log: Path, workers: int = 1, **env: str) -> Iterator[Server]:
    """Start `python -m api`, wait until /ready answers 200, and stop it with SIGTERM on exit."""
    port = free_port()
    settings = {"DATABASE_URL": database_url, "PORT": str(port), "WORKERS": str(workers), **env}
    # Production defaults, not the test run's own override of the version-check interval.
    inherited = {k: v for k, v in os.environ.items() if k != "VERSION_CHECK_INTERVAL"}
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "api"]
    with running(command, f"{base}/ready", log, env={**inherited, **settings}) as process:
        server = Server(base, process, log)
        yield server
        stopping = time.monotonic()
    server.exit = {"code": float(process.returncode), "seconds": time.monotonic() - stopping}


class Stall:
    """A loopback TCP proxy to a real server that can stop forwarding: connections stay open and new ones are
    accepted, but no byte passes either way, as with a hung server or a network that drops packets."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.forwarding = threading.Event()
        self.forwarding.set()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with source, sink:
            while not self.closed:
                self.forwarding.wait()
                try:
                    ready, _, _ = select.select([source], [], [], 0.05)
                    if not ready or not self.forwarding.is_set():
                        continue
                    data = source.recv(65536)
                    if not data:
                        return
                    sink.sendall(data)
                except (OSError, ValueError):  # closed by the other direction's pump
                    return

    def close(self) -> None:
        self.closed = True
        self.forwarding.set()
        self.listener.close()
