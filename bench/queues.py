"""Benchmark the staff's work queues at 300,000 reports beside the same pages at 100.

Run from the repository root (it makes and drops two databases, ``taza_bench_q_small``
and ``taza_bench_q_big``):

    .venv/bin/python -m bench.queues --reports 300000

Each database gets the territories, bodies, categories and the action plan, an
operator of Astana and an analyst, the reports (100, then 300,000, spread like the
seeds by ``bench.stats``) and 250 executors' reports awaiting review. For each page the
script counts the queries Django makes (the same count at 100 and at 300,000 reports
means no query per row), then starts Taza under gunicorn on each database and, from a
second process, requests the page many times with a few clients at once, signed in.
Figures are p50 and p99 in milliseconds, small and big side by side.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.public import SECRET_KEY, _recreate_database, one_request, start_server

ROOT = Path(__file__).resolve().parents[1]
DATABASES = {"small": ("taza_bench_q_small", 8771), "big": ("taza_bench_q_big", 8772)}
PAGES = [
    ("console, operator (Astana, open)", "/console/", "operator"),
    ("console, operator, find a number", "/console/?text=10000123&state=closed", "operator"),
    ("console, analyst, find words", "/console/?text=bench%20x&state=closed", "analyst"),
    ("console, analyst (whole country)", "/console/", "analyst"),
    ("console, analyst, page 20", "/console/?state=closed&page=20", "analyst"),
    ("reporting desk, analyst", "/programme/reporting/", "analyst"),
    ("reporting desk, analyst, page 5", "/programme/reporting/?page=5", "analyst"),
    ("Open311 requests.json", "/open311/v2/requests.json", ""),
    ("Open311 requests.json, closed", "/open311/v2/requests.json?status=closed", ""),
]
PASSWORD = "bench-password-1"  # noqa: S105 (a throwaway database)


def _url(base: str, name: str) -> str:
    return f"{base.rstrip('/')}/{name}"


def prepare(reports: int) -> None:
    """Fill the database DATABASE_URL names; print sessions and query counts as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taza.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.stats import _fill
    from taza.accounts.models import Role, RoleAssignment, User
    from taza.bodies.models import Body
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories
    from taza.programme.choices import ReportSource, ReportStatus
    from taza.programme.models import ExecutorReport, Measure
    from taza.programme.plan import load_plan
    from taza.reports.catalogue import load_categories
    from taza.reports.stats import rebuild_all

    call_command("migrate", verbosity=0)
    load_territories()
    load_bodies()
    load_categories()
    load_plan()
    _fill(reports, seed=1)
    rebuild_all()
    with connection.cursor() as cursor:
        # As autovacuum leaves a table that has settled: the visibility map set, so counts
        # can read the indexes alone. A table COPY'd a moment ago has none of it.
        cursor.execute("VACUUM ANALYZE reports_report")
    operator = User.objects.create_user("operator", password=PASSWORD)
    RoleAssignment.objects.create(
        user=operator, role=Role.OPERATOR, body=Body.objects.get(code="AKIMAT-KZ71")
    )
    analyst = User.objects.create_user("analyst", password=PASSWORD)
    RoleAssignment.objects.create(user=analyst, role=Role.ANALYST)
    akimats = list(Body.objects.filter(kind="regional_akimat").select_related("region"))
    measures = list(Measure.objects.order_by("number")[:13])
    waiting = [
        ExecutorReport(
            measure=measures[i % len(measures)],
            body=akimats[(i // len(measures)) % len(akimats)],
            region=akimats[(i // len(measures)) % len(akimats)].region,
            year=2025 + i // (len(measures) * len(akimats)),
            period="Y",
            text="bench",
            assessment="in_progress",
            status=ReportStatus.SUBMITTED,
            source=ReportSource.WEB,
        )
        for i in range(250)
    ]
    ExecutorReport.objects.bulk_create(waiting)
    sessions, counts = {}, {}
    for who in ("operator", "analyst"):
        client = Client()
        client.login(username=who, password=PASSWORD)
        sessions[who] = client.cookies["sessionid"].value
    for name, path, who in PAGES:
        client = Client()
        if who:
            client.cookies["sessionid"] = sessions[who]
        client.get(path)  # the once-per-process work (caches, rollups)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path}: {status}")
        counts[name] = len(queries)
    print(json.dumps({"sessions": sessions, "counts": counts}))


def _load(
    plan: list[tuple[str, str, str]],
    n: int,
    clients: int,
    queue: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    """Request every page ``n`` times with ``clients`` at once (the second process)."""
    results = {}
    with ThreadPoolExecutor(clients) as pool:
        for key, url, session in plan:
            # Warm every worker: the first request of a page in a process pays for
            # its imports and templates once in the process's life.
            list(pool.map(lambda _i, u=url, s=session: one_request(u, s), range(clients * 2)))
            times = sorted(pool.map(lambda _i, u=url, s=session: one_request(u, s), range(n)))
            results[key] = (
                times[len(times) // 2],
                times[min(len(times) - 1, int(len(times) * 0.99))],
            )
    queue.put(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=100, help="per page")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(args.prepare)
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"
    )
    found = {}
    for size, (name, _port) in DATABASES.items():
        _recreate_database(args.postgres, name)
        rows = 100 if size == "small" else args.reports
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "bench.queues", "--prepare", str(rows)],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": _url(args.postgres, name),
                "ALLOWED_HOSTS": "testserver",
                # The servers read the sessions made here: the same key signs both.
                "SECRET_KEY": SECRET_KEY,
                "LOG_LEVEL": "WARNING",
            },
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        found[size] = json.loads(out.strip().splitlines()[-1])
        print(f"prepared {rows:,} reports in {time.perf_counter() - started:.0f} s")
    servers = [start_server(_url(args.postgres, name), port) for name, port in DATABASES.values()]
    try:
        plan = [
            (
                f"{size}|{page}",
                f"http://127.0.0.1:{port}{path}",
                found[size]["sessions"].get(who, ""),
            )
            for page, path, who in PAGES
            for size, (_name, port) in DATABASES.items()
        ]
        queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        loader = multiprocessing.Process(
            target=_load, args=(plan, args.requests, args.clients, queue)
        )
        loader.start()
        results = queue.get()
        loader.join()
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(f"\n100 vs {args.reports:,} reports; {args.clients} clients at once; ms and queries")
    columns = ("p50 100", "p99 100", "p50 big", "p99 big")
    print(f"{'page':<38}" + "".join(f"{c:>9}" for c in columns) + f"{'q 100':>7}{'q big':>7}")
    for page, _path, _who in PAGES:
        small, big = results[f"small|{page}"], results[f"big|{page}"]
        print(
            f"{page:<38}{small[0]:>9.1f}{small[1]:>9.1f}{big[0]:>9.1f}{big[1]:>9.1f}"
            f"{found['small']['counts'][page]:>7}{found['big']['counts'][page]:>7}"
        )
    for name, _port in DATABASES.values():
        _recreate_database(args.postgres, name)


if __name__ == "__main__":
    main()
