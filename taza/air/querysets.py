"""Read the air as pages show it: each post's state now, a city's, and a sensor's series.

Everything reads the hourly and daily means (and the sensors' newest reading), never the
raw readings: a city's page is a few queries whatever the size of the archive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from taza.air import indices
from taza.air.choices import PollutionGrade, PostKind
from taza.air.models import City, DailyValue, HourlyValue, NmuWarning, Post, Reading, Sensor
from taza.air.parameters import PARAMETERS

# A post whose newest reading is older than this is shown as late; older than a day, as
# offline (and its owner is told).
LATE_AFTER = timedelta(hours=3)
OFFLINE_AFTER = timedelta(hours=24)
# A sensor's sub-index is current while its hour is at most this old: the NowCast needs
# two of the three latest hours.
CURRENT_FOR = timedelta(hours=2)


@dataclass
class SensorNow:
    sensor: Sensor
    last_at: datetime | None
    last_value: float | None
    sub_index: int | None = None
    si: float | None = None  # today's highest reading over the one-time MPC

    @property
    def si_grade(self) -> PollutionGrade | None:
        return indices.si_grade(self.si) if self.si is not None else None


@dataclass
class PostNow:
    post: Post
    sensors: list[SensorNow] = field(default_factory=list)
    aqi: indices.Aqi | None = None
    last_at: datetime | None = None
    state: str = "offline"  # "online", "late" or "offline"

    @property
    def si_grade(self) -> PollutionGrade | None:
        return indices.worse(*(s.si_grade for s in self.sensors))


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def posts_now(posts: QuerySet[Post], now: datetime | None = None) -> list[PostNow]:
    """Return each post's sensors, current AQI, today's СИ grade and whether it is online.

    The sub-indices are the sensors' own (worked out when their means change); one is
    current while its hour is at most CURRENT_FOR old. Three queries for any number of
    posts.
    """
    now = now or timezone.now()
    listed = list(posts)
    # The sensors by post id, not prefetched onto the posts: a prefetch points each
    # sensor back at its post, a reference cycle that only Python's full collection
    # frees — 20–30 ms, every few calls, for a 600-sensor city (bench/README.md, "Air").
    sensors_of: dict[int, list[Sensor]] = {post.pk: [] for post in listed}
    for sensor in Sensor.objects.filter(post_id__in=list(sensors_of)).order_by("parameter", "pk"):
        sensors_of[sensor.post_id].append(sensor)
    sensor_ids = [s.pk for found in sensors_of.values() for s in found]
    fresh_from = _hour(now) - CURRENT_FOR
    today = timezone.localdate(now)
    highest = dict(
        DailyValue.objects.filter(sensor_id__in=sensor_ids, day=today).values_list(
            "sensor_id", "highest"
        )
    )
    result = []
    for post in listed:
        state = PostNow(post)
        sub: dict[str, int | None] = {}
        for sensor in sensors_of[post.pk]:
            current = (
                sensor.current_index
                if sensor.current_hour is not None and sensor.current_hour >= fresh_from
                else None
            )
            seen = SensorNow(sensor, sensor.last_at, sensor.last_value, current)
            if sensor.pk in highest:
                seen.si = indices.si(highest[sensor.pk], sensor.parameter)
            state.sensors.append(seen)
            if current is not None and (sub.get(sensor.parameter) or -1) < current:
                sub[sensor.parameter] = current
            if sensor.last_at and (state.last_at is None or sensor.last_at > state.last_at):
                state.last_at = sensor.last_at
        state.aqi = indices.aqi(sub)
        if state.last_at is not None and now - state.last_at <= LATE_AFTER:
            state.state = "online"
        elif state.last_at is not None and now - state.last_at <= OFFLINE_AFTER:
            state.state = "late"
        result.append(state)
    return result


def city_aqi(states: list[PostNow]) -> indices.Aqi | None:
    """Return a city's AQI: the highest of its posts' (as AirNow reports an area)."""
    found = [s.aqi for s in states if s.aqi is not None and s.state != "offline"]
    return max(found, key=lambda a: a.value) if found else None


def warnings_for(city: City, now: datetime | None = None) -> QuerySet[NmuWarning]:
    """Return the city's НМУ warnings in force now or announced for later."""
    now = now or timezone.now()
    return NmuWarning.objects.filter(
        city=city, ends_at__gt=now, cancelled_at__isnull=True
    ).order_by("starts_at")


def warnings_in_force(now: datetime | None = None) -> QuerySet[NmuWarning]:
    """Return every warning in force now, across cities."""
    now = now or timezone.now()
    return NmuWarning.objects.filter(
        starts_at__lte=now, ends_at__gt=now, cancelled_at__isnull=True
    ).select_related("city")


def hourly_series(
    sensor: Sensor, hours: int, now: datetime | None = None
) -> list[tuple[datetime, float | None]]:
    """Return the sensor's hourly means for the last hours, oldest first, gaps as None."""
    now = now or timezone.now()
    top = _hour(now)
    start = top - timedelta(hours=hours - 1)
    means = dict(
        HourlyValue.objects.filter(sensor=sensor, hour__gte=start, hour__lte=top).values_list(
            "hour", "mean"
        )
    )
    return [
        (start + timedelta(hours=i), means.get(start + timedelta(hours=i))) for i in range(hours)
    ]


def daily_series(
    sensor: Sensor, days: int, now: datetime | None = None
) -> list[tuple[date, float | None, int]]:
    """Return the sensor's daily means for the last days: (day, mean, hours covered)."""
    today = timezone.localdate(now or timezone.now())
    start = today - timedelta(days=days - 1)
    found = {
        d: (m, h)
        for d, m, h in DailyValue.objects.filter(sensor=sensor, day__gte=start).values_list(
            "day", "mean", "hours"
        )
    }
    return [
        (start + timedelta(days=i), *found.get(start + timedelta(days=i), (None, 0)))
        for i in range(days)
    ]


def cities_with_posts() -> QuerySet[City]:
    """Return the cities that have at least one post in service."""
    return City.objects.filter(Q(posts__active=True)).distinct().order_by("slug")


# A post counts as online on a day when one of its sensors covered this many hours of it.
ONLINE_DAY_HOURS = 18


def automatic_posts_online(day: date) -> dict[int, int]:
    """Count, per region, the automatic posts in service whose data was online on a day.

    Online means one sensor with at least ONLINE_DAY_HOURS hourly means that day: the
    figure measure 2 of the action plan ("more automated posts, with their data online")
    is judged by.
    """
    rows = (
        DailyValue.objects.filter(
            day=day,
            hours__gte=ONLINE_DAY_HOURS,
            sensor__post__active=True,
            sensor__post__kind=PostKind.AUTOMATIC,
        )
        .values_list("sensor__post__region_id", "sensor__post_id")
        .distinct()
    )
    counts: dict[int, int] = defaultdict(int)
    for region_id, _post_id in rows:
        counts[region_id] += 1
    return dict(counts)


def automatic_posts_registered() -> dict[int, int]:
    """Count, per region, the automatic posts in service in the registry."""
    rows = (
        Post.objects.filter(active=True, kind=PostKind.AUTOMATIC)
        .values("region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["region_id"]: row["n"] for row in rows}


def silent_posts(now: datetime | None = None) -> QuerySet[Post]:
    """Return the posts in service that have sent nothing for OFFLINE_AFTER or never."""
    now = now or timezone.now()
    recent = Sensor.objects.filter(last_at__gte=now - OFFLINE_AFTER).values("post_id")
    return Post.objects.filter(active=True).exclude(pk__in=recent).select_related("city")


@dataclass
class PollutantFigures:
    parameter: str
    highest: float
    readings: int
    above: int
    high_cases: int = 0
    extreme_cases: int = 0

    @property
    def si(self) -> float | None:
        return indices.si(self.highest, self.parameter)

    @property
    def np(self) -> float | None:
        return 100 * self.above / self.readings if self.readings else None

    @property
    def grade(self) -> PollutionGrade | None:
        return indices.worse(
            indices.si_grade(self.si) if self.si is not None else None,
            indices.np_grade(self.np) if self.np is not None else None,
        )


@dataclass
class CityIndices:
    since: date
    until: date
    pollutants: list[PollutantFigures]
    iza: float | None
    iza_grade: PollutionGrade | None


def city_indices(city: City, since: date, until: date) -> CityIndices:
    """Return Kazakhstan's figures for a city and period of local days, as bulletins give them.

    Per pollutant with a one-time MPC: the highest one-time reading (СИ), the share of
    readings above the MPC (НП), their grade, and the cases of high and extremely high
    pollution; ИЗА5 from the year up to ``until`` (means of the posts' daily means).
    """
    days = DailyValue.objects.filter(
        sensor__post__city=city, sensor__post__active=True, day__gte=since, day__lte=until
    )
    found: dict[str, PollutantFigures] = {}
    for parameter, highest, readings, above in (
        days.values("sensor__parameter")
        .annotate(h=Max("highest"), n=Sum("readings"), a=Sum("above_mpc"))
        .values_list("sensor__parameter", "h", "n", "a")
        .order_by()
    ):
        if PARAMETERS[parameter].mpc_once_ug and readings:
            found[parameter] = PollutantFigures(parameter, highest, readings, above or 0)
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    for parameter, figures in found.items():
        mpc = PARAMETERS[parameter].mpc_once_ug or 0
        counts = Reading.objects.filter(
            sensor__post__city=city,
            sensor__parameter=parameter,
            valid=True,
            observed_at__gte=start,
            observed_at__lt=end,
        ).aggregate(
            high=Count("id", filter=Q(value__gte=indices.HIGH_CASE_RATIO * mpc)),
            extreme=Count("id", filter=Q(value__gte=indices.EXTREME_CASE_RATIO * mpc)),
        )
        figures.extreme_cases = counts["extreme"]
        figures.high_cases = counts["high"] - counts["extreme"]
    yearly = dict(
        DailyValue.objects.filter(
            sensor__post__city=city,
            sensor__post__active=True,
            day__gt=until - timedelta(days=365),
            day__lte=until,
        )
        .values("sensor__parameter")
        .annotate(m=Avg("mean"))
        .values_list("sensor__parameter", "m")
        .order_by()
    )
    iza = indices.iza(yearly)
    return CityIndices(
        since,
        until,
        sorted(found.values(), key=lambda f: f.parameter),
        iza,
        indices.iza_grade(iza) if iza is not None else None,
    )
