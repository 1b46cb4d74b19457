"""Benchmark: this API against Datasette and a bare ASGI app serving the same bytes, all driven by wrk.

    python tests/perf/bench.py                 # about six minutes; prints the table
    python tests/perf/bench.py --duration 3    # a quick look

One run seeds a SQLite database; starts our production command (`python -m api`, one worker, then two);
Datasette over a SQLite file built from our own bulk export (with indexes on its filter columns); and a
bare ASGI app under the same uvicorn answering with bytes fetched from our API. wrk (Debian's package,
installed when missing) drives each on equivalent requests. Datasette is installed into its own virtual
environment under ~/.cache/tip-tiers-bench on first use, so it never touches the project's packages.
"""

import argparse
import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from live import free_port, running, serve  # noqa: E402

# The rate limit counts every request, as in production, but one load generator on one address must never reach it.
UNREACHABLE_LIMIT = {"RATE_LIMIT": str(10**9)}
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tip-tiers-bench"

BASELINE = """
import json, pathlib
ANSWERS = {key: (ctype.encode(), bytes.fromhex(body)) for key, (ctype, body) in
           json.loads(pathlib.Path(__file__).with_name("answers.json").read_text()).items()}

async def app(scope, receive, send):
    key = scope["raw_path"].decode() + ("?" + scope["query_string"].decode() if scope["query_string"] else "")
    ctype, body = ANSWERS[key]
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
"""

# Each request a different country, range of years and page size (1-5,000 rows; no country has that many): a URL
# seldom comes twice, so no response cache can answer it.
MIX = """
local codes = {%s}
local counter = 0
setup = function(thread) counter = counter + 1; thread:set("id", counter) end
init = function() math.randomseed(id * 7919) end
request = function()
  local a = math.random(2001, 2025)
  local b = math.random(a, 2025)
  return wrk.format("GET", string.format("%s", codes[math.random(#codes)], a, b, math.random(1, 5000)))
end
"""

# Never-seen answers of the routes that work something out (the automatic-downgrade rule, the moves between two
# editions, one country's history), each URL different, so neither a stored answer nor a browser could serve it.
NEVER_SEEN = """
local codes = {%s}
local regions = {"AF", "EAP", "EUR", "NEA", "SCA", "WHA"}
local counter = 0
setup = function(thread) counter = counter + 1; thread:set("id", counter) end
init = function() math.randomseed(id * 104729) end
local kinds = {
  downgrades = function() return string.format("/v1/downgrades?year=%%d&region=%%s&year=%%d",
    math.random(2001, 2025), regions[math.random(#regions)], math.random(2001, 2025)) end,
  changes = function() local a = math.random(2001, 2024)
    return string.format("/v1/changes?from=%%d&to=%%d&region=%%s", a, math.random(a + 1, 2025),
    regions[math.random(#regions)]) end,
  country = function() return string.format("/v1/countries/%%s?pretty=%%s", codes[math.random(#codes)],
    ({"true", "false"})[math.random(2)]) end,
  placements = function() local a = math.random(2001, 2025)
    return string.format("/v1/placements?country=%%s&year_from=%%d&year_to=%%d&limit=%%d",
    codes[math.random(#codes)], a, math.random(a, 2025), math.random(1, 5000)) end,
}
local order = {%s}
request = function() return wrk.format("GET", kinds[order[math.random(#order)]]()) end
"""
KINDS = ["placements", "downgrades", "changes", "country"]


def never_seen(path: Path, codes: str, kinds: list[str]) -> Path:
    path.write_text(NEVER_SEEN % (codes, ", ".join(f'"{kind}"' for kind in kinds)))
    return path


@dataclass
class Scenario:
    name: str
    ours: str
    datasette: str | None
    # Sent with If-None-Match: the ETag our API gave for the same URL, so the answer is a 304.
    conditional: bool = False


@dataclass
class Result:
    rps: float
    p50: float
    p99: float
    errors: int
    requests: int


def ensure_wrk() -> str:
    if (wrk := shutil.which("wrk")) is None:
        print("bench: installing Debian's wrk", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})  # fmt: skip
        wrk = shutil.which("wrk")
    assert wrk, "wrk is needed (Debian package wrk)"
    return wrk


def ensure_datasette() -> Path:
    venv = CACHE / "datasette-venv"
    if not (venv / "bin" / "datasette").exists():
        print("bench: installing Datasette into its own virtual environment", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "datasette"], check=True)
    return venv / "bin" / "datasette"


def milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(wrk: str, url: str, seconds: float, connections: int, headers: tuple[str, ...] = (),
            script: Path | None = None) -> Result:  # fmt: skip
    command = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{round(seconds)}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    return parse_wrk(subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout)


def parse_wrk(out: str) -> Result:
    """wrk's summary: rate, latency percentiles, and socket errors plus non-2xx/3xx answers as errors."""
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, flags=re.M))
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return Result(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50=milliseconds(percentiles["50"]),
        p99=milliseconds(percentiles["99"]),
        errors=socket_errors + non_2xx,
        requests=int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
    )


def peak_rss_mb(pid: int) -> float:
    """The largest peak resident set (VmHWM) of the process and its children: one worker's high-water mark."""
    pids, peak = [pid], 0.0
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        peak = max(peak, int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)  # type: ignore[union-attr]
        pids += [int(child) for child in children]
    return peak


def warm_up(base: str, paths: list[str]) -> None:
    """Steady state is what is measured: each worker loads its placements snapshot on its first request."""
    for path in paths:
        for _ in range(20):  # new connections, so that every worker gets some
            httpx.get(base + path).raise_for_status()


def datasette_db(bulk_csv: str, path: Path) -> None:
    """Our bulk export as one typed, indexed SQLite table: what a journalist would hand to Datasette."""
    rows = list(csv.DictReader(io.StringIO(bulk_csv)))
    columns = list(rows[0])
    with sqlite3.connect(path) as db:
        typed = ", ".join(f"{c} {'INTEGER' if c == 'year' else 'TEXT'}" for c in columns)
        db.execute(f"CREATE TABLE placements ({typed}, PRIMARY KEY (year, iso3))")
        db.executemany(f"INSERT INTO placements VALUES ({', '.join('?' for _ in columns)})",
                       [tuple(r[c] for c in columns) for r in rows])  # fmt: skip
        for column in ("iso3", "tier", "region", "country"):
            db.execute(f"CREATE INDEX placements_{column} ON placements ({column})")


SCENARIOS = [
    Scenario("one report, JSON", "/v1/placements?year=2024",
             "/placements/placements.json?year=2024&_shape=array&_size=max"),
    Scenario("one report, CSV", "/v1/placements.csv?year=2024", "/placements/placements.csv?year=2024&_size=max"),
    Scenario("a country by alias", "/v1/countries/Ivory%20Coast",
             "/placements/placements.json?country=C%C3%B4te+d%27Ivoire&_shape=array&_size=max"),
    Scenario("full bulk CSV", "/v1/bulk/placements.csv", "/placements/placements.csv?_size=max&_stream=on"),
    Scenario("filtered, 4 parameters", "/v1/placements?year_from=2010&year_to=2020&tier=2WL&region=EAP",
             "/placements/placements.json?year__gte=2010&year__lte=2020&tier=2WL&region=EAP&_shape=array&_size=max"),
    Scenario("conditional, 304", "/v1/placements?year=2024", None, conditional=True),
]  # fmt: skip


# How latency grows with the rows an answer holds (one connection, so latency is not queueing).
COST = [("1 row", "/v1/placements?year=2024&country=THA"), ("188 rows", "/v1/placements?year=2024"),
        ("4,229 rows", "/v1/placements?limit=5000")]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    args = parser.parse_args()
    wrk, datasette = ensure_wrk(), ensure_datasette()
    seconds, conns = args.duration, args.connections
    table: list[tuple[str, str, Result, float]] = []

    with tempfile.TemporaryDirectory(prefix="tip-bench-") as tmp_name:
        tmp = Path(tmp_name)
        db_url = f"sqlite:///{tmp / 'tip.db'}"
        subprocess.run([sys.executable, "-m", "seed", "--database-url", db_url], check=True, capture_output=True)

        started = time.monotonic()
        with serve(db_url, tmp / "ours-1.log", **UNREACHABLE_LIMIT) as ours:
            startup = time.monotonic() - started
            answers: dict[str, tuple[str, str]] = {}
            etags: dict[str, str] = {}
            for scenario in SCENARIOS[:-1]:
                response = httpx.get(ours.base + scenario.ours, headers={"Accept-Encoding": "identity"})
                answers[scenario.ours] = (response.headers["content-type"], response.content.hex())
                etags[scenario.ours] = response.headers["etag"]
            bulk = httpx.get(ours.base + "/v1/bulk/placements.csv").text
            quoted = ", ".join(f'"{c}"' for c in sorted({row["iso3"] for row in csv.DictReader(io.StringIO(bulk))}))
            for scenario in SCENARIOS:
                headers = (f"If-None-Match: {etags[scenario.ours]}",) if scenario.conditional else ()
                result = run_wrk(wrk, ours.base + scenario.ours, seconds, conns, headers)
                table.append(("ours, 1 worker", scenario.name, result, peak_rss_mb(ours.process.pid)))
            mix = tmp / "mix-ours.lua"
            mix.write_text(MIX % (quoted, "/v1/placements?country=%s&year_from=%d&year_to=%d&limit=%d"))
            result = run_wrk(wrk, ours.base + "/", seconds, conns, script=mix)
            table.append(("ours, 1 worker", "distinct-URL mix", result, peak_rss_mb(ours.process.pid)))

            result = run_wrk(wrk, ours.base + "/", seconds, conns, script=never_seen(tmp / "all.lua", quoted, KINDS))
            table.append(("ours, 1 worker", "mix, every kind", result, peak_rss_mb(ours.process.pid)))

        with serve(db_url, tmp / "ours-cold.log", RESPONSE_CACHE_MB="0", **UNREACHABLE_LIMIT) as cold:
            warm_up(cold.base, [path for _, path in COST])
            for label, path in COST:
                result = run_wrk(wrk, cold.base + path, seconds, 1)
                table.append(("ours, no answer store, 1 conn", f"cost: {label}", result, peak_rss_mb(cold.process.pid)))
            for kind in KINDS[1:]:
                script = never_seen(tmp / f"{kind}.lua", quoted, [kind])
                result = run_wrk(wrk, cold.base + "/", seconds, 1, script=script)
                table.append(("ours, no answer store, 1 conn", f"never seen: {kind}", result,
                              peak_rss_mb(cold.process.pid)))  # fmt: skip

        with serve(db_url, tmp / "ours-2.log", workers=2, **UNREACHABLE_LIMIT) as ours2:
            warm_up(ours2.base, [SCENARIOS[0].ours, SCENARIOS[4].ours])
            for scenario in (SCENARIOS[0], SCENARIOS[4]):
                result = run_wrk(wrk, ours2.base + scenario.ours, seconds, conns)
                table.append(("ours, 2 workers", scenario.name, result, peak_rss_mb(ours2.process.pid)))
            result = run_wrk(wrk, ours2.base + "/", seconds, conns, script=mix)
            table.append(("ours, 2 workers", "distinct-URL mix", result, peak_rss_mb(ours2.process.pid)))

        (tmp / "answers.json").write_text(json.dumps(answers))
        (tmp / "baseline.py").write_text(BASELINE)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "uvicorn", "baseline:app", "--port", str(port), "--no-access-log",
                   "--log-level", "warning", "--no-server-header"]  # fmt: skip
        with running(command, base + SCENARIOS[0].ours, tmp / "baseline.log", cwd=tmp) as proc:
            for scenario in SCENARIOS[:-1]:
                result = run_wrk(wrk, base + scenario.ours, seconds, conns)
                table.append(("bare ASGI", scenario.name, result, peak_rss_mb(proc.pid)))

        datasette_db(bulk, tmp / "placements.db")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [str(datasette), "serve", str(tmp / "placements.db"), "--port", str(port),
                   "--setting", "max_returned_rows", "5000", "--setting", "sql_time_limit_ms", "10000"]  # fmt: skip
        with running(command, f"{base}/-/versions.json", tmp / "datasette.log") as proc:
            for scenario in SCENARIOS[:-1]:
                assert scenario.datasette
                result = run_wrk(wrk, base + scenario.datasette, seconds, conns)
                table.append(("Datasette", scenario.name, result, peak_rss_mb(proc.pid)))
            theirs = "/placements/placements.json?iso3=%s&year__gte=%d&year__lte=%d&_shape=array&_size=%d"
            mix.write_text(MIX % (quoted, theirs))
            result = run_wrk(wrk, base + "/", seconds, conns, script=mix)
            table.append(("Datasette", "distinct-URL mix", result, peak_rss_mb(proc.pid)))

    report(table, startup, seconds, conns)
    return 0


def report(table: list[tuple[str, str, Result, float]], startup: float, seconds: float, conns: int) -> None:
    print(f"\nwrk -t2 -c{conns} -d{seconds:g}s on loopback, one machine; peak RSS is the largest single process.\n")
    print(f"{'server':<30} {'scenario':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'RSS MB':>7}")
    for server, scenario, r, rss in table:
        print(f"{server:<30} {scenario:<26} {r.rps:>9.0f} {r.p50:>8.2f} {r.p99:>8.2f} {r.errors:>7} {rss:>7.0f}")
    rps = {(server, scenario): r.rps for server, scenario, r, _ in table}
    print("\nratios (requests/s)")
    for scenario in [s.name for s in SCENARIOS[:-1]] + ["distinct-URL mix"]:
        ours = rps[("ours, 1 worker", scenario)]
        theirs = rps[("Datasette", scenario)]
        # A run shorter than Datasette's slowest answer can finish none of them.
        ratio = f"{ours / theirs:>6.1f}x" if theirs else "   n/a"
        line = f"  {scenario:<26} ours/Datasette {ratio}"
        if ("bare ASGI", scenario) in rps:
            line += f"   ours/bare ASGI {ours / rps[('bare ASGI', scenario)]:>5.0%}"
        print(line)
    conditional = rps[("ours, 1 worker", "conditional, 304")] / rps[("bare ASGI", "one report, JSON")]
    print(f"  ours 304 / bare ASGI one report: {conditional:.0%}")
    print(f"\nstart-up to first /ready 200 (seeded database): {startup:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
