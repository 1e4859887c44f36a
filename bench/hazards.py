"""Benchmark the hazards domain: a day of FIRMS hotspots, and a year of river gauges.

Run from the repository root (it makes and drops the database ``taza_bench_hazards``):

    .venv/bin/python -m bench.hazards --hotspots 30000 --gauges 400

In the same run:

* **a day of hotspots**: ``--hotspots`` VIIRS detections over FIRMS's Central Asia box
  (46–88° E, 40–56° N) as FIRMS's area CSV, shaped like a summer day (fires of a few to
  a few dozen pixels, most of them outside Kazakhstan, some low-confidence, a gas flare);
  Taza parses, filters, locates, clusters into fire events and routes them
  (``parse`` + ``ingest``), then tells the responders (the on-commit alert, by e-mail to
  an in-memory outbox, for 40 staff). Beside it, ``pandas.read_csv`` of the same file:
  the floor of reading it at all. Then the same file again (every row a duplicate).
* **a year of gauges**: ``--gauges`` automatic gauges with a year of hourly readings
  (filled server-side), then batches of one new hour for every gauge through
  ``ingest_levels`` (each reading checked, stored, the gauge's level, trend and forecast
  recomputed); beside it one plain SQL query of every gauge's latest level and its 24-hour
  ``regr_slope``.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench.public import _recreate_database

BENCH_DB = "taza_bench_hazards"
HEADER = (
    "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,"
    "confidence,version,bright_ti5,frp,daynight"
)


def _setup(base_url: str) -> None:
    os.environ["DATABASE_URL"] = f"{base_url.rstrip('/')}/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taza.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()


TOLD: list[float] = []


def mark_told(event_ids: list[int]) -> None:
    """Note when the fire notifiers before this one have run (a TAZA_FIRE_NOTIFIERS hook)."""
    TOLD.append(time.perf_counter())


def _day_csv(count: int, day: datetime, rng: random.Random) -> str:
    """Write a summer day of VIIRS hotspots over Central Asia, as FIRMS's area CSV."""
    lines = [HEADER]
    passes = [day + timedelta(hours=h, minutes=m) for h, m in ((7, 50), (9, 30), (20, 10))]
    while len(lines) <= count:
        # A fire: a centre anywhere in the box (Kazakhstan is about a third of it), and
        # 1 to 40 pixels around it over the day's passes.
        lat, lon = rng.uniform(40.5, 55.5), rng.uniform(46.5, 87.5)
        for _ in range(min(rng.choice((1, 2, 3, 5, 8, 13, 21, 40)), count + 1 - len(lines))):
            at = rng.choice(passes)
            confidence = rng.choices(("l", "n", "h"), weights=(1, 6, 2))[0]
            lines.append(
                f"{lat + rng.gauss(0, 0.004):.5f},{lon + rng.gauss(0, 0.004):.5f},"
                f"{rng.uniform(300, 367):.2f},0.39,0.36,{at:%Y-%m-%d},{at:%H%M},"
                f"{rng.choice(('N', 'N20', 'N21'))},VIIRS,{confidence},2.0NRT,"
                f"{rng.uniform(270, 300):.2f},{rng.uniform(0.5, 60):.2f},D"
            )
    return "\n".join(lines) + "\n"


def _staff(count: int) -> None:
    """Make operators of akimats and emergency departments with e-mail, to be told."""
    from taza.accounts.models import Role
    from taza.accounts.services import assign_role, create_person
    from taza.bodies.models import Body, BodyKind
    from taza.core.actors import SYSTEM

    bodies = list(
        Body.objects.filter(
            kind__in=(BodyKind.REGIONAL_AKIMAT, BodyKind.EMERGENCY_DEPARTMENT)
        ).order_by("code")
    )[:count]
    for i, body in enumerate(bodies):
        user = create_person(
            actor=SYSTEM,
            username=f"staff{i}",
            password="bench-pass-2026",  # noqa: S106 (a benchmark's throwaway database)
            first_name="Staff",
            email=f"staff{i}@example.kz",
        )
        assign_role(actor=SYSTEM, user=user, role=Role.OPERATOR, body=body)


def _hotspots(count: int, rng: random.Random) -> None:
    import pandas as pd
    from django.core import mail
    from django.urls import reverse

    from taza.hazards.firms import parse
    from taza.hazards.models import FireEvent
    from taza.hazards.services import ingest

    # A running worker has its URLs and the boundaries loaded; this process loads them now.
    reverse("hazards:fires")
    from taza.geo.lookup import reaching_locator
    from taza.hazards.services import BUFFER_M

    reaching_locator(BUFFER_M)
    day = datetime(2026, 7, 20, tzinfo=UTC)
    text = _day_csv(count, day, rng)
    started = time.perf_counter()
    frame = pd.read_csv(io.StringIO(text))
    pandas_s = time.perf_counter() - started
    mail.outbox = []
    started = time.perf_counter()
    parsed = parse(text)
    parsed_s = time.perf_counter() - started
    from django.conf import settings

    # The last notifier marks when the responders have been told (the e-mails written).
    settings.TAZA_FIRE_NOTIFIERS = [*settings.TAZA_FIRE_NOTIFIERS, "bench.hazards.mark_told"]
    result = ingest(parsed.hotspots, source="VIIRS_SNPP_NRT")
    done = time.perf_counter()
    total_s = done - started
    from bench import hazards as hooked  # the hook's module (this one runs as __main__)

    alert_s = (hooked.TOLD[0] - started) if hooked.TOLD else float("nan")
    print(f"\na day of hotspots: {len(frame):,} rows, {len(text) / 1e6:.1f} MB of CSV")
    print(f"  pandas.read_csv                    {pandas_s * 1000:>9.0f} ms")
    print(f"  Taza parse                         {parsed_s * 1000:>9.0f} ms")
    print(
        f"  Taza parse + filter + locate + cluster + route + tell  {total_s:>6.1f} s  "
        f"({len(parsed.hotspots) / total_s:,.0f} hotspots/s)"
    )
    print(f"  responders told (e-mails written)  {alert_s:>9.1f} s after the file was read")
    print(
        f"  kept {result.new - sum(result.dropped.values()):,}, dropped "
        f"{dict(result.dropped)}, {len(result.events_new):,} fire events "
        f"({FireEvent.objects.count():,} in all), {result.events_merged} merged; "
        f"{len(mail.outbox)} e-mails"
    )
    started = time.perf_counter()
    again = ingest(parse(text).hotspots, source="VIIRS_NOAA20_NRT")
    print(
        f"  the same file again: {again.repeated:,} duplicates, {again.new} new, "
        f"{time.perf_counter() - started:.1f} s"
    )


def _gauges(count: int, hours: int, batches: int) -> None:
    from django.db import connection

    from taza.core.actors import SYSTEM
    from taza.geo.models import Region
    from taza.hazards.models import Gauge, LevelReading
    from taza.hazards.services import ingest_levels

    del SYSTEM
    regions = list(Region.objects.order_by("code"))
    gauges = [
        Gauge(
            code=f"g{i:04d}",
            river_kk="Өзен",
            river_ru="Река",
            river_en="River",
            name_kk=f"Бекет {i}",
            name_ru=f"Пост {i}",
            name_en=f"Gauge {i}",
            lat=48.0,
            lon=68.0,
            region=regions[i % len(regions)],
            danger_cm=600,
            critical_cm=700,
            automatic=True,
        )
        for i in range(count)
    ]
    Gauge.objects.bulk_create(gauges)
    now = datetime.now(tz=UTC).replace(minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO hazards_levelreading
                (gauge_id, observed_at, level_cm, discharge_m3s, ice, implausible, received_at)
            SELECT g.id, t,
                   300 + 150 * sin(extract(epoch FROM t) / 86400 / 58 + g.id) + random() * 4,
                   NULL, '', false, t
            FROM hazards_gauge g,
                 generate_series(%s::timestamptz - make_interval(hours => %s), %s::timestamptz
                                 - interval '1 hour', interval '1 hour') t
            """,
            [now, hours, now],
        )
        cursor.execute("ANALYZE hazards_levelreading")
    fill_s = time.perf_counter() - started
    total = LevelReading.objects.count()
    print(f"\ngauges: {count} with {total:,} hourly readings, filled in {fill_s:.0f} s")
    per_batch = []
    for b in range(batches):
        at = now + timedelta(hours=b)
        started = time.perf_counter()
        for gauge in Gauge.objects.all():
            ingest_levels(
                gauge,
                [{"time": at.isoformat(), "level_cm": 320 + b}],
                now=at + timedelta(minutes=5),
            )
        per_batch.append(time.perf_counter() - started)
    print(
        f"  a batch (one new hour for every gauge, each checked, stored, its level, trend "
        f"and forecast recomputed): median {statistics.median(per_batch):.2f} s, "
        f"worst {max(per_batch):.2f} s over {batches} batches"
    )
    sql = """
        SELECT g.id, max(r.level_cm) FILTER (WHERE r.observed_at = last.at),
               regr_slope(r.level_cm, extract(epoch FROM r.observed_at) / 3600)
        FROM hazards_gauge g
        JOIN LATERAL (SELECT max(observed_at) AS at FROM hazards_levelreading
                      WHERE gauge_id = g.id) last ON true
        JOIN hazards_levelreading r
          ON r.gauge_id = g.id AND r.observed_at > last.at - interval '24 hours'
        GROUP BY g.id
    """
    times = []
    for _ in range(10):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
        times.append(time.perf_counter() - started)
    print(
        f"  plain SQL: every gauge's latest level and 24-hour slope, median "
        f"{statistics.median(times) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hotspots", type=int, default=30_000)
    parser.add_argument("--gauges", type=int, default=400)
    parser.add_argument("--hours", type=int, default=24 * 365)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument(
        "--base-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    args = parser.parse_args()
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    _recreate_database(args.base_url, BENCH_DB)
    _setup(args.base_url)
    from django.core.management import call_command

    from taza.bodies.services import load_bodies
    from taza.core.actors import SYSTEM
    from taza.demo.hazards import DEMO_AREAS
    from taza.geo.services import load_territories
    from taza.hazards.services import import_areas

    call_command("migrate", verbosity=0)
    load_territories()
    load_bodies()
    import_areas(DEMO_AREAS.read_bytes(), actor=SYSTEM)
    _staff(40)
    _hotspots(args.hotspots, random.Random(2026))
    _gauges(args.gauges, args.hours, args.batches)


if __name__ == "__main__":
    main()
