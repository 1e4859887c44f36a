"""Air quality: monitoring posts, their sensors, readings, hourly and daily means, НМУ.

A post (Kazhydromet's, an akimat's, an enterprise's or a community sensor) stands in a
city; each sensor measures one parameter. Readings arrive late and out of order; one
reading per sensor and moment, so a resent batch changes nothing. Hourly and daily
means are kept beside the readings, rebuilt for the hours a batch touched, so pages
never scan the raw readings.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.air.choices import NmuDegree, OwnerKind, PostKind, SensorGrade, Unit
from taza.air.parameters import CHOICES, PARAMETERS, Parameter
from taza.bodies.models import Body
from taza.core.tell import Subscriber
from taza.geo.models import District, Region, TrilingualName


class City(TrilingualName):
    slug = models.SlugField(_("code"), max_length=40, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lon = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("air:city", args=[self.slug])


class Post(TrilingualName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="posts", verbose_name=_("city")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(40), MaxValueValidator(56)]
    )
    lon = models.FloatField(
        _("longitude"), validators=[MinValueValidator(46), MaxValueValidator(88)]
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PostKind.choices)
    owner_kind = models.CharField(_("owner"), max_length=12, choices=OwnerKind.choices)
    owner_name = models.CharField(_("owner's name"), max_length=200, blank=True)
    owner_body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("body told when it falls silent"),
        help_text=_("the staff of this body hear when the post sends nothing for a day"),
    )
    active = models.BooleanField(_("in service"), default=True)
    # sha256 of the post's API token; the token itself is shown once, when issued.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["city", "code"]
        verbose_name = _("monitoring post")
        verbose_name_plural = _("monitoring posts")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("air:post", args=[self.code])


class Sensor(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="sensors", verbose_name=_("post")
    )
    parameter = models.CharField(_("parameter"), max_length=12, choices=CHOICES)
    unit = models.CharField(
        _("unit it reports in"), max_length=8, choices=Unit.choices, default=Unit.UG_M3
    )
    grade = models.CharField(
        _("grade"), max_length=12, choices=SensorGrade.choices, default=SensorGrade.REFERENCE
    )
    instrument = models.CharField(_("instrument"), max_length=120, blank=True)
    # The instrument's measuring range, in the unit it reports in.
    range_min = models.FloatField(_("range from"), default=0)
    range_max = models.FloatField(_("range to"), null=True, blank=True)
    # The newest reading, kept here so the latest values of a city are one query.
    last_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_value = models.FloatField(null=True, blank=True, editable=False)
    # The AQI sub-index as of the sensor's newest hourly mean, worked out whenever its means
    # change (services.refresh_current), so a city's page reads it instead of the hours.
    current_index = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    current_hour = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["post", "parameter"]
        verbose_name = _("sensor")
        verbose_name_plural = _("sensors")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "parameter", "grade"], name="air_sensor_one_per_parameter"
            ),
            models.CheckConstraint(
                name="air_sensor_range_order",
                condition=Q(range_max__isnull=True) | Q(range_max__gt=F("range_min")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post.code}/{self.parameter}"

    @property
    def info(self) -> Parameter:
        return PARAMETERS[self.parameter]


class Reading(models.Model):
    id = models.BigAutoField(primary_key=True)
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="readings")
    # The start of the averaging period the value stands for, in UTC.
    observed_at = models.DateTimeField()
    value = models.FloatField(help_text="µg/m³")
    flags = models.CharField(max_length=60, blank=True)
    valid = models.BooleanField(default=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sensor", "observed_at"], name="air_reading_once")
        ]

    def __str__(self) -> str:
        return f"{self.sensor_id}@{self.observed_at:%Y-%m-%dT%H:%M}Z"


class HourlyValue(models.Model):
    """The mean and highest of a sensor's valid readings in one hour (UTC)."""

    id = models.BigAutoField(primary_key=True)
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="hours")
    hour = models.DateTimeField()
    mean = models.FloatField()
    highest = models.FloatField()
    readings = models.PositiveIntegerField()
    above_mpc = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sensor", "hour"], name="air_hour_once")]

    def __str__(self) -> str:
        return f"{self.sensor_id}@{self.hour:%Y-%m-%dT%H}"


class DailyValue(models.Model):
    """A local day's mean of a sensor's hourly means, its highest reading and its coverage."""

    id = models.BigAutoField(primary_key=True)
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    mean = models.FloatField()
    highest = models.FloatField()
    hours = models.PositiveSmallIntegerField()
    readings = models.PositiveIntegerField()
    above_mpc = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sensor", "day"], name="air_day_once")]

    def __str__(self) -> str:
        return f"{self.sensor_id}@{self.day}"

    @property
    def coverage(self) -> float:
        return self.hours / 24


class NmuWarning(models.Model):
    """Unfavourable meteorological conditions (НМУ) that forecasters declared for a city."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("city")
    )
    degree = models.PositiveSmallIntegerField(_("degree"), choices=NmuDegree.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    declared_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("НМУ warning")
        verbose_name_plural = _("НМУ warnings")
        constraints = [
            models.CheckConstraint(
                name="air_nmu_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.degree}"


class Subscription(Subscriber):
    """A person who asked to hear when a city's AQI crosses their threshold."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, verbose_name=_("city"))
    threshold = models.PositiveSmallIntegerField(
        _("AQI threshold"), default=101, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    nmu = models.BooleanField(_("also НМУ warnings"), default=True)
    # Whether the city is above the threshold as of the last check: an alert goes out only
    # when this turns from False to True, so a person hears of a crossing once.
    above = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(Subscriber.Meta):
        constraints = [
            *Subscriber.Meta.constraints,
            models.UniqueConstraint(fields=["user", "city"], name="air_subscription_once"),
            models.UniqueConstraint(
                fields=["telegram", "city"],
                condition=Q(telegram__isnull=False),
                name="air_subscription_once_telegram",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id or self.telegram_id}:{self.city_id}>={self.threshold}"


class AlertSent(models.Model):
    """One alert to one person: claimed before it is sent, so none goes out twice."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE)
    key = models.CharField(max_length=80)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "key"], name="air_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}:{self.key}"
