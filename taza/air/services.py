"""Every write of the air domain: the registry, tokens, ingest, the means, НМУ, subscriptions.

Ingest takes a batch of readings from one post, checks each one, stores the good ones
once (by sensor and moment: a resent batch changes nothing) and rebuilds the hourly and
daily means of the hours it touched. A bad reading is refused with its index, field and
reason; the good ones of the same batch are kept.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taza.accounts.permissions import scope_of
from taza.air.choices import ADVICE, INVALIDATING, NMU_ADVICE, Flag, Unit
from taza.air.indices import current_sub_indices
from taza.air.models import (
    AlertSent,
    City,
    HourlyValue,
    NmuWarning,
    Post,
    Reading,
    Sensor,
    Subscription,
)
from taza.air.parameters import PARAMETERS, to_ug
from taza.air.storage import insert_readings, rebuild_means
from taza.audit.services import create_audited, record, update_audited
from taza.core.actors import Actor, person
from taza.core.errors import DomainError, Forbidden
from taza.core.tables import TableError, read_table
from taza.core.tell import subscriber_of, tell
from taza.core.urls import absolute_url
from taza.core.values import finite_number, hash_token, iso_moment, new_token
from taza.geo.lookup import default_locator
from taza.geo.models import District, Region

CITIES = Path(__file__).with_name("data") / "cities.json"
MAX_BATCH = 100_000
# A reading may be stamped this far ahead of the server's clock (clocks drift).
FUTURE_SLACK = timedelta(minutes=5)
# Late readings are welcome, but not from before the network's archive could start: an
# older time is a clock or a format gone wrong.
OLDEST = timedelta(days=3653)
# Eight equal values running (this one and the seven before it) mark a stuck sensor. A
# shorter run trips on instruments that report coarsely (CO as 0.3 mg/m³ hour after hour).
STUCK_RUN = 7
# A reading this many times the one before it, and higher by more than the one-time MPC,
# is a spike: kept in the figures (a fire is a real spike) but marked for review.
SPIKE_FACTOR = 5
SPIKE_WINDOW = timedelta(hours=3)
# How far back a batch reads a sensor's earlier readings to judge stuck values and spikes.
LOOKBACK = timedelta(hours=12)


class AirError(DomainError):
    """Refuse an air-quality input or step."""


class BatchTooLarge(AirError):
    status = 413
    default_code = "too_large"


def load_cities() -> int:
    """Create or update the cities with monitoring posts from data/cities.json."""
    data = json.loads(CITIES.read_text(encoding="utf-8"))
    regions = {r.code: r for r in Region.objects.all()}
    count = 0
    for row in data["cities"]:
        if row["region"] not in regions:
            continue
        City.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "region": regions[row["region"]],
                "lat": row["lat"],
                "lon": row["lon"],
                "name_kk": row["name"]["kk"],
                "name_ru": row["name"]["ru"],
                "name_en": row["name"]["en"],
            },
        )
        count += 1
    return count


def _district(lat: float, lon: float, region: Region) -> District | None:
    try:
        place = default_locator().locate(lat, lon)
    except DomainError:
        return None
    if place.district_code is None or place.region_code != region.code:
        return None
    return District.objects.filter(code=place.district_code).first()


def create_post(*, actor: Actor, city: City, **values: Any) -> Post:
    """Register a monitoring post in a city, located to its district; audited."""
    region = city.region
    district = _district(values["lat"], values["lon"], region)
    return create_audited(Post, actor=actor, city=city, region=region, district=district, **values)


def add_sensor(*, actor: Actor, post: Post, parameter: str, **values: Any) -> Sensor:
    """Add a sensor of one parameter to a post, in a unit that parameter can take; audited."""
    if parameter not in PARAMETERS:
        raise AirError(_("Unknown parameter."), field="parameter")
    unit = values.get("unit", Unit.UG_M3)
    if unit not in PARAMETERS[parameter].units():
        raise AirError(_("Particles are measured by mass: µg/m³ or mg/m³."), field="unit")
    return create_audited(Sensor, actor=actor, post=post, parameter=parameter, **values)


def issue_token(*, actor: Actor, post: Post) -> str:
    """Give a post a new API token (the old one stops working); return it, shown once."""
    token = new_token()
    update_audited(post, actor=actor, reason="API token issued", token_hash=hash_token(token))
    return token


def post_for_token(token: str) -> Post:
    """Return the post a token belongs to; refuse an unknown token or a post out of service."""
    post = Post.objects.filter(token_hash=hash_token(token), active=True).first() if token else None
    if post is None:
        raise Forbidden(_("This token belongs to no post in service."), code="bad_token")
    return post


@dataclass
class Refused:
    index: int
    field: str
    reason: str


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    flagged: int = 0
    refused: list[Refused] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the answer the push API gives."""
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "flagged": self.flagged,
            "refused": [r.__dict__ for r in self.refused],
        }


@dataclass
class _Good:
    sensor: Sensor
    at: datetime
    raw: float
    value: float


def _sensor_keys(post: Post) -> dict[str, Sensor]:
    keys: dict[str, Sensor] = {}
    sensors = sorted(post.sensors.all(), key=lambda s: s.grade != "reference")
    for sensor in sensors:
        keys[f"{sensor.parameter}/{sensor.grade}"] = sensor
        keys.setdefault(sensor.parameter, sensor)
    return keys


def _check(
    index: int, row: Mapping[str, Any], sensors: Mapping[str, Sensor], now: datetime
) -> _Good | Refused:
    if not isinstance(row, Mapping):
        return Refused(index, "", _("Each reading is an object with sensor, time and value."))
    sensor = sensors.get(str(row.get("sensor", "")).strip())
    if sensor is None:
        return Refused(index, "sensor", _("This post has no such sensor."))
    raw_time = row.get("time")
    at = iso_moment(raw_time)
    if at is None:
        return Refused(
            index, "time", _("Give the time in ISO 8601, e.g. 2026-01-15T08:00:00+05:00.")
        )
    if timezone.is_naive(at):
        return Refused(index, "time", _("Give the time with its UTC offset, e.g. +05:00."))
    if at > now + FUTURE_SLACK:
        return Refused(index, "time", _("This time is in the future."))
    if at < now - OLDEST:
        return Refused(index, "time", _("This time is more than ten years ago."))
    raw = finite_number(row.get("value"))
    if raw is None:
        return Refused(index, "value", _("The value is not a number."))
    unit = str(row.get("unit") or sensor.unit).strip().replace("µg/m³", Unit.UG_M3)
    unit = unit.replace("mg/m³", Unit.MG_M3)
    if unit != sensor.unit:
        return Refused(
            index,
            "unit",
            _("This sensor reports in %(unit)s; the reading says %(given)s.")
            % {"unit": Unit(sensor.unit).label, "given": unit[:20]},
        )
    utc = at.astimezone(UTC)
    return _Good(sensor, utc, raw, to_ug(sensor.parameter, raw, sensor.unit))


def _flags(good: _Good, before: Sequence[tuple[datetime, float]]) -> list[str]:
    """Return the flags of a reading, given the sensor's readings before it, newest last."""
    sensor = good.sensor
    flags: list[str] = []
    if good.raw < 0:
        flags.append(Flag.NEGATIVE)
    if good.raw < sensor.range_min or (
        sensor.range_max is not None and good.raw > sensor.range_max
    ):
        flags.append(Flag.OUT_OF_RANGE)
    last = before[-STUCK_RUN:]
    if good.value != 0 and len(last) == STUCK_RUN and all(v == good.value for _, v in last):
        flags.append(Flag.STUCK)
    if before and good.at - before[-1][0] <= SPIKE_WINDOW:
        previous = before[-1][1]
        rise = PARAMETERS[sensor.parameter].mpc_once_ug or 100.0
        if good.value > SPIKE_FACTOR * max(previous, 1.0) and good.value - previous > rise:
            flags.append(Flag.SPIKE)
    return flags


def ingest(post: Post, rows: Sequence[Any], *, now: datetime | None = None) -> IngestResult:
    """Store a batch of readings from one post; return what was stored, repeated, refused."""
    if len(rows) > MAX_BATCH:
        raise BatchTooLarge(
            _("A batch holds at most %(n)s readings; send it in parts.") % {"n": MAX_BATCH}
        )
    now = now or timezone.now()
    result = IngestResult()
    sensors = _sensor_keys(post)
    seen: set[tuple[int, datetime]] = set()
    good: list[_Good] = []
    for index, row in enumerate(rows):
        checked = _check(index, row, sensors, now)
        if isinstance(checked, Refused):
            result.refused.append(checked)
        elif (checked.sensor.pk, checked.at) in seen:
            result.duplicates += 1
        else:
            seen.add((checked.sensor.pk, checked.at))
            good.append(checked)
    if good:
        with transaction.atomic():
            _store(good, result)
    return result


def _store(good: list[_Good], result: IngestResult) -> None:
    by_sensor: dict[Sensor, list[_Good]] = defaultdict(list)
    for g in good:
        by_sensor[g.sensor].append(g)
    new: list[Reading] = []
    for sensor, items in by_sensor.items():
        items.sort(key=lambda g: g.at)
        start, end = items[0].at, items[-1].at
        known = dict(
            Reading.objects.filter(
                sensor=sensor, observed_at__gte=start - LOOKBACK, observed_at__lte=end
            ).values_list("observed_at", "value")
        )
        fresh = [g for g in items if g.at not in known]
        result.duplicates += len(items) - len(fresh)
        series = dict(known)
        for g in fresh:
            series[g.at] = g.value
        ordered = sorted(series.items())
        position = {at: i for i, (at, _v) in enumerate(ordered)}
        for g in fresh:
            flags = _flags(g, ordered[max(0, position[g.at] - STUCK_RUN) : position[g.at]])
            result.flagged += bool(flags)
            new.append(
                Reading(
                    sensor=sensor,
                    observed_at=g.at,
                    value=g.value,
                    flags=",".join(flags),
                    valid=not INVALIDATING.intersection(flags),
                )
            )
    result.stored = insert_readings(new)
    # Another batch may have stored some of these between the check and the insert.
    result.duplicates += len(new) - result.stored
    touched: dict[int, set[datetime]] = defaultdict(set)
    for reading in new:
        touched[reading.sensor_id].add(
            reading.observed_at.replace(minute=0, second=0, microsecond=0)
        )
    newest: dict[int, Reading] = {}
    for reading in new:
        top = newest.get(reading.sensor_id)
        if top is None or reading.observed_at > top.observed_at:
            newest[reading.sensor_id] = reading
    for sensor_id, top in newest.items():
        # Conditional, so a slower batch of older readings never moves "latest" back.
        Sensor.objects.filter(
            Q(last_at__isnull=True) | Q(last_at__lt=top.observed_at), pk=sensor_id
        ).update(last_at=top.observed_at, last_value=top.value)
    rebuild_means(touched)
    refresh_current(list(touched))


def refresh_current(sensor_ids: list[int]) -> None:
    """Work out each sensor's current AQI sub-index from the hours up to its newest one.

    The index stands for the sensor's newest hour; pages show it as current while that
    hour is recent (querysets.CURRENT_FOR), as the NowCast needs two of the last three
    hours.
    """
    sensors = Sensor.objects.filter(pk__in=sensor_ids).only("pk", "parameter")
    for sensor in sensors:
        newest = (
            HourlyValue.objects.filter(sensor=sensor)
            .order_by("-hour")
            .values_list("hour", flat=True)
        ).first()
        if newest is None:
            continue
        means = dict(
            HourlyValue.objects.filter(
                sensor=sensor, hour__gt=newest - timedelta(hours=24), hour__lte=newest
            ).values_list("hour", "mean")
        )
        line = [means.get(newest - timedelta(hours=i)) for i in range(24)]
        index = current_sub_indices({sensor.parameter: line}).get(sensor.parameter)
        Sensor.objects.filter(pk=sensor.pk).update(current_index=index, current_hour=newest)


def declare_nmu(
    *, actor: Actor, city: City, degree: int, starts_at: datetime, ends_at: datetime
) -> NmuWarning:
    """Declare unfavourable meteorological conditions for a city; audited, people told."""
    if ends_at <= starts_at:
        raise AirError(_("The warning must end after it starts."), field="ends_at")
    warning = create_audited(
        NmuWarning,
        actor=actor,
        city=city,
        degree=degree,
        starts_at=starts_at,
        ends_at=ends_at,
        declared_by=person(actor),
    )
    from taza.air.tasks import tell_nmu  # the task module calls back into this module

    transaction.on_commit(lambda: tell_nmu(warning.pk))
    return warning


def cancel_nmu(*, actor: Actor, warning: NmuWarning) -> None:
    """End a warning early; audited."""
    update_audited(warning, actor=actor, cancelled_at=timezone.now())


def subscribe(
    *, actor: Actor, city: City, threshold: int, nmu: bool = True, telegram: Any = None
) -> Subscription:
    """Subscribe a person to a city's alerts, or change their threshold.

    The person is the signed-in actor, or ``telegram`` (a ``bot.TelegramProfile``) for
    someone who subscribes in the bot without an account.
    """
    who = subscriber_of(actor, telegram)
    if not 1 <= threshold <= 500:
        raise AirError(_("Choose an AQI threshold between 1 and 500."), field="threshold")
    try:
        with transaction.atomic():
            subscription, created = Subscription.objects.get_or_create(
                **who, city=city, defaults={"threshold": threshold, "nmu": nmu}
            )
    except IntegrityError:  # two requests at once: the other one created it
        subscription, created = Subscription.objects.get(**who, city=city), False
    if not created:
        subscription.threshold, subscription.nmu, subscription.above = threshold, nmu, False
        subscription.save(update_fields=["threshold", "nmu", "above"])
    record(
        obj=subscription,
        actor=actor,
        action="create" if created else "update",
        changes={"threshold": [None, threshold], "nmu": [None, nmu]},
    )
    return subscription


def unsubscribe(*, actor: Actor, city: City, telegram: Any = None) -> bool:
    """Stop a person's alerts for a city; return whether there were any."""
    try:
        who = subscriber_of(actor, telegram)
    except Forbidden:
        return False
    deleted, _kinds = Subscription.objects.filter(**who, city=city).delete()
    return bool(deleted)


def _claim(subscription: Subscription, key: str) -> bool:
    """Record that an alert goes to a person; False if it already went (sent once)."""
    try:
        with transaction.atomic():
            AlertSent.objects.create(subscription=subscription, key=key[:80])
    except IntegrityError:
        return False
    return True


def _tell(subscription: Subscription, key: str, compose: Callable[[], tuple[str, str]]) -> bool:
    """Claim the alert, then e-mail it or put it in the bot's outbox; False if it went before."""
    if not _claim(subscription, key):
        return False
    return tell(
        user=subscription.user,
        telegram=subscription.telegram,
        key=f"air:{subscription.pk}:{key}",
        compose=compose,
    )


def send_threshold_alerts(now: datetime | None = None) -> int:
    """Tell each subscriber once when their city's AQI reaches their threshold.

    A subscription remembers whether the city was above its threshold at the last
    check; only a crossing upwards sends, so a person hears of an episode once, and
    again only after the AQI has fallen below and risen again.
    """
    from taza.air.querysets import city_aqi, posts_now  # querysets read models this module writes

    now = now or timezone.now()
    sent = 0
    subscriptions = Subscription.objects.select_related("user", "telegram", "city")
    cities = {s.city_id for s in subscriptions}
    levels = {
        city_id: city_aqi(
            posts_now(Post.objects.filter(city_id=city_id, active=True).select_related("city"), now)
        )
        for city_id in cities
    }
    for subscription in subscriptions:
        level = levels[subscription.city_id]
        above = level is not None and level.value >= subscription.threshold
        if above and not subscription.above and level is not None:

            def compose(s: Subscription = subscription, aqi: Any = level) -> tuple[str, str]:
                return (
                    _("Air in %(city)s: AQI %(aqi)s") % {"city": s.city.name, "aqi": aqi.value},
                    _(
                        "The AQI in %(city)s has reached %(aqi)s (%(band)s); "
                        "your threshold is %(t)s."
                    )
                    % {
                        "city": s.city.name,
                        "aqi": aqi.value,
                        "band": aqi.band.label,
                        "t": s.threshold,
                    }
                    + "\n"
                    + str(ADVICE[aqi.band])
                    + "\n"
                    + absolute_url(s.city),
                )

            if _tell(subscription, f"aqi:{now:%Y%m%d%H}:{subscription.threshold}", compose):
                sent += 1
        if above != subscription.above:
            Subscription.objects.filter(pk=subscription.pk).update(above=above)
    return sent


def send_nmu_alerts(warning_id: int) -> int:
    """Tell the city's subscribers of a declared НМУ, once each."""
    warning = NmuWarning.objects.select_related("city").get(pk=warning_id)

    def compose() -> tuple[str, str]:
        return (
            _("НМУ in %(city)s") % {"city": warning.city.name},
            _(
                "Unfavourable weather for dispersing pollution (НМУ, %(degree)s) "
                "in %(city)s from %(start)s until %(end)s."
            )
            % {
                "degree": warning.get_degree_display(),
                "city": warning.city.name,
                "start": timezone.localtime(warning.starts_at).strftime("%d.%m.%Y %H:%M"),
                "end": timezone.localtime(warning.ends_at).strftime("%d.%m.%Y %H:%M"),
            }
            + "\n"
            + str(NMU_ADVICE),
        )

    sent = 0
    for subscription in Subscription.objects.filter(city=warning.city, nmu=True).select_related(
        "user", "telegram"
    ):
        if _tell(subscription, f"nmu:{warning.pk}", compose):
            sent += 1
    return sent


# -- the registry from a file ------------------------------------------------------------

POST_COLUMNS = ("code", "name_kk", "name_ru", "name_en", "city", "lat", "lon", "kind", "owner_kind")
MAX_POST_ROWS = 5000


@dataclass
class CellError:
    row: int
    column: str
    message: str


class PostsRefused(AirError):
    """Refuse a registry file, with every cell at fault; nothing of it is saved."""

    def __init__(self, errors: list[CellError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(f"{first.row}/{first.column}: {first.message}", field=first.column)


def _table(name: str, content: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        return list(read_table(name, content, max_rows=MAX_POST_ROWS))
    except TableError as exc:
        raise PostsRefused([CellError(0, "file", str(exc.message))]) from None


def _sensor_specs(text: str) -> list[tuple[str, str]] | None:
    specs = []
    for part in [p.strip() for p in text.split(";") if p.strip()]:
        parameter, _sep, unit = part.partition(":")
        parameter, unit = parameter.strip().lower(), (unit.strip() or Unit.UG_M3)
        if parameter not in PARAMETERS or unit not in PARAMETERS[parameter].units():
            return None
        specs.append((parameter, unit))
    return specs


def import_posts(name: str, content: bytes, *, actor: Actor) -> tuple[int, int]:
    """Create or update posts and their sensors from CSV or XLSX: all of it, or nothing.

    Columns: code, name_kk, name_ru, name_en, city (its code), lat, lon, kind
    (automatic/manual), owner_kind, and optionally owner_name and sensors
    ("pm25;no2:ppb;co:mg/m3"). Return (created, changed); the same file twice changes
    nothing.
    """
    if not scope_of(actor).reads_all:
        raise Forbidden(_("Only monitoring analysts import the registry of posts."))
    rows = _table(name, content)
    cities = {c.slug: c for c in City.objects.all()}
    errors: list[CellError] = []
    good: list[tuple[dict[str, Any], list[tuple[str, str]]]] = []
    seen: set[str] = set()
    for line, raw in rows:
        row = {
            str(k).strip().lower(): ("" if v is None else str(v).strip())
            for k, v in raw.items()
            if k
        }
        before = len(errors)
        for column in POST_COLUMNS:
            if not row.get(column):
                errors.append(CellError(line, column, _("This column is required.")))
        if len(errors) > before:
            continue
        values: dict[str, Any] = {
            k: row[k] for k in POST_COLUMNS if k not in ("city", "lat", "lon")
        }
        values["owner_name"] = row.get("owner_name", "")
        if row["code"] in seen:
            errors.append(CellError(line, "code", _("This code is already in the file.")))
        seen.add(row["code"])
        if row["city"] not in cities:
            errors.append(CellError(line, "city", _("No such city.")))
        for column in ("lat", "lon"):
            number = finite_number(row[column])
            if number is None:
                errors.append(CellError(line, column, _("Must be a number.")))
            values[column] = number
        specs = _sensor_specs(row.get("sensors", ""))
        if specs is None:
            errors.append(CellError(line, "sensors", _("Write sensors as pm25;no2:ppb;co:mg/m3.")))
        values["city"] = cities.get(row["city"])
        candidate = Post(
            **{k: v for k, v in values.items() if k != "city"},
            city=values["city"] or next(iter(cities.values())),
            region=(values["city"] or next(iter(cities.values()))).region,
        )
        try:
            candidate.full_clean(exclude=["code", "region", "district", "city", "owner_body"])
        except ValidationError as invalid:
            for column, messages in invalid.message_dict.items():
                errors.append(CellError(line, column, " ".join(messages)))
        if len(errors) == before:
            good.append((values, specs or []))
    if errors:
        raise PostsRefused(errors)
    created = changed = 0
    with transaction.atomic():
        for values, specs in good:
            post = Post.objects.filter(code=values["code"]).first()
            city = values.pop("city")
            is_new, touched = post is None, False
            if post is None:
                post = create_post(actor=actor, city=city, **values)
                created += 1
            else:
                district = _district(values["lat"], values["lon"], city.region)
                updates = {**values, "city": city, "region": city.region, "district": district}
                touched = bool(update_audited(post, actor=actor, **updates))
            have = {s.parameter for s in post.sensors.all()}
            for parameter, unit in specs:
                if parameter not in have:
                    add_sensor(actor=actor, post=post, parameter=parameter, unit=unit)
                    touched = True
            changed += 0 if is_new else int(touched)
    return created, changed
