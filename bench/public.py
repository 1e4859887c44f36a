"""Benchmark the public pages at 300,000 reports and 5,000 waste sites, in PostgreSQL.

Run from the repository root (it makes and drops the database ``taza_bench_public``):

    .venv/bin/python -m bench.public --reports 300000 --sites 5000

It fills PostgreSQL with synthetic reports spread like the seeds (``bench.stats``) and
verified waste sites at report places, writes the open-data files, starts Taza under
gunicorn (two workers, as ``script/run``) and then, from a second process, requests
each page many times with a few clients at once. Beside every page it measures a static
file served by the same server in the same run: the floor no page can go under.
Figures are p50 and p99 in milliseconds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import signal
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.stats import _fill

BENCH_DB = "taza_bench_public"
ROOT = Path(__file__).resolve().parents[1]
PORT = 8765
SECRET_KEY = "bench-" + "x" * 50


def _database_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/{BENCH_DB}"


def _recreate_database(base_url: str, name: str = BENCH_DB) -> None:
    import psycopg

    with psycopg.connect(f"{base_url.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def _prepare(base_url: str, reports: int, sites: int, folder: Path) -> str:
    """Fill the database and the open-data files; return a report number to read."""
    os.environ["DATABASE_URL"] = _database_url(base_url)
    os.environ["TAZA_OPEN_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taza.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories
    from taza.opendata.publish import BY_SLUG, publish
    from taza.reports.catalogue import load_categories
    from taza.reports.models import Report
    from taza.reports.stats import rebuild_all
    from taza.sites.choices import SiteKind, SiteSource, SiteState
    from taza.sites.models import WasteSite

    call_command("migrate", verbosity=0)
    load_territories()
    load_bodies()
    load_categories()
    started = time.perf_counter()
    _fill(reports, seed=1)
    rebuild_all()
    print(f"filled {reports:,} reports in {time.perf_counter() - started:.0f} s")
    places = list(
        Report.objects.order_by("?").values_list("lat", "lon", "h3_cell", "region_id")[:sites]
    )
    WasteSite.objects.bulk_create(
        WasteSite(
            kind=SiteKind.DUMP,
            state=SiteState.VERIFIED,
            source=SiteSource.RAID,
            lat=lat,
            lon=lon,
            h3_cell=cell,
            region_id=region,
        )
        for lat, lon, cell, region in places
    )
    started = time.perf_counter()
    publish(BY_SLUG["reports"], "ru")
    print(f"wrote the reports dataset in {time.perf_counter() - started:.0f} s")
    return str(Report.objects.order_by("?").values_list("public_id", flat=True).first())


def _server(base_url: str, folder: Path) -> subprocess.Popen[bytes]:
    return start_server(_database_url(base_url), PORT, {"TAZA_OPEN_DATA_DIR": str(folder)})


def start_server(
    database_url: str, port: int, extra: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start Taza under gunicorn (two workers, as ``script/run``) and wait for /health/."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # As docs/operations.md advises for production: one connection a worker, kept.
        "DATABASE_CONN_MAX_AGE": "60",
        **(extra or {}),
    }
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "taza.wsgi",
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def one_request(url: str, session: str = "") -> float:
    """Time one GET to the end of its body, signed in with ``session`` when given."""
    request = urllib.request.Request(url)  # noqa: S310 (the bench's own server)
    if session:
        request.add_header("Cookie", f"sessionid={session}")
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        while response.read(1 << 16):
            pass
        if response.status != 200 or response.geturl() != url:  # a redirect to log in
            raise SystemExit(f"{url}: {response.status} {response.geturl()}")
    return (time.perf_counter() - started) * 1000


def _load(paths: list[tuple[str, str, int]], clients: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Request every page ``n`` times with ``clients`` at once (the second process)."""
    results = {}
    with ThreadPoolExecutor(clients) as pool:
        for name, path, n in paths:
            url = f"http://127.0.0.1:{PORT}{path}"
            one_request(url)  # warm: the first request of a page pays for imports and caches
            times = sorted(pool.map(lambda _i, u=url: one_request(u), range(n)))
            results[name] = (
                times[len(times) // 2],
                times[min(len(times) - 1, int(len(times) * 0.99))],
            )
    queue.put(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=300_000)
    parser.add_argument("--sites", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=200, help="per page")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"
    )
    folder = ROOT / "var" / "bench-opendata"
    _recreate_database(args.postgres)
    number = _prepare(args.postgres, args.reports, args.sites, folder)
    from django.db import connections

    connections.close_all()
    n = args.requests
    paths = [
        ("static file (the floor)", "/static/taza/taza.css", n),
        ("home /", "/", n),
        ("/map/ page", "/map/", n),
        ("/map/ data, whole country", "/api/v1/map/?zoom=5&bbox=46,40,88,56", n),
        (
            "/map/ data, a city at street zoom",
            "/api/v1/map/?zoom=15&bbox=71.40,51.15,71.48,51.19",
            n,
        ),
        ("/statistics/", "/statistics/", n),
        ("a report page", f"/reports/{number}/", n),
        ("waste sites API, first page", "/api/v1/sites/", n),
        ("download: reports CSV", "/data/ru/reports.csv", max(5, n // 20)),
    ]
    server = _server(args.postgres, folder)
    try:
        queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        loader = multiprocessing.Process(target=_load, args=(paths, args.clients, queue))
        loader.start()
        results = queue.get()
        loader.join()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"\n{args.reports:,} reports, {args.sites:,} sites; {args.clients} clients at once")
    print(f"{'page':<40}{'p50 ms':>10}{'p99 ms':>10}")
    for name, _path, _n in paths:
        p50, p99 = results[name]
        print(f"{name:<40}{p50:>10.1f}{p99:>10.1f}")
    _recreate_database(args.postgres)


if __name__ == "__main__":
    main()
