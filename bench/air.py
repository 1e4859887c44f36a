"""Benchmark the air domain's ingest and page queries in PostgreSQL, beside COPY and DuckDB.

Ingest goes through the push API beside COPY of the same rows; the pages' queries run on
the hourly and daily means beside the same questions on the raw readings, in PostgreSQL
and in DuckDB.

Run from the repository root (it makes and drops the database ``taza_bench_air``):

    .venv/bin/python -m bench.air --readings 10000000 --sensors 3000

It registers ``--sensors`` sensors on posts in the twelve cities (Almaty the most), fills
``--readings`` hourly readings server-side (``generate_series``), builds the hourly and
daily means with two SQL statements, then measures, in the same run:

* **ingest**: batches of 5,000 readings POSTed to ``/api/v1/air/readings/`` under
  gunicorn (two workers, as ``script/run``) from two clients, readings/s and the p99 of
  a batch; beside it PostgreSQL ``COPY`` of the same rows into a copy of the table;
* **page queries** (p50/p99 in ms, 30 runs each): the latest values of every post of
  Almaty (the city page), one sensor's hourly chart for 30 days, Almaty's daily PM2.5
  AQI for a year; each on Taza's means, on the raw readings in PostgreSQL, and on the raw
  readings in DuckDB (loaded from a CSV export of the same rows).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.public import _recreate_database, start_server

BENCH_DB = "taza_bench_air"
PORT = 8767
BATCH = 5000
CITY_SHARE = {"almaty": 0.2}  # the rest spread evenly over the other cities


def _setup(base_url: str) -> None:
    os.environ["DATABASE_URL"] = f"{base_url.rstrip('/')}/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taza.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _registry(sensors: int) -> list[str]:
    """Create posts of five sensors each across the cities; return their tokens."""
    from taza.air.models import City, Post, Sensor
    from taza.air.services import issue_token
    from taza.core.actors import SYSTEM

    cities = list(City.objects.order_by("slug"))
    posts_needed = max(1, sensors // 5)
    almaty = int(posts_needed * CITY_SHARE["almaty"])
    others = [c for c in cities if c.slug != "almaty"]
    plan = [next(c for c in cities if c.slug == "almaty")] * almaty
    plan += [others[i % len(others)] for i in range(posts_needed - almaty)]
    posts = Post.objects.bulk_create(
        Post(
            code=f"bench-{i}",
            name_kk=f"b{i}",
            name_ru=f"b{i}",
            name_en=f"b{i}",
            city=city,
            region_id=city.region_id,
            lat=city.lat + (i % 50) * 0.001,
            lon=city.lon,
            kind="automatic",
            owner_kind="kazhydromet",
        )
        for i, city in enumerate(plan)
    )
    Sensor.objects.bulk_create(
        Sensor(post=post, parameter=parameter, unit="ug/m3", range_max=5000)
        for post in posts
        for parameter in ("pm25", "pm10", "no2", "so2", "co")
    )
    return [issue_token(actor=SYSTEM, post=post) for post in posts[:2]]


# The synthetic value of a sensor at an hour: the same expression fills the readings and
# their hourly means, so the two agree without aggregating the readings.
VALUE_SQL = "5 + 60 * abs(sin(s.id * 7.3 + extract(epoch FROM t) / 3600 * 0.37))"


def _fill(readings: int, now: datetime) -> tuple[int, float]:
    """Fill hourly readings, their hourly means and daily means; return (hours, seconds).

    The means are what the ingest keeps for every batch; here they are written by the
    same generator as the readings (one reading an hour: the hourly mean is the reading)
    and the daily means from a daily series, because aggregating 100 million readings in
    one GROUP BY took over 45 minutes on this machine (2026-12-06) and was stopped.
    """
    from django.db import connection

    from taza.air.models import Sensor

    sensors = Sensor.objects.count()
    hours = max(1, readings // sensors)
    started = time.perf_counter()
    series = (
        "generate_series(%s::timestamptz - make_interval(hours => %s - 1), %s::timestamptz, "
        "interval '1 hour') t"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO air_reading (sensor_id, observed_at, value, flags, valid, received_at) "
            f"SELECT s.id, t, {VALUE_SQL}, '', true, %s FROM air_sensor s, {series}",
            [now, now, hours, now],
        )
        cursor.execute(
            f"INSERT INTO air_hourlyvalue (sensor_id, hour, mean, highest, readings, above_mpc) "
            f"SELECT s.id, t, {VALUE_SQL}, {VALUE_SQL}, 1, 0 FROM air_sensor s, {series}",
            [now, hours, now],
        )
        cursor.execute(
            """
            INSERT INTO air_dailyvalue (sensor_id, day, mean, highest, hours, readings, above_mpc)
            SELECT s.id, d::date, 35, 65, 24, 24, 0
            FROM air_sensor s,
                 generate_series((%s::timestamptz AT TIME ZONE 'Asia/Almaty')::date - %s,
                                 (%s::timestamptz AT TIME ZONE 'Asia/Almaty')::date,
                                 interval '1 day') d
            """,
            [now, hours // 24, now],
        )
        cursor.execute("ANALYZE air_reading; ANALYZE air_hourlyvalue; ANALYZE air_dailyvalue")
    from taza.air.services import refresh_current

    refresh_current(list(Sensor.objects.values_list("pk", flat=True)))
    return hours, time.perf_counter() - started


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _timed(fn: Callable[[], Any], runs: int = 30) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return _percentiles(times)


def _batches(start: datetime, count: int) -> list[bytes]:
    """Make batches of readings older than the fill, one sensor's hours after another."""
    bodies = []
    for b in range(count):
        rows = []
        for i in range(BATCH):
            n = b * BATCH + i
            parameter = ("pm25", "pm10", "no2", "so2", "co")[n % 5]
            at = start - timedelta(hours=1 + n // 5)
            rows.append({"sensor": parameter, "time": at.isoformat(), "value": 10 + n % 37})
        bodies.append(json.dumps({"readings": rows}).encode())
    return bodies


def _ingest(base_url: str, tokens: list[str], start: datetime, batches: int) -> dict[str, float]:
    server = start_server(f"{base_url.rstrip('/')}/{BENCH_DB}", PORT)
    times: list[float] = []
    try:

        def client(token: str, bodies: list[bytes]) -> None:
            for body in bodies:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{PORT}/api/v1/air/readings/",
                    data=body,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                started = time.perf_counter()
                with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                    result = json.loads(answer.read())
                    if result["stored"] != BATCH:
                        raise SystemExit(f"a batch was not stored whole: {result}")
                times.append((time.perf_counter() - started) * 1000)

        work = [_batches(start, batches) for _ in tokens]
        threads = [
            threading.Thread(target=client, args=(t, w)) for t, w in zip(tokens, work, strict=True)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    p50, p99 = _percentiles(times)
    return {"rate": len(tokens) * batches * BATCH / elapsed, "p50": p50, "p99": p99}


def _copy_rate(rows: int) -> float:
    from django.db import connection

    buffer = io.StringIO()
    now = datetime.now(tz=UTC)
    for n in range(rows):
        at = (now - timedelta(hours=n // 5)).isoformat()
        buffer.write(f"{1 + n % 5}\t{at}\t{10 + n % 37}\t\tt\t{now.isoformat()}\n")
    data = buffer.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_copy (LIKE air_reading INCLUDING ALL)")
        started = time.perf_counter()
        with cursor.copy(
            "COPY bench_copy (sensor_id, observed_at, value, flags, valid, received_at) FROM STDIN"
        ) as copy:
            copy.write(data)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return rows / elapsed


def _queries(now: datetime) -> dict[str, dict[str, tuple[float, float]]]:
    from django.db import connection
    from django.db.models import Max

    from taza.air.indices import sub_index
    from taza.air.models import DailyValue, Post, Sensor
    from taza.air.querysets import hourly_series, posts_now

    almaty = Post.objects.filter(city__slug="almaty", active=True).select_related("city")
    sensor = (
        Sensor.objects.filter(post__city__slug="almaty", parameter="pm25").order_by("pk").first()
    )
    if sensor is None:
        raise SystemExit("no PM2.5 sensor in Almaty")
    year_ago = (now - timedelta(days=365)).date()

    def city_year() -> list[int | None]:
        # The worst post of each day, taken by the database: 365 rows come back, not the
        # 43,800 daily means of 120 posts (which cost 111 ms p50 at 10⁸ readings in Python).
        worst = (
            DailyValue.objects.filter(
                sensor__post__city__slug="almaty", sensor__parameter="pm25", day__gte=year_ago
            )
            .values("day")
            .annotate(worst=Max("mean"))
            .order_by("day")
            .values_list("worst", flat=True)
        )
        return [sub_index("pm25", value) for value in worst]

    def raw(sql: str, params: list[Any]) -> Callable[[], Any]:
        def run() -> Any:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return run

    taza = {
        "city's latest values": _timed(lambda: posts_now(almaty, now)),
        "a sensor's 30-day hourly chart": _timed(lambda: hourly_series(sensor, 720, now)),
        "city's daily AQI for a year": _timed(city_year),
    }
    ids = list(Sensor.objects.filter(post__city__slug="almaty").values_list("pk", flat=True))
    pm = list(
        Sensor.objects.filter(post__city__slug="almaty", parameter="pm25").values_list(
            "pk", flat=True
        )
    )
    postgres = {
        "city's latest values": _timed(
            raw(
                "SELECT DISTINCT ON (sensor_id) sensor_id, observed_at, value "
                "FROM air_reading WHERE sensor_id = ANY(%s) AND observed_at > %s "
                "ORDER BY sensor_id, observed_at DESC",
                [ids, now - timedelta(hours=24)],
            )
        ),
        "a sensor's 30-day hourly chart": _timed(
            raw(
                "SELECT date_trunc('hour', observed_at), avg(value) FROM air_reading "
                "WHERE sensor_id = %s AND observed_at > %s GROUP BY 1 ORDER BY 1",
                [sensor.pk, now - timedelta(days=30)],
            )
        ),
        "city's daily AQI for a year": _timed(
            raw(
                "SELECT d, max(m) FROM (SELECT sensor_id, "
                "(observed_at AT TIME ZONE 'Asia/Almaty')::date d, "
                "avg(value) m FROM air_reading WHERE sensor_id = ANY(%s) AND observed_at > %s "
                "GROUP BY 1, 2) x GROUP BY d ORDER BY d",
                [pm, now - timedelta(days=365)],
            ),
            runs=5,
        ),
    }
    return {"Taza (means)": taza, "PostgreSQL raw": postgres, **_duckdb(ids, pm, sensor.pk, now)}


def _duckdb(
    ids: list[int], pm: list[int], sensor_id: int, now: datetime
) -> dict[str, dict[str, tuple[float, float]]]:
    import duckdb
    from django.db import connection

    folder = Path(tempfile.mkdtemp(prefix="taza-bench-air-"))
    export = folder / "readings.csv"
    started = time.perf_counter()
    sql = (
        "COPY (SELECT sensor_id, observed_at AT TIME ZONE 'UTC', value FROM air_reading) "
        "TO STDOUT WITH CSV"
    )
    with connection.cursor() as cursor, open(export, "wb") as out, cursor.copy(sql) as copy:
        for chunk in copy:
            out.write(chunk)
    db = duckdb.connect()
    db.execute(
        f"CREATE TABLE r AS SELECT * FROM read_csv('{export}', columns={{'sensor_id': 'INTEGER', "
        "'observed_at': 'TIMESTAMP', 'value': 'DOUBLE'})"
    )
    print(f"DuckDB: exported and loaded the readings in {time.perf_counter() - started:.0f} s")
    export.unlink()
    naive = now.astimezone(UTC).replace(tzinfo=None)

    def q(sql: str, params: list[Any]) -> Callable[[], Any]:
        return lambda: db.execute(sql, params).fetchall()

    return {
        "DuckDB raw": {
            "city's latest values": _timed(
                q(
                    "SELECT sensor_id, max(observed_at), arg_max(value, observed_at) FROM r "
                    "WHERE list_contains(?, sensor_id) AND observed_at > ? GROUP BY 1",
                    [ids, naive - timedelta(hours=24)],
                )
            ),
            "a sensor's 30-day hourly chart": _timed(
                q(
                    "SELECT date_trunc('hour', observed_at) h, avg(value) FROM r "
                    "WHERE sensor_id = ? AND observed_at > ? GROUP BY 1 ORDER BY 1",
                    [sensor_id, naive - timedelta(days=30)],
                )
            ),
            "city's daily AQI for a year": _timed(
                q(
                    "SELECT d, max(m) FROM (SELECT sensor_id, "
                    "CAST(observed_at + INTERVAL 5 HOUR AS DATE) d, avg(value) m "
                    "FROM r WHERE list_contains(?, sensor_id) AND observed_at > ? "
                    "GROUP BY 1, 2) GROUP BY d ORDER BY d",
                    [pm, naive - timedelta(days=365)],
                )
            ),
        }
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readings", type=int, default=10_000_000)
    parser.add_argument("--sensors", type=int, default=3000)
    parser.add_argument("--batches", type=int, default=20, help="ingest batches per client")
    parser.add_argument(
        "--base-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure on the database the last run filled (the fill takes an hour at 10⁸)",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"
    )
    if args.reuse:
        _setup(args.base_url)
        tokens, now, start, total = _reused()
        print(f"reusing {total:,} readings; the series ends at {now:%Y-%m-%d %H:%M} UTC")
    else:
        _recreate_database(args.base_url, BENCH_DB)
        _setup(args.base_url)
        from django.core.management import call_command

        from taza.air.services import load_cities
        from taza.bodies.services import load_bodies
        from taza.geo.services import load_territories

        call_command("migrate", verbosity=0)
        load_territories()
        load_bodies()
        load_cities()
        tokens = _registry(args.sensors)
        now = datetime.now(tz=UTC).replace(minute=0, second=0, microsecond=0)
        hours, seconds = _fill(args.readings, now)
        from taza.air.models import Reading

        total = Reading.objects.count()
        start = now - timedelta(hours=hours)
        print(
            f"filled {total:,} readings ({hours:,} hours of {args.sensors:,} sensors) "
            f"and the means in {seconds:.0f} s"
        )
    pushed = _ingest(args.base_url, tokens, start, args.batches)
    copied = _copy_rate(len(tokens) * args.batches * BATCH)
    print(f"\ningest, {len(tokens)} clients, batches of {BATCH:,}")
    print(
        f"  push API   {pushed['rate']:>10,.0f} readings/s   "
        f"batch p50 {pushed['p50']:.0f} ms, p99 {pushed['p99']:.0f} ms"
    )
    print(f"  COPY       {copied:>10,.0f} readings/s")
    # As a web worker does once warm (taza/core/collector.py): what this process holds
    # for good leaves the collector's sight, so a full collection does not walk it.
    gc.collect()
    gc.freeze()
    results = _queries(now)
    print(f"\nqueries at {total:,} readings, p50 / p99 ms")
    names = list(next(iter(results.values())))
    print(f"{'':34}" + "".join(f"{engine:>22}" for engine in results))
    for name in names:
        cells = "".join(
            f"{results[e][name][0]:>11.1f} /{results[e][name][1]:>8.1f}" for e in results
        )
        print(f"{name:34}{cells}")
    print(f"\ntable sizes: {_sizes()}")


def _reused() -> tuple[list[str], datetime, datetime, int]:
    """Return new tokens of the two ingesting posts, the series' end, where to ingest, size.

    Each end is read from one sensor's unique index (no scan of the readings); the total
    is the planner's estimate, as a count would read every row.
    """
    from django.db import connection

    from taza.air.models import Post, Reading, Sensor
    from taza.air.services import issue_token
    from taza.core.actors import SYSTEM

    posts = list(Post.objects.filter(code__in=["bench-0", "bench-1"]).order_by("code"))
    tokens = [issue_token(actor=SYSTEM, post=post) for post in posts]
    firsts, lasts = [], []
    for sensor in Sensor.objects.filter(post__in=posts):
        readings = Reading.objects.filter(sensor=sensor).values_list("observed_at", flat=True)
        firsts.append(readings.order_by("observed_at").first())
        lasts.append(readings.order_by("-observed_at").first())
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'air_reading'")
        total = int(cursor.fetchone()[0])
    return tokens, max(d for d in lasts if d), min(d for d in firsts if d), total


def _sizes() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
            "WHERE relname IN ('air_reading', 'air_hourlyvalue', 'air_dailyvalue') ORDER BY 1"
        )
        return ", ".join(f"{name} {size}" for name, size in cursor.fetchall())


if __name__ == "__main__":
    main()
