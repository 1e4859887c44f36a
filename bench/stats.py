"""Benchmark the statistics and the duplicate search at 1 and 5 million reports.

Run from the repository root (it makes and drops the database ``taza_bench``):

    .venv/bin/pip install -r requirements-bench.txt
    .venv/bin/python -m bench.stats --rows 1000000 --rows 5000000

For each size it fills PostgreSQL with synthetic reports spread like the seeds
(regions, categories, states, a year of dates), then times, side by side:

- Taza's statistics page query (``statistics()``, summing rollups) and the cost of
  rebuilding one day's rollups, which is what a change to a report costs;
- the same figures by a plain GROUP BY with medians over the reports in PostgreSQL;
- the same GROUP BY in DuckDB over the same rows (loaded in memory first);
- the duplicate search (``nearby_open_reports``) for 1,000 random points.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics as pystats
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

BENCH_DB = "taza_bench"


def _setup_django(base_url: str) -> None:
    os.environ["DATABASE_URL"] = f"{base_url.rstrip('/')}/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taza.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _recreate_database(base_url: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def _timed(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Return the best wall time of a few runs, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _fill(rows: int, seed: int) -> None:
    """Write synthetic reports with COPY, spread like the demo data set."""
    import h3
    import numpy as np
    from django.db import connection
    from django.utils import timezone

    from taza.bodies.models import Body
    from taza.demo.facts import region_weights
    from taza.demo.reports import CATEGORY_WEIGHTS
    from taza.geo.lookup import default_locator
    from taza.geo.models import District
    from taza.reports.models import ServiceCategory

    rng = np.random.default_rng(seed)
    locator = default_locator()
    weights = region_weights()
    districts = {d.code: d for d in District.objects.all()}
    body_of = {b.district_id: b.pk for b in Body.objects.filter(kind="district_akimat")}
    # Pick districts: by the region's share, then evenly inside the region.
    district_p = np.array(
        [weights[locator.region_codes[r]] for r in locator.district_region], dtype=float
    )
    counts = np.bincount(locator.district_region, minlength=len(locator.region_codes))
    district_p /= counts[locator.district_region]
    district_p /= district_p.sum()
    centres = [g.representative_point() for g in locator.district_geoms]
    cats = {c.code: c.pk for c in ServiceCategory.objects.all()}
    cat_codes = list(CATEGORY_WEIGHTS)
    cat_p = np.array([CATEGORY_WEIGHTS[c] for c in cat_codes], dtype=float)
    cat_p /= cat_p.sum()
    states = np.array(["closed", "resolved", "rejected", "new", "accepted", "in_progress"])
    state_p = np.array([0.895, 0.04, 0.01, 0.02, 0.015, 0.02])
    now = timezone.now()
    d_index = rng.choice(len(centres), size=rows, p=district_p)
    c_index = rng.choice(len(cat_codes), size=rows, p=cat_p)
    s_index = rng.choice(len(states), size=rows, p=state_p)
    age_s = rng.uniform(0, 365 * 86400, size=rows)
    resolve_s = rng.gamma(2.0, 20 * 3600, size=rows)
    jitter = rng.normal(0, 0.03, size=(rows, 2))
    columns = (
        "public_id, category_id, description, address, lat, lon, h3_cell, region_id, "
        "district_id, body_id, state, deadline_at, is_overdue, dispute_count, created_at, "
        "updated_at, resolved_at, closed_at, channel, channel_message_id, request_fingerprint, "
        "reporter_name, reporter_email, reporter_phone, reporter_token, language, resolved_late"
    )
    with connection.cursor() as cursor:
        # The rows are made consistent here; skip the per-row foreign-key triggers.
        cursor.execute("SET session_replication_role = replica")
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY reports_report ({columns}) FROM STDIN") as copy,
    ):
        for i in range(rows):
            centre = centres[d_index[i]]
            lat, lon = centre.y + jitter[i, 0], centre.x + jitter[i, 1]
            district = districts[locator.district_codes[d_index[i]]]
            state = str(states[s_index[i]])
            created = now - timedelta(seconds=float(age_s[i]))
            done = state in ("closed", "resolved")
            resolved = created + timedelta(seconds=float(resolve_s[i])) if done else None
            copy.write_row(
                (
                    f"{10_000_000 + i}",
                    cats[cat_codes[c_index[i]]],
                    "bench",
                    "",
                    lat,
                    lon,
                    h3.latlng_to_cell(lat, lon, 10),
                    district.region_id,
                    district.pk,
                    body_of[district.pk],
                    state,
                    None if done else now,
                    not done and i % 300 == 0,
                    0,
                    created,
                    resolved or created,
                    resolved,
                    resolved if state == "closed" else None,
                    "import",
                    f"bench-{i}",
                    "",
                    "",
                    "",
                    "",
                    "t",
                    "kk",
                    # Late when it took more than five days (the filler has no deadlines).
                    done and float(resolve_s[i]) > 5 * 86400,
                )
            )
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE reports_report")


RAW_SQL = """
SELECT {key}, count(*) AS total,
       count(*) FILTER (WHERE state IN ('resolved', 'closed')) AS done,
       count(*) FILTER (WHERE is_overdue AND state IN ('new', 'accepted', 'in_progress'))
           AS overdue,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM resolved_at - created_at) / 3600) AS median_hours
FROM reports_report {where} GROUP BY {key}
"""


def _bench_size(rows: int, base_url: str, seed: int) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    from taza.bodies.services import load_bodies
    from taza.core.dates import local_day
    from taza.geo.services import load_territories
    from taza.reports.catalogue import load_categories
    from taza.reports.models import Report, ServiceCategory
    from taza.reports.services import nearby_open_reports
    from taza.reports.stats import rebuild_all, rebuild_day, statistics

    _recreate_database(base_url)
    connection.close()
    call_command("migrate", verbosity=0)
    load_territories()
    load_bodies()
    load_categories()
    started = time.perf_counter()
    _fill(rows, seed)
    fill_s = time.perf_counter() - started
    started = time.perf_counter()
    rebuild_all()
    rollup_s = time.perf_counter() - started
    result: dict[str, float] = {"fill_s": fill_s, "rollup_all_s": rollup_s}

    result["taza_statistics_ms"] = _timed(lambda: statistics())
    result["taza_statistics_region_ms"] = _timed(lambda: statistics(region_id=1))
    today = local_day(Report.objects.latest("created_at").created_at)
    result["taza_rebuild_one_day_ms"] = _timed(lambda: rebuild_day(today))

    def raw(key: str, where: str = "") -> Callable[[], None]:
        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute(RAW_SQL.format(key=key, where=where))
                cursor.fetchall()

        return run

    result["postgres_by_region_ms"] = _timed(raw("region_id"), repeat=2)
    result["postgres_by_category_ms"] = _timed(raw("category_id"), repeat=2)

    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "reports.csv")
        with (
            connection.cursor() as cursor,
            open(path, "wb") as out,
            cursor.cursor.copy(
                "COPY (SELECT region_id, category_id, state, is_overdue, created_at, resolved_at "
                "FROM reports_report) TO STDOUT WITH (FORMAT csv, HEADER)"
            ) as copy,
        ):
            for block in copy:
                out.write(block)
        duck = duckdb.connect()
        duck.execute(f"CREATE TABLE reports_report AS SELECT * FROM read_csv_auto('{path}')")

    def ducked(key: str) -> Callable[[], object]:
        sql = RAW_SQL.format(key=key, where="").replace(
            "extract(epoch FROM resolved_at - created_at)", "epoch(resolved_at) - epoch(created_at)"
        )
        return lambda: duck.execute(sql).fetchall()

    result["duckdb_by_region_ms"] = _timed(ducked("region_id"))
    result["duckdb_by_category_ms"] = _timed(ducked("category_id"))

    import random

    rnd = random.Random(seed)
    category = ServiceCategory.objects.get(code="illegal_dump").pk
    sample = list(Report.objects.order_by("?").values_list("lat", "lon")[:1000])
    times = []
    for lat, lon in sample:
        started = time.perf_counter()
        nearby_open_reports(category, lat + rnd.uniform(-1e-4, 1e-4), lon)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    result["duplicate_search_p50_ms"] = times[len(times) // 2]
    result["duplicate_search_p99_ms"] = times[int(len(times) * 0.99) - 1]
    result["duplicate_search_mean_ms"] = pystats.fmean(times)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, action="append", help="reports (repeatable)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    _setup_django(args.postgres)
    sizes = args.rows or [1_000_000]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"
    )
    results = {rows: _bench_size(rows, args.postgres, args.seed) for rows in sizes}
    print(f"\n{'figure':<40}" + "".join(f"{rows:>16,}" for rows in sizes))
    for key in results[sizes[0]]:
        print(f"{key:<40}" + "".join(f"{results[rows][key]:>16,.1f}" for rows in sizes))
    _recreate_database(args.postgres)


if __name__ == "__main__":
    main()
