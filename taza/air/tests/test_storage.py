"""The bulk SQL path (PostgreSQL) and the ORM path compute the same means.

On PostgreSQL ingest takes the SQL path; this test then rebuilds the same means through
the ORM path and requires identical rows. (On SQLite both runs take the ORM path.)
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from taza.air import storage
from taza.air.models import DailyValue, HourlyValue
from taza.air.services import ingest
from taza.core.dates import local_day


def _snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    hours = list(
        HourlyValue.objects.order_by("sensor_id", "hour").values_list(
            "sensor_id", "hour", "mean", "highest", "readings", "above_mpc"
        )
    )
    days = list(
        DailyValue.objects.order_by("sensor_id", "day").values_list(
            "sensor_id", "day", "mean", "highest", "hours", "readings", "above_mpc"
        )
    )
    return hours, days


def test_both_paths_agree(station):
    post, _token = station
    start = datetime(2026, 1, 14, 17, 0, tzinfo=UTC)  # across a local midnight (UTC+5)
    rows = [
        {
            "sensor": "pm25",
            "time": (start + timedelta(minutes=20 * n)).isoformat(),
            "value": 100 + n * 7 % 90,
        }
        for n in range(40)
    ] + [
        {"sensor": "no2", "time": (start + timedelta(hours=n)).isoformat(), "value": 50 + n}
        for n in range(10)
    ]
    ingest(post, rows, now=start + timedelta(days=2))
    first = _snapshot()
    HourlyValue.objects.all().delete()
    DailyValue.objects.all().delete()
    for sensor in post.sensors.all():
        hours = sorted({h for s, h, *_ in first[0] if s == sensor.pk})
        storage._hours_orm(sensor.pk, hours)
        storage._days_orm(sensor.pk, {local_day(h) for h in hours})
    second = _snapshot()
    assert [r[:2] for r in first[0]] == [r[:2] for r in second[0]]
    for a, b in zip(first[0] + first[1], second[0] + second[1], strict=True):
        assert a[2] == pytest.approx(b[2]) and a[3:] == b[3:]
    assert any(r[5] > 0 for r in first[0])  # readings above the one-time MPC counted


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_twice_at_once_is_stored_once():
    """Two workers take the same batch at the same moment: the unique index decides."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    from taza.air.models import City, Reading
    from taza.air.services import add_sensor, create_post, load_cities
    from taza.core.actors import SYSTEM
    from taza.geo.services import load_territories

    load_territories()
    load_cities()
    post = create_post(
        actor=SYSTEM,
        city=City.objects.get(slug="almaty"),
        code="race",
        name_kk="r",
        name_ru="r",
        name_en="r",
        lat=43.24,
        lon=76.9,
        kind="automatic",
        owner_kind="akimat",
    )
    add_sensor(actor=SYSTEM, post=post, parameter="pm25")
    start = datetime(2026, 1, 10, tzinfo=UTC)
    rows = [
        {
            "sensor": "pm25",
            "time": (start + timedelta(minutes=10 * n)).isoformat(),
            "value": 5 + n % 9,
        }
        for n in range(600)
    ]
    results = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(ingest(post, rows, now=start + timedelta(days=10)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Reading.objects.filter(sensor__post=post).count() == 600
    assert sum(r.stored for r in results) == 600
    assert sum(r.duplicates for r in results) == 600
    assert HourlyValue.objects.filter(sensor__post=post).count() == 100
