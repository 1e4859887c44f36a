"""Store checked readings and rebuild their means: bulk SQL on PostgreSQL, the ORM elsewhere.

What is valid and how a mean is made is decided in ``services``; this module only moves
rows. On PostgreSQL the readings go in through ``COPY`` into a temporary table and one
``INSERT … ON CONFLICT DO NOTHING`` (so a resent reading is skipped by the unique index,
also when two batches race), and each mean is one ``INSERT … SELECT … ON CONFLICT DO
UPDATE`` over the hours and days touched. The ORM path (SQLite, the embedded default)
computes the same means in Python. ``test_storage`` checks that both agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from taza.air.models import DailyValue, HourlyValue, Reading, Sensor
from taza.air.parameters import PARAMETERS
from taza.core.dates import local_day


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def insert_readings(readings: Sequence[Reading]) -> int:
    """Insert readings, skipping any already stored; return how many were inserted."""
    if not readings:
        return 0
    if not _postgres():
        # Counted over the batch's sensors and span only (the index serves it), not the
        # whole table, which every batch would otherwise scan twice.
        span = Reading.objects.filter(
            sensor_id__in={r.sensor_id for r in readings},
            observed_at__gte=min(r.observed_at for r in readings),
            observed_at__lte=max(r.observed_at for r in readings),
        )
        before = span.count()
        Reading.objects.bulk_create(readings, batch_size=5000, ignore_conflicts=True)
        return span.count() - before
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS air_reading_in (sensor_id integer, observed_at "
            "timestamptz, value double precision, flags varchar(60), valid boolean)"
        )
        cursor.execute("TRUNCATE air_reading_in")
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(
            "COPY air_reading_in (sensor_id, observed_at, value, flags, valid) FROM STDIN"
        ) as copy:
            for r in readings:
                copy.write_row((r.sensor_id, r.observed_at, r.value, r.flags, r.valid))
        cursor.execute(
            "INSERT INTO air_reading (sensor_id, observed_at, value, flags, valid, received_at) "
            "SELECT sensor_id, observed_at, value, flags, valid, %s FROM air_reading_in "
            "ON CONFLICT (sensor_id, observed_at) DO NOTHING",
            [now],
        )
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE air_reading_in")
    return int(inserted)


def rebuild_means(touched: Mapping[int, Iterable[datetime]]) -> None:
    """Recompute the means of the (sensor, hour) pairs given and of their local days."""
    hours = {sensor_id: sorted(set(found)) for sensor_id, found in touched.items() if found}
    if not hours:
        return
    if _postgres():
        _hours_sql(hours)
        _days_sql({sid: {local_day(h) for h in found} for sid, found in hours.items()})
        return
    for sensor_id, found in hours.items():
        _hours_orm(sensor_id, found)
        _days_orm(sensor_id, {local_day(h) for h in found})


def _mpc(sensor_ids: Iterable[int]) -> dict[int, float | None]:
    parameters = dict(Sensor.objects.filter(pk__in=list(sensor_ids)).values_list("pk", "parameter"))
    return {pk: PARAMETERS[p].mpc_once_ug for pk, p in parameters.items()}


def _hours_sql(hours: dict[int, list[datetime]]) -> None:
    mpc = _mpc(hours)
    ids: list[int] = []
    starts: list[datetime] = []
    limits: list[float | None] = []
    for sensor_id, found in hours.items():
        ids += [sensor_id] * len(found)
        starts += found
        limits += [mpc.get(sensor_id)] * len(found)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO air_hourlyvalue (sensor_id, hour, mean, highest, readings, above_mpc)
            SELECT t.sensor_id, t.hour, m.mean, m.highest, m.readings, m.above_mpc
            FROM unnest(%s::integer[], %s::timestamptz[], %s::double precision[])
                 AS t(sensor_id, hour, mpc)
            CROSS JOIN LATERAL (
                SELECT avg(r.value) AS mean, max(r.value) AS highest, count(*) AS readings,
                       count(*) FILTER (WHERE r.value > t.mpc) AS above_mpc
                FROM air_reading r
                WHERE r.sensor_id = t.sensor_id AND r.valid
                  AND r.observed_at >= t.hour AND r.observed_at < t.hour + interval '1 hour'
            ) m
            WHERE m.readings > 0
            ON CONFLICT (sensor_id, hour) DO UPDATE SET mean = EXCLUDED.mean,
                 highest = EXCLUDED.highest, readings = EXCLUDED.readings,
                 above_mpc = EXCLUDED.above_mpc
            """,
            [ids, starts, limits],
        )


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    return start, end


def _days_sql(days: dict[int, set[date]]) -> None:
    ids: list[int] = []
    found: list[date] = []
    starts: list[datetime] = []
    ends: list[datetime] = []
    for sensor_id, wanted in days.items():
        for day in sorted(wanted):
            start, end = _bounds(day)
            ids.append(sensor_id)
            found.append(day)
            starts.append(start)
            ends.append(end)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO air_dailyvalue (sensor_id, day, mean, highest, hours, readings, above_mpc)
            SELECT t.sensor_id, t.day, m.mean, m.highest, m.hours, m.readings, m.above_mpc
            FROM unnest(%s::integer[], %s::date[], %s::timestamptz[], %s::timestamptz[])
                 AS t(sensor_id, day, starts, ends)
            CROSS JOIN LATERAL (
                SELECT avg(h.mean) AS mean, max(h.highest) AS highest, count(*) AS hours,
                       sum(h.readings) AS readings, sum(h.above_mpc) AS above_mpc
                FROM air_hourlyvalue h
                WHERE h.sensor_id = t.sensor_id AND h.hour >= t.starts AND h.hour < t.ends
            ) m
            WHERE m.hours > 0
            ON CONFLICT (sensor_id, day) DO UPDATE SET mean = EXCLUDED.mean,
                 highest = EXCLUDED.highest, hours = EXCLUDED.hours,
                 readings = EXCLUDED.readings, above_mpc = EXCLUDED.above_mpc
            """,
            [ids, found, starts, ends],
        )


def _hours_orm(sensor_id: int, hours: list[datetime]) -> None:
    mpc = _mpc([sensor_id]).get(sensor_id)
    buckets: dict[datetime, list[float]] = defaultdict(list)
    wanted = set(hours)
    for at, value in Reading.objects.filter(
        sensor_id=sensor_id,
        valid=True,
        observed_at__gte=hours[0],
        observed_at__lt=hours[-1] + timedelta(hours=1),
    ).values_list("observed_at", "value"):
        hour = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        if hour in wanted:
            buckets[hour].append(value)
    for chunk in _chunks(hours, 500):
        HourlyValue.objects.filter(sensor_id=sensor_id, hour__in=chunk).delete()
    HourlyValue.objects.bulk_create(
        [
            HourlyValue(
                sensor_id=sensor_id,
                hour=hour,
                mean=sum(values) / len(values),
                highest=max(values),
                readings=len(values),
                above_mpc=sum(1 for v in values if mpc and v > mpc),
            )
            for hour, values in buckets.items()
        ],
        batch_size=5000,
    )


def _days_orm(sensor_id: int, days: set[date]) -> None:
    start, _ = _bounds(min(days))
    _, end = _bounds(max(days))
    buckets: dict[date, list[HourlyValue]] = defaultdict(list)
    for hour in HourlyValue.objects.filter(sensor_id=sensor_id, hour__gte=start, hour__lt=end):
        day = local_day(hour.hour)
        if day in days:
            buckets[day].append(hour)
    for chunk in _chunks(sorted(days), 500):
        DailyValue.objects.filter(sensor_id=sensor_id, day__in=chunk).delete()
    DailyValue.objects.bulk_create(
        [
            DailyValue(
                sensor_id=sensor_id,
                day=day,
                mean=sum(h.mean for h in found) / len(found),
                highest=max(h.highest for h in found),
                hours=len(found),
                readings=sum(h.readings for h in found),
                above_mpc=sum(h.above_mpc for h in found),
            )
            for day, found in buckets.items()
        ],
        batch_size=5000,
    )


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
