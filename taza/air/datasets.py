"""What of the air is open data: hourly and daily means of every post in service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.air.models import DailyValue, HourlyValue
from taza.core.datasets import Column, Dataset, Row

# The hourly file holds this many days back; the daily file holds every day.
HOURLY_DAYS = 90

POST_COLUMNS = (
    Column("post", _("post code"), _("the post's page is /air/posts/CODE/")),
    Column("city", _("city code")),
    Column("region_code", _("region code"), _("ISO 3166-2, e.g. KZ75")),
    Column("parameter", _("parameter"), _("pm25, pm10, no2, so2, co, o3, h2s…")),
    Column("grade", _("sensor grade"), _("reference or indicative (low-cost)")),
)
METHOD = _(
    "Means of the valid readings that the posts sent (through the push API, files or "
    "OpenAQ), in µg/m³ whatever unit the sensor reports in (gases converted at 25 °C). "
    "Readings flagged negative, outside the instrument's range or stuck are left out; "
    "spikes are kept. A day is a local day (UTC+5); 'hours' says how many of its 24 "
    "hours had data. Indicative sensors are less accurate than reference ones. The "
    "readings are the operators' own; Taza checks their form, not their calibration."
)

SENSOR_FIELDS = (
    "sensor__post__code",
    "sensor__post__city__slug",
    "sensor__post__region__code",
    "sensor__parameter",
    "sensor__grade",
)


def _hourly() -> Iterator[Row]:
    since = timezone.now() - timedelta(days=HOURLY_DAYS)
    rows = (
        HourlyValue.objects.filter(hour__gte=since, sensor__post__active=True)
        .order_by("hour", "sensor_id")
        .values_list("hour", *SENSOR_FIELDS, "mean", "highest", "readings")
    )
    for hour, post, city, region, parameter, grade, mean, highest, count in rows.iterator(
        chunk_size=5000
    ):
        yield {
            "hour": hour,
            "post": post,
            "city": city,
            "region_code": region,
            "parameter": parameter,
            "grade": grade,
            "mean": round(mean, 3),
            "highest": round(highest, 3),
            "readings": count,
        }


def _daily() -> Iterator[Row]:
    rows = (
        DailyValue.objects.filter(sensor__post__active=True)
        .order_by("day", "sensor_id")
        .values_list("day", *SENSOR_FIELDS, "mean", "highest", "hours", "above_mpc")
    )
    for day, post, city, region, parameter, grade, mean, highest, hours, above in rows.iterator(
        chunk_size=5000
    ):
        yield {
            "day": day,
            "post": post,
            "city": city,
            "region_code": region,
            "parameter": parameter,
            "grade": grade,
            "mean": round(mean, 3),
            "highest": round(highest, 3),
            "hours": hours,
            "above_mpc": above,
        }


AIR_HOURLY = Dataset(
    slug="air-hourly",
    title=_("Air quality: hourly means (last 90 days)"),
    description=_("Every post's hourly mean and highest reading for each parameter."),
    methodology=METHOD,
    columns=(
        Column("hour", _("hour"), _("start of the hour, local time with its offset")),
        *POST_COLUMNS,
        Column("mean", _("mean, µg/m³")),
        Column("highest", _("highest reading, µg/m³")),
        Column("readings", _("readings in the hour")),
    ),
    rows=_hourly,
    keywords=("air", "PM2.5"),
    series=True,
)

AIR_DAILY = Dataset(
    slug="air-daily",
    title=_("Air quality: daily means"),
    description=_("Every post's daily mean, highest reading and hours covered, per parameter."),
    methodology=METHOD,
    columns=(
        Column("day", _("day"), _("local day")),
        *POST_COLUMNS,
        Column("mean", _("mean, µg/m³"), _("the mean of the day's hourly means")),
        Column("highest", _("highest reading, µg/m³")),
        Column("hours", _("hours with data"), _("coverage: 18 of 24 or more counts as online")),
        Column("above_mpc", _("readings above the one-time MPC"), _("for НП")),
    ),
    rows=_daily,
    keywords=("air",),
    series=True,
)
