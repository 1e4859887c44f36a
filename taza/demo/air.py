"""Demo air-quality network shaped like Kazhydromet's: posts, a year of means, faults, НМУ.

Automatic posts in the cities where Kazhydromet has them (Almaty 11, Karaganda 4,
Oskemen 2…), a community sensor in Almaty, and a manual-sampling post or two. The last
two days arrive as readings through the ingest service (so the hourly and daily means,
the flags and the posts' states are Taza's own); the year before is written as daily
means and the last two weeks as hourly means directly, to stay within script/run's time.
The shape: a daily cycle with morning and evening peaks, a winter heating season, and
Almaty's winter smog; two posts offline, one stuck sensor, one negative reading.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from django.utils import timezone

from taza.air.choices import OwnerKind, PostKind, SensorGrade, Unit
from taza.air.models import City, DailyValue, HourlyValue, Post, Sensor
from taza.air.services import add_sensor, create_post, declare_nmu, ingest, issue_token, load_cities
from taza.bodies.models import Body
from taza.core.actors import SYSTEM

# City: (automatic posts, winter PM2.5 level in µg/m³, summer level).
NETWORK = {
    "almaty": (11, 95.0, 18.0),
    "astana": (5, 45.0, 12.0),
    "shymkent": (4, 40.0, 20.0),
    "karaganda": (4, 55.0, 14.0),
    "temirtau": (3, 50.0, 15.0),
    "balkhash": (1, 30.0, 12.0),
    "oskemen": (2, 60.0, 15.0),
    "pavlodar": (3, 35.0, 12.0),
    "aktobe": (3, 30.0, 12.0),
    "atyrau": (3, 25.0, 14.0),
    "zhezkazgan": (1, 25.0, 10.0),
    "kyzylorda": (2, 25.0, 16.0),
}
# Other pollutants as a share of PM2.5 (µg/m³), roughly as urban posts show them.
SHARE = {"pm10": 1.7, "no2": 0.9, "so2": 0.5, "co": 25.0}
PARAMETERS = ("pm25", "pm10", "no2", "so2", "co")
HOURLY_DAYS = 14
INGEST_HOURS = 48


def _level(rng: random.Random, at: datetime, winter: float, summer: float) -> float:
    local = timezone.localtime(at)
    season = (1 + math.cos(2 * math.pi * (local.timetuple().tm_yday - 15) / 365)) / 2
    base = summer + (winter - summer) * season
    hour = local.hour
    daily = 1 + 0.45 * math.exp(-((hour - 9) ** 2) / 6) + 0.7 * math.exp(-((hour - 21) ** 2) / 8)
    daily -= 0.35 * math.exp(-((hour - 15) ** 2) / 10)
    return max(0.5, base * daily * rng.lognormvariate(0, 0.25))


def _posts() -> list[Post]:
    cities = {c.slug: c for c in City.objects.all()}
    ministry = Body.objects.filter(code="MEPR").first()  # Kazhydromet reports to it
    posts = []
    for slug, (count, _w, _s) in NETWORK.items():
        city = cities.get(slug)
        if city is None:
            continue
        for n in range(1, count + 1):
            angle, radius = 2.4 * n, 0.012 * math.sqrt(n)
            post = Post.objects.filter(code=f"{slug}-{n}").first() or create_post(
                actor=SYSTEM,
                city=city,
                code=f"{slug}-{n}",
                name_kk=f"{city.name_kk}, №{n} бекет",
                name_ru=f"{city.name_ru}, пост №{n}",
                name_en=f"{city.name_en}, post {n}",
                lat=round(city.lat + radius * math.sin(angle), 5),
                lon=round(city.lon + radius * math.cos(angle), 5),
                kind=PostKind.AUTOMATIC,
                owner_kind=OwnerKind.KAZHYDROMET,
                owner_name="РГП «Казгидромет»",
                owner_body=ministry,
            )
            if not post.sensors.exists():
                for parameter in PARAMETERS[: 5 if n <= 2 else 3]:
                    add_sensor(
                        actor=SYSTEM,
                        post=post,
                        parameter=parameter,
                        unit=Unit.MG_M3 if parameter == "co" else Unit.UG_M3,
                        instrument="",
                        range_min=0,
                        range_max=50 if parameter == "co" else 2000,
                    )
            posts.append(post)
    almaty = cities.get("almaty")
    if almaty is not None:
        community = Post.objects.filter(code="almaty-airkaz-1").first() or create_post(
            actor=SYSTEM,
            city=almaty,
            code="almaty-airkaz-1",
            name_kk="Алматы, қоғамдық датчик (Бостандық)",
            name_ru="Алматы, общественный датчик (Бостандык)",
            name_en="Almaty, community sensor (Bostandyk)",
            lat=43.215,
            lon=76.905,
            kind=PostKind.AUTOMATIC,
            owner_kind=OwnerKind.COMMUNITY,
            owner_name="",
        )
        if not community.sensors.exists():
            add_sensor(
                actor=SYSTEM,
                post=community,
                parameter="pm25",
                grade=SensorGrade.INDICATIVE,
                instrument="optical particle counter",
                range_max=1000,
            )
        posts.append(community)
    return posts


def generate_air(seed: int = 2026) -> int:
    """Create the demo network and its data; return the number of posts. Safe to run again."""
    load_cities()
    rng = random.Random(seed)
    posts = _posts()
    if HourlyValue.objects.exists():
        return len(posts)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    levels = {slug: (w, s) for slug, (_n, w, s) in NETWORK.items()}
    offline = {"astana-5", "kyzylorda-2"}
    hourly: list[HourlyValue] = []
    daily: list[DailyValue] = []
    for post in posts:
        winter, summer = levels[post.city.slug]
        issue_token(actor=SYSTEM, post=post)
        for sensor in post.sensors.all():
            share = 1.0 if sensor.parameter == "pm25" else SHARE[sensor.parameter]
            _older(rng, sensor, now, winter * share, summer * share, hourly, daily)
    HourlyValue.objects.bulk_create(hourly, batch_size=5000)
    DailyValue.objects.bulk_create(daily, batch_size=5000)
    for post in posts:
        winter, summer = levels[post.city.slug]
        stop = now - timedelta(hours=30) if post.code in offline else now
        rows = []
        for sensor in post.sensors.all():
            share = 1.0 if sensor.parameter == "pm25" else SHARE[sensor.parameter]
            scale = 0.001 if sensor.unit == Unit.MG_M3 else 1.0
            for h in range(INGEST_HOURS, -1, -1):
                at = now - timedelta(hours=h)
                if at > stop:
                    continue
                value = round(_level(rng, at, winter * share, summer * share) * scale, 4)
                if post.code == "karaganda-3" and sensor.parameter == "no2" and h < 10:
                    value = 41.0  # a stuck sensor: the same value hour after hour
                if post.code == "pavlodar-2" and sensor.parameter == "pm10" and h == 5:
                    value = -3.0  # an instrument fault
                rows.append(
                    {
                        "sensor": sensor.parameter + "/" + sensor.grade,
                        "time": at.isoformat(),
                        "value": value,
                    }
                )
        ingest(post, rows, now=now + timedelta(minutes=1))
    cities = {c.slug: c for c in City.objects.filter(slug__in=["almaty", "oskemen"])}
    if "almaty" in cities:
        declare_nmu(
            actor=SYSTEM,
            city=cities["almaty"],
            degree=2,
            starts_at=now - timedelta(hours=6),
            ends_at=now + timedelta(hours=30),
        )
    if "oskemen" in cities:
        declare_nmu(
            actor=SYSTEM,
            city=cities["oskemen"],
            degree=1,
            starts_at=now + timedelta(hours=12),
            ends_at=now + timedelta(hours=36),
        )
    return len(posts)


def _older(
    rng: random.Random,
    sensor: Sensor,
    now: datetime,
    winter: float,
    summer: float,
    hourly: list[HourlyValue],
    daily: list[DailyValue],
) -> None:
    """Write the hourly means of the two weeks and the daily means of the year before ingest."""
    first_ingested = now - timedelta(hours=INGEST_HOURS)
    for h in range(HOURLY_DAYS * 24, INGEST_HOURS, -1):
        at = now - timedelta(hours=h)
        value = _level(rng, at, winter, summer)
        hourly.append(
            HourlyValue(sensor=sensor, hour=at, mean=value, highest=value * 1.3, readings=3)
        )
    today = timezone.localdate(first_ingested)
    for d in range(365, 0, -1):
        day = today - timedelta(days=d)
        noon = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=12)
        mean = _level(rng, noon, winter, summer) * 0.85
        daily.append(
            DailyValue(
                sensor=sensor,
                day=day,
                mean=mean,
                highest=mean * rng.uniform(1.8, 3.2),
                hours=24 if rng.random() > 0.05 else rng.randint(6, 20),
                readings=72,
            )
        )
