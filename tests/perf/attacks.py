"""The hardening audit's attacks, re-run against `python -m api` from a source tree, printing what each did.

    python tests/perf/attacks.py                       # this tree
    python tests/perf/attacks.py --tree ../old         # another checkout, e.g. `git worktree add ../old 514b312`

Each attack runs on loopback against a fresh server (SQLite, seeded by that tree's own `python -m seed`, two
workers, the rate limit out of reach) and prints one line of figures: a forged `Host` (honest answers that carry
it afterwards), 500 connections at once (5xx), 600 slow clients (another client's latency meanwhile), oversized
and numerous headers (status, worker memory), a silent PostgreSQL behind a proxy that stops forwarding (time to
an answer from /ready and a data endpoint, /health latency; needs TEST_DATABASE_URL) and a hung Redis (requests/s;
needs Redis on REDIS_URL, default 127.0.0.1:6379). Figures, not pass or fail: compare two trees side by side.
"""

import argparse
import asyncio
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from bench import UNREACHABLE_LIMIT, ensure_wrk, parse_wrk
from soak import worker_rss_mb

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from live import Server, Stall, free_port, running  # noqa: E402

EVIL = "evil.example"
HOST_URLS = ["/", "/v1/meta", "/v1/placements?year=2024&limit=10", "/v1/bulk/datapackage.json", "/v1/countries"]


@contextmanager
def serve_tree(tree: Path, database_url: str, log: Path, **env: str) -> Iterator[Server]:
    """`python -m api` from `tree` (its own `api` package comes first on the path), two workers."""
    port = free_port()
    settings = {"DATABASE_URL": database_url, "PORT": str(port), "WORKERS": "2", **UNREACHABLE_LIMIT, **env}
    inherited = {k: v for k, v in os.environ.items() if k not in ("VERSION_CHECK_INTERVAL", "PUBLIC_URL")}
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "api"]
    with running(command, f"{base}/ready", log, env={**inherited, **settings}, cwd=tree) as process:
        yield Server(base, process, log)


def timed(base: str, path: str, timeout: float = 30, **kwargs: object) -> tuple[str, float]:
    started = time.monotonic()
    try:
        status = str(httpx.get(base + path, timeout=timeout, **kwargs).status_code)  # type: ignore[arg-type]
    except httpx.TimeoutException:
        status = f"no answer in {timeout:g} s"
    except httpx.TransportError as exc:
        status = type(exc).__name__
    return status, time.monotonic() - started


def forged_host(base: str, _: Server) -> str:
    forged = {"Host": EVIL, "X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "gopher"}
    for path in HOST_URLS:
        for _ in range(4):  # each worker sees it
            httpx.get(base + path, headers={**forged, "Connection": "close"})
    leaks = total = 0
    for path in HOST_URLS:
        for _ in range(10):
            response = httpx.get(base + path, headers={"Connection": "close"})
            total += 1
            leaks += EVIL in response.text or any(EVIL in value for value in response.headers.values())
    return f"forged Host: {leaks} of {total} honest answers afterwards carry {EVIL}"


# Distinct URLs of routes that read the database (and placements, from memory), so no stored answer serves them;
# wrk counts answers by status class.
LOAD = """
local counter, threads = 0, {}
setup = function(thread) counter = counter + 1; thread:set("id", counter); table.insert(threads, thread) end
init = function() math.randomseed(id * 7919); server = 0; unavailable = 0 end
request = function()
  local a = math.random(2001, 2024)
  local b = math.random(a + 1, 2025)
  local pick = math.random(4)
  if pick == 1 then return wrk.format("GET", string.format("/v1/placements?year_from=%d&limit=%d", a, b)) end
  if pick == 2 then return wrk.format("GET", string.format("/v1/changes?from=%d&to=%d", a, b)) end
  local q = string.char(96 + math.random(26), 96 + math.random(26))
  if pick == 3 then return wrk.format("GET", "/v1/countries?q=" .. q) end
  return wrk.format("GET", string.format("/v1/stats?region=AF&year_from=%d&year_to=%d", a, b))
end
response = function(status)
  if status == 503 then unavailable = unavailable + 1 elseif status >= 500 then server = server + 1 end
end
done = function()
  local s, u = 0, 0
  for _, t in ipairs(threads) do s = s + t:get("server"); u = u + t:get("unavailable") end
  io.write(string.format("5xx=%d 503=%d\\n", s, u))
end
"""


def many_connections(base: str, server: Server, connections: int = 500, seconds: int = 10) -> str:
    script = server.log.with_suffix(".lua")
    script.write_text(LOAD)
    command = [ensure_wrk(), "-t4", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = parse_wrk(out)
    server_errors, unavailable = re.search(r"5xx=(\d+) 503=(\d+)", out).groups()  # type: ignore[union-attr]
    socket = result.errors - int(m.group(1) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0)
    return (f"{connections} connections for {seconds} s: {result.requests:,} answers, {server_errors} 500s, "
            f"{unavailable} 503s (with Retry-After), "
            f"{socket} socket errors, p99 {result.p99:.0f} ms")  # fmt: skip


def slow_clients(base: str, _: Server, count: int = 600, seconds: float = 15) -> str:
    port = int(base.rsplit(":", 1)[1])
    slow = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /v1/tiers HTTP/1.1\r\nHost: x\r\n")
        slow.append(s)
    latencies, failures, started = [], Counter[str](), time.monotonic()
    while time.monotonic() - started < seconds:
        for s in slow:
            with contextlib.suppress(OSError):
                s.sendall(b"X: y\r\n")  # a header line now and then, never the end of the headers
        status, took = timed(base, "/v1/tiers", timeout=10, headers={"Connection": "close"})
        if status == "200":
            latencies.append(took)
        else:
            failures[status] += 1
        time.sleep(0.5)
    for s in slow:
        s.close()
    closed = "; ".join(f"{k} {v}" for k, v in failures.items()) or "none failed"
    figures = (
        f"median {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms" if latencies else ""
    )
    return f"{count} slow clients for {seconds:g} s: another client's requests {figures} ({closed})"


def big_headers(base: str, server: Server) -> str:
    port = int(base.rsplit(":", 1)[1])
    one = timed(base, "/v1/tiers", headers={"X-Big": "a" * 16 * 2**20})[0]
    many = "?"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(
            b"GET /v1/tiers HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(100_000)) + b"\r\n"
        )
        try:
            many = s.recv(100).split(b" ")[1].decode()
        except (OSError, IndexError):
            many = "closed"
    before = max(worker_rss_mb(server.process.pid))
    partial = []
    for _ in range(2):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            s.sendall(b"GET /v1/tiers HTTP/1.1\r\nHost: x\r\nX-Big: ")
            for _ in range(100):
                s.sendall(b"a" * 2**20)  # 100 MB, never finished
        except OSError:
            pass
        partial.append(s)
    time.sleep(1)
    after = max(worker_rss_mb(server.process.pid))
    for s in partial:
        s.close()
    return (f"oversized headers: 16 MB header -> {one}; 100,000 headers -> {many}; "
            f"two unfinished 100 MB headers: largest worker {before:.0f} -> {after:.0f} MB")  # fmt: skip


def silent_database(tree: Path, work: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "silent database: skipped (TEST_DATABASE_URL not set)"
    seed(tree, url)
    target = httpx.URL(url.replace("postgresql://", "http://", 1))
    stall = Stall(target.host, target.port or 5432)
    through = url.replace(f"{target.host}:{target.port or 5432}", f"127.0.0.1:{stall.port}")
    try:
        with serve_tree(tree, through, work / "pg.log", DB_CONNECT_TIMEOUT="5") as server:
            base = server.base
            httpx.get(base + "/v1/placements?year=2024")
            stall.forwarding.clear()
            time.sleep(0.2)
            ready = timed(base, "/ready", timeout=90)
            data = timed(base, "/v1/countries?region=EAP", timeout=90)
            health = [timed(base, "/health", timeout=10)[1] for _ in range(5)]
            stall.forwarding.set()
    finally:
        stall.close()
    return (f"silent database: /ready {ready[0]} after {ready[1]:.1f} s; "
            f"/v1/countries {data[0]} after {data[1]:.1f} s; "
            f"/health {statistics.mean(health) * 1000:.0f} ms average")  # fmt: skip


def hung_redis(tree: Path, database_url: str, work: Path, seconds: float = 5) -> str:
    redis = httpx.URL(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").replace("redis://", "http://", 1))
    try:
        socket.create_connection((redis.host, redis.port or 6379), timeout=1).close()
    except OSError:
        return "hung Redis: skipped (no Redis)"
    stall = Stall(redis.host, redis.port or 6379)
    rates = []
    try:
        for stalled in (False, True):
            stall.forwarding.clear() if stalled else stall.forwarding.set()
            env = {"REDIS_URL": f"redis://127.0.0.1:{stall.port}/0", "RATE_LIMIT": str(10**9)}
            with serve_tree(tree, database_url, work / f"redis-{stalled}.log", **env) as server:
                rates.append(requests_per_second(server.base, seconds))
    finally:
        stall.close()
    return f"hung Redis: {rates[0]:.0f} requests/s with Redis answering, {rates[1]:.0f} with Redis hung"


def requests_per_second(base: str, seconds: float, concurrency: int = 8) -> float:
    async def run() -> int:
        done = 0
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:

            async def loop() -> None:
                nonlocal done
                while time.monotonic() < deadline:
                    await client.get("/v1/tiers")
                    done += 1

            await asyncio.gather(*(loop() for _ in range(concurrency)))
        return done

    return asyncio.run(run()) / seconds


def seed(tree: Path, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", "seed"], cwd=tree, env=env, check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="the source tree to attack (default: this one)")
    args = parser.parse_args()
    tree = args.tree.resolve()
    with tempfile.TemporaryDirectory(prefix="tip-attacks-") as tmp:
        work = Path(tmp)
        sqlite = f"sqlite:///{work / 'tip.db'}"
        seed(tree, sqlite)
        commit = subprocess.run(["git", "log", "-1", "--format=%h"], cwd=tree, capture_output=True, text=True).stdout
        print(f"attacks on {tree.name} ({commit.strip()})")
        attacks: list[Callable[[str, Server], str]] = [forged_host, many_connections, slow_clients, big_headers]
        for attack in attacks:
            with serve_tree(tree, sqlite, work / f"{attack.__name__}.log") as server:
                print(" ", attack(server.base, server), flush=True)
        print(" ", silent_database(tree, work), flush=True)
        print(" ", hung_redis(tree, sqlite, work), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
