"""Benchmark report intake through the production server on PostgreSQL.

Run from the repository root (it makes and drops the database ``taza_bench_intake``):

    .venv/bin/python -m bench.intake [--seconds 20] [--clients 12] [--workers 3] [--load wrk]

It starts gunicorn with the production settings against PostgreSQL, then a second
process (several, in fact) POSTs new reports to /api/v1/reports/ as fast as the server
answers, each with its own Idempotency-Key and a real point in Kazakhstan, and reports
reports per second, p50 and p99 latency and errors. Beside it, in the same run, the
same number of rows goes into the same table by plain psycopg INSERTs: from one
connection (autocommit), and from as many connections as there were clients.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB = "taza_bench_intake"
POINTS = [  # (lat, lon) of neighbourhoods across the country
    (51.1694, 71.4491),
    (51.128, 71.43),
    (43.2389, 76.8897),
    (43.1575, 77.0586),
    (42.3417, 69.5901),
    (49.8047, 73.1094),
    (53.2144, 63.6246),
    (50.4111, 80.2275),
    (47.7833, 67.7144),
    (52.2873, 76.9674),
    (47.0945, 51.9238),
    (50.2839, 57.167),
]
CATEGORIES = [
    "territory_cleaning",
    "household_waste_removal",
    "overflowing_container",
    "illegal_dump",
    "street_improvement",
]


def _env(base: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"{base}/{DB}",
            "DATABASE_CONN_MAX_AGE": "600",
            "TAZA_INTAKE_RATE": "1000000/s",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "TAZA_VAR_DIR": str(ROOT / "bench" / "out" / "var"),
        }
    )
    return env


def _psql(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _client(
    port: int, seconds: float, threads: int, seed: int, queue: multiprocessing.Queue[Any]
) -> None:
    latencies: list[float] = []
    errors: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(n: int) -> None:
        rnd = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.perf_counter() < stop_at:
            lat, lon = rnd.choice(POINTS)
            body = json.dumps(
                {
                    "service_code": rnd.choice(CATEGORIES),
                    "description": "Контейнеры переполнены, мусор вокруг площадки",
                    "lat": lat + rnd.uniform(-0.01, 0.01),
                    "lon": lon + rnd.uniform(-0.01, 0.01),
                }
            )
            headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/reports/", body, headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 599
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - started)
            if status != 201:
                with lock:
                    errors[status] = errors.get(status, 0) + 1
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put((latencies, errors))


WRK_SCRIPT = """
local counter = 0
local points = {%(points)s}
local cats = {%(cats)s}
local n = 1
function setup(thread) thread:set("id", n); n = n + 1 end
function init(args) math.randomseed(os.time() + id) end
function request()
  counter = counter + 1
  local p = points[math.random(#points)]
  local body = string.format(
    '{"service_code":"%%s","description":"Контейнеры переполнены","lat":%%.6f,"lon":%%.6f}',
    cats[math.random(#cats)], p[1] + (math.random() - 0.5) * 0.02,
    p[2] + (math.random() - 0.5) * 0.02)
  local key = string.format("wrk-%%d-%%d-%%d", id, counter, math.random(1000000000))
  return wrk.format("POST", "/api/v1/reports/",
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(99), summary.duration))
end
"""


def _wrk(port: int, seconds: float, clients: int) -> tuple[float, float, float, int]:
    """Load with wrk (C, one thread): rows/s, p50 ms, p99 ms, errors."""
    import tempfile

    script = WRK_SCRIPT % {
        "points": ", ".join(f"{{{lat}, {lon}}}" for lat, lon in POINTS),
        "cats": ", ".join(f'"{c}"' for c in CATEGORIES),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{clients}",
            f"-d{int(seconds)}s",
            "-s",
            fh.name,
            f"http://127.0.0.1:{port}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for text in out.splitlines():
        if "Socket errors" in text or "Non-2xx" in text:
            print("wrk:", text.strip())
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, status_errors, socket_errors, p50, p99, duration_us = map(int, line.split()[1:])
    errors = status_errors + socket_errors
    return (requests - errors) / (duration_us / 1e6), p50 / 1000, p99 / 1000, errors


def _plain_inserts(base: str, rows: int, connections: int, label: str) -> float:
    """Insert rows shaped like intake's into reports_report with plain psycopg; rows/s."""
    import psycopg

    with psycopg.connect(f"{base}/{DB}") as conn:
        ids = conn.execute(
            "SELECT (SELECT id FROM reports_servicecategory LIMIT 1),"
            " (SELECT id FROM geo_region WHERE code='KZ71'),"
            " (SELECT id FROM geo_district WHERE code='KZ711410'),"
            " (SELECT id FROM bodies_body WHERE code='AKIMAT-KZ711410')"
        ).fetchone()
    if ids is None:
        raise RuntimeError("reference data is missing")
    per = rows // connections

    def work(n: int) -> None:
        with psycopg.connect(f"{base}/{DB}", autocommit=True) as conn:
            for i in range(per):
                conn.execute(
                    "INSERT INTO reports_report (public_id, category_id, description, address,"
                    " lat, lon, h3_cell, region_id, district_id, body_id, state, deadline_at,"
                    " is_overdue, dispute_count, created_at, updated_at, channel,"
                    " channel_message_id, idempotency_key, request_fingerprint, reporter_name,"
                    " reporter_email, reporter_phone, reporter_token, language) VALUES (%s, %s,"
                    " 'x', '', 51.17, 71.45, '8a1f', %s, %s, %s, 'new', now(), false, 0, now(),"
                    " now(), 'api', '', %s, '', '', '', '', 't', 'kk')",
                    (
                        f"{label}{n}-{i}"[:12],
                        ids[0],
                        ids[1],
                        ids[2],
                        ids[3],
                        f"plain-{label}{n}-{i}",
                    ),
                )

    started = time.perf_counter()
    pool = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return per * connections / (time.perf_counter() - started)


def _warm_up(port: int, requests: int) -> None:
    """Let every worker load the boundaries and connect to the database before timing."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(requests):
        body = json.dumps(
            {
                "service_code": "other",
                "description": "warm-up",
                "lat": POINTS[0][0],
                "lon": POINTS[0][1],
            }
        )
        conn.request(
            "POST",
            "/api/v1/reports/",
            body,
            {"Content-Type": "application/json", "Idempotency-Key": f"warm-{i}"},
        )
        conn.getresponse().read()
        conn.close()


def _python_load(args: argparse.Namespace) -> tuple[float, float, float, dict[int, int]]:
    """Load from Python processes: rows/s, p50 ms, p99 ms, errors by status."""
    queue: multiprocessing.Queue[Any] = multiprocessing.Queue()
    per_process = max(1, args.clients // args.processes)
    procs = [
        multiprocessing.Process(
            target=_client, args=(args.port, args.seconds, per_process, p, queue)
        )
        for p in range(args.processes)
    ]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(lat for part, _errors in results for lat in part)
    errors: dict[int, int] = {}
    for _lat, part_errors in results:
        for code, n in part_errors.items():
            errors[code] = errors.get(code, 0) + n
    ok = len(latencies) - sum(errors.values())
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000
    return ok / elapsed, p50, p99, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=12, help="concurrent connections")
    parser.add_argument("--processes", type=int, default=2, help="load-generating processes")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--load",
        choices=["python", "wrk"],
        default="python",
        help="load generator: Python processes, or wrk (Debian's package)",
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    base = args.postgres.rstrip("/")
    env = _env(base)
    _psql(base, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    _psql(base, f"CREATE DATABASE {DB}")
    py = sys.executable
    for command in (["migrate", "-v0"], ["load_reference"]):
        subprocess.run(
            [py, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
    server = subprocess.Popen(
        [
            py,
            "-m",
            "gunicorn",
            "taza.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request(
                    "GET", "/health/"
                )
                break
            except OSError:
                time.sleep(0.2)
        _warm_up(args.port, 60)
        if args.load == "wrk":
            rate, p50, p99, error_count = _wrk(args.port, args.seconds, args.clients)
            errors: dict[int, int] = {0: error_count} if error_count else {}
        else:
            rate, p50, p99, errors = _python_load(args)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ok = int(rate * args.seconds)
    import psycopg

    with psycopg.connect(f"{base}/{DB}") as conn:
        stored = conn.execute("SELECT count(*) FROM reports_report").fetchone()
    one = _plain_inserts(base, min(ok, 20_000) or 1000, 1, "a")
    many = _plain_inserts(base, min(ok, 20_000) or 1000, args.clients, "b")
    _psql(base, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; gunicorn workers: "
        f"{args.workers}; {args.clients} client connections from "
        f"{'wrk' if args.load == 'wrk' else f'{args.processes} Python processes'}; "
        f"{args.seconds:.0f} s"
    )
    print(f"{'path':<46}{'rows/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>10}")
    print(
        f"{'Taza intake: POST /api/v1/reports/ (gunicorn)':<46}{rate:>10,.0f}"
        f"{p50:>10.1f}{p99:>10.1f}{sum(errors.values()):>10}"
    )
    print(f"{'plain psycopg INSERT, 1 connection':<46}{one:>10,.0f}")
    print(f"{f'plain psycopg INSERT, {args.clients} connections':<46}{many:>10,.0f}")
    print(f"reports stored: {stored[0] if stored else 0:,}; errors by status: {errors or 'none'}")


if __name__ == "__main__":
    main()
