"""Benchmark report intake through the production server on PostgreSQL.

Run from the repository root (it makes and drops the database ``taza_bench_intake``):

    .venv/bin/python -m bench.intake [--seconds 20] [--clients 16] [--workers 3]

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
    port: int, seconds: float, threads: int, seed: int, queue: multiprocessing.Queue
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--processes", type=int, default=2, help="load-generating processes")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
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
        queue: multiprocessing.Queue = multiprocessing.Queue()
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
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    latencies = sorted(lat for part, _errors in results for lat in part)
    errors: dict[int, int] = {}
    for _lat, part_errors in results:
        for code, n in part_errors.items():
            errors[code] = errors.get(code, 0) + n
    ok = len(latencies) - sum(errors.values())
    import psycopg

    with psycopg.connect(f"{base}/{DB}") as conn:
        stored = conn.execute("SELECT count(*) FROM reports_report").fetchone()
    one = _plain_inserts(base, min(ok, 20_000) or 1000, 1, "a")
    many = _plain_inserts(base, min(ok, 20_000) or 1000, args.clients, "b")
    _psql(base, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; gunicorn workers: "
        f"{args.workers}; clients: {args.clients} in {args.processes} processes; "
        f"{args.seconds:.0f} s"
    )
    print(f"{'path':<46}{'rows/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>10}")
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000
    print(
        f"{'Taza intake: POST /api/v1/reports/ (gunicorn)':<46}{ok / elapsed:>10,.0f}"
        f"{p50:>10.1f}{p99:>10.1f}{sum(errors.values()):>10}"
    )
    print(f"{'plain psycopg INSERT, 1 connection':<46}{one:>10,.0f}")
    print(f"{f'plain psycopg INSERT, {args.clients} connections':<46}{many:>10,.0f}")
    print(f"reports stored: {stored[0] if stored else 0:,}; errors by status: {errors or 'none'}")


if __name__ == "__main__":
    main()
