"""Soak: the production command under 60 s of mixed load from wrk; zero errors, zero 5xx, memory flat.

    python tests/perf/soak.py                  # 60 s, 2 workers, 32 connections; exit 1 if it fails
    python tests/perf/soak.py --duration 10    # a quick look

It seeds a SQLite database, starts `python -m api` (two workers, access log and rate limit on, the limit out
of reach of one load generator), and drives it on loopback with wrk: every request picks one of many
URLs (repeated ones the answer store serves, and distinct ones it cannot: a random country and range of
years), counting answers by status class. Every 5 s it reads each worker's resident memory. The answer
store gets 4 MB instead of 32, so that it is full well before half-time: over the second half, memory must
stay flat (a rise of at most 5 MB per worker), and a leak shows as a rise.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench import UNREACHABLE_LIMIT, ensure_wrk, parse_wrk

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from live import serve  # noqa: E402

FIXED = [
    "/v1/placements?year=2024", "/v1/placements.csv?year=2013", "/v1/countries/Ivory%20Coast", "/v1/countries",
    "/v1/reports", "/v1/reports/2019", "/v1/changes?from=2012&to=2013", "/v1/downgrades", "/v1/stats?region=WHA",
    "/v1/quality", "/v1/charts/countries/THA.svg", "/v1/charts/tiers.svg", "/v1/bulk/datapackage.json",
    "/v1/meta", "/v1/tiers", "/v1/regions", "/ready", "/openapi.json",
]  # fmt: skip

MIX = """
local fixed = {%s}
local codes = {%s}
local counter, threads = 0, {}
setup = function(thread)
  counter = counter + 1; thread:set("id", counter); table.insert(threads, thread)
end
init = function() math.randomseed(id * 7919); ok, client, server = 0, 0, 0 end
request = function()
  if math.random() < 0.5 then return wrk.format("GET", fixed[math.random(#fixed)]) end
  local a = math.random(2001, 2025)
  local b = math.random(a, 2025)
  return wrk.format("GET", string.format("/v1/placements?country=%%s&year_from=%%d&year_to=%%d",
                                         codes[math.random(#codes)], a, b))
end
response = function(status)
  if status >= 500 then server = server + 1 elseif status >= 400 then client = client + 1 else ok = ok + 1 end
end
done = function()
  local o, c, s = 0, 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); c = c + t:get("client"); s = s + t:get("server") end
  io.write(string.format("statuses: ok=%%d 4xx=%%d 5xx=%%d\\n", o, c, s))
end
"""


def worker_rss_mb(parent: int) -> list[float]:
    """Resident memory of each worker process (the children of `python -m api`, or itself with one worker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split() or [str(parent)]
    sizes = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)  # type: ignore[union-attr]
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--max-growth-mb", type=float, default=5.0,
                        help="largest rise of a worker's memory over the second half (default 5)")  # fmt: skip
    args = parser.parse_args()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="tip-soak-") as tmp_name:
        tmp = Path(tmp_name)
        db_url = f"sqlite:///{tmp / 'tip.db'}"
        subprocess.run([sys.executable, "-m", "seed", "--database-url", db_url], check=True, capture_output=True)
        with serve(
            db_url, tmp / "server.log", workers=args.workers, RESPONSE_CACHE_MB="4", **UNREACHABLE_LIMIT
        ) as server:
            codes = [c["iso3"] for c in httpx.get(f"{server.base}/v1/countries").json()["data"]]
            script = tmp / "soak.lua"
            script.write_text(MIX % (", ".join(f'"{u}"' for u in FIXED), ", ".join(f'"{c}"' for c in codes)))
            for url in FIXED:  # warm up: first answers, imports and the store, before the first memory sample
                httpx.get(server.base + url)
            command = [wrk, "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "-s", str(script)]
            load = subprocess.Popen([*command, server.base], stdout=subprocess.PIPE, text=True)
            samples: list[tuple[float, list[float]]] = []
            started = time.monotonic()
            while load.poll() is None:
                samples.append((time.monotonic() - started, worker_rss_mb(server.process.pid)))
                time.sleep(5)
            out = load.communicate()[0]
            # What went wrong, if anything did: every 5xx answer and every server line above info.
            trouble = [line for line in server.lines() if line.get("status", 0) >= 500 or line["level"] in
                       ("warning", "error", "critical")]  # fmt: skip
    result = parse_wrk(out)
    statuses = re.search(r"statuses: ok=(\d+) 4xx=(\d+) 5xx=(\d+)", out)
    ok, client, server_errors = map(int, statuses.groups())  # type: ignore[union-attr]
    print(f"soak: {args.duration} s, {args.workers} workers, {args.connections} connections")
    print(f"requests {result.requests:,} ({result.rps:,.0f}/s, p99 {result.p99:.0f} ms); 2xx/3xx {ok:,}, "
          f"4xx {client}, 5xx {server_errors}, wrk errors (socket, non-2xx/3xx) {result.errors}")  # fmt: skip
    print("memory per worker (MB) every 5 s:")
    for at, sizes in samples:
        print(f"  {at:5.0f} s  " + "  ".join(f"{size:6.1f}" for size in sizes))
    first = next(sizes for at, sizes in samples if at >= args.duration / 2)
    growth = max((b - a for a, b in zip(first, samples[-1][1], strict=False)), default=0.0)
    for line in trouble[:20]:
        print("  server:", {k: v for k, v in line.items() if k in ("level", "message", "path", "query", "status")})
    print(f"largest rise of a worker over the second half: {growth:+.1f} MB (limit {args.max_growth_mb})")
    failed = client or server_errors or result.errors or ok != result.requests or growth > args.max_growth_mb
    print("soak: FAILED" if failed else "soak: passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
