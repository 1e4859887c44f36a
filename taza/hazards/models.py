"""Wildfires: satellite hotspots (NASA FIRMS), known heat sources, and fire events.

A detection is one hot pixel seen by one satellite pass. Those with enough confidence,
inside Kazakhstan and its buffer, and away from known industrial heat sources are
clustered into fire events, which go to the responsible bodies to confirm, dismiss or
report extinguished.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.bodies.models import Body
from taza.core.files import private_storage, upload_path
from taza.core.tell import Subscriber
from taza.geo.models import District, Region, TrilingualName, in_language
from taza.hazards.choices import (
    AreaKind,
    Dropped,
    FireState,
    ForecastMethod,
    HeatSourceKind,
    Ice,
    RiskStatus,
    WarningLevel,
)

# The farthest a subscriber may ask to hear of fires from their place.
MAX_RADIUS_KM = 100


class HeatSource(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=HeatSourceKind.choices)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    radius_m = models.PositiveIntegerField(_("radius, m"), default=1000)
    days_seen = models.PositiveIntegerField(_("days seen burning"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("industrial heat source")
        verbose_name_plural = _("industrial heat sources")

    def __str__(self) -> str:
        return self.name


class ProtectedArea(TrilingualName):
    """A reserve, national park or forest: its outline, and the institution that keeps it.

    Loaded as GeoJSON by administrators. An outline drawn by hand for the demo is marked
    approximate, and pages say so.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    administration = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protected_areas",
        verbose_name=_("administration"),
    )
    # A GeoJSON Polygon or MultiPolygon in WGS 84, and its extent for a quick first test.
    geometry = models.JSONField()
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()
    area_ha = models.FloatField(_("area, ha"))
    approximate = models.BooleanField(_("outline approximate"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["region", "code"]
        verbose_name = _("protected area")
        verbose_name_plural = _("protected areas")

    def __str__(self) -> str:
        return self.name


class FireEvent(models.Model):
    state = models.CharField(
        _("state"), max_length=12, choices=FireState.choices, default=FireState.NEW
    )
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # The extent of the detections' centres, degrees.
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()
    detections = models.PositiveIntegerField(_("detections"), default=0)
    frp_total = models.FloatField(_("total fire radiative power, MW"), default=0)
    # The footprint of the detections' pixels: an upper bound of what burned.
    pixel_area_ha = models.FloatField(_("area of the hot pixels, ha"), default=0)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("responsible body")
    )
    # Also told of the fire and may act on it: the region's emergency department, and the
    # administration of the protected area or forest it touches.
    emergency = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("emergency service"),
    )
    protected_area = models.ForeignKey(
        ProtectedArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fires",
        verbose_name=_("protected area or forest"),
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    burned_ha = models.DecimalField(
        _("burned area, ha"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # Set when the fire grew into another one (an older, or confirmed, one) and joined it.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name = _("fire")
        verbose_name_plural = _("fires")
        indexes = [models.Index(fields=["state", "last_seen"])]

    def __str__(self) -> str:
        return f"fire {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:fire", args=[self.pk])

    @property
    def hours_to_confirm(self) -> float | None:
        if self.confirmed_at is None:
            return None
        return (self.confirmed_at - self.first_seen).total_seconds() / 3600

    @property
    def hours_to_close(self) -> float | None:
        if self.closed_at is None:
            return None
        return (self.closed_at - self.first_seen).total_seconds() / 3600


class Detection(models.Model):
    id = models.BigAutoField(primary_key=True)
    # One pixel of one pass: satellite, moment and position (to about 10 m). The same
    # pixel from two FIRMS products (NRT and a later one) has the same key.
    key = models.CharField(max_length=80, unique=True)
    source = models.CharField(max_length=40)
    satellite = models.CharField(max_length=8)
    instrument = models.CharField(max_length=8)
    acquired_at = models.DateTimeField(db_index=True)
    lat = models.FloatField()
    lon = models.FloatField()
    confidence = models.CharField(max_length=8)
    brightness = models.FloatField(null=True)
    frp = models.FloatField(null=True)
    scan = models.FloatField(null=True)
    track = models.FloatField(null=True)
    daynight = models.CharField(max_length=1, blank=True)
    version = models.CharField(max_length=20, blank=True)
    dropped = models.CharField(max_length=16, choices=Dropped.choices, blank=True)
    event = models.ForeignKey(
        FireEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="hotspots"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class Gauge(TrilingualName):
    """A hydrological post on a river, with its marks in centimetres above the gauge zero."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    river_kk = models.CharField(_("river (Kazakh)"), max_length=100)
    river_ru = models.CharField(_("river (Russian)"), max_length=100)
    river_en = models.CharField(_("river (English)"), max_length=100)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    zero_m = models.FloatField(_("gauge zero, m above sea level"), null=True, blank=True)
    danger_cm = models.PositiveIntegerField(_("danger mark, cm"))
    critical_cm = models.PositiveIntegerField(_("critical mark, cm"))
    automatic = models.BooleanField(_("automatic (hourly)"), default=False)
    active = models.BooleanField(_("in service"), default=True)
    # The gauge upstream whose rise reaches this one after travel_hours: its forecast.
    upstream = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="downstream",
        verbose_name=_("upstream gauge"),
    )
    travel_hours = models.PositiveSmallIntegerField(
        _("travel time from the upstream gauge, hours"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The state as of the newest reading, kept so pages and alerts read it in one query.
    level = models.CharField(
        _("warning level"), max_length=12, choices=WarningLevel.choices, default=WarningLevel.NORMAL
    )
    level_since = models.DateTimeField(null=True, blank=True)
    last_cm = models.FloatField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    # Hours until the danger mark at the present trend, and its spread (None: not rising).
    hours_to_danger = models.FloatField(null=True, blank=True)
    hours_spread = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["region", "code"]
        verbose_name = _("river gauge")
        verbose_name_plural = _("river gauges")
        constraints = [
            models.CheckConstraint(
                name="hazards_gauge_marks_order",
                condition=models.Q(critical_cm__gte=models.F("danger_cm")),
            ),
            models.CheckConstraint(
                name="hazards_gauge_upstream_with_travel",
                condition=(Q(upstream__isnull=True) & Q(travel_hours__isnull=True))
                | (
                    Q(upstream__isnull=False)
                    & Q(travel_hours__isnull=False)
                    & ~Q(upstream=models.F("id"))
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.river}: {self.name}"

    @property
    def river(self) -> str:
        """Return the river's name in the language in use."""
        return in_language(self, "river", "ru")

    def get_absolute_url(self) -> str:
        return reverse("hazards:gauge", args=[self.code])


class LevelReading(models.Model):
    id = models.BigAutoField(primary_key=True)
    gauge = models.ForeignKey(Gauge, on_delete=models.CASCADE, related_name="readings")
    observed_at = models.DateTimeField()
    level_cm = models.FloatField()
    discharge_m3s = models.FloatField(null=True, blank=True)
    ice = models.CharField(max_length=8, choices=Ice.choices, blank=True)
    # Doubtful against the gauge's history (a level in metres, a jump): kept, not used.
    implausible = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gauge", "observed_at"], name="hazards_level_once")
        ]

    def __str__(self) -> str:
        return f"{self.gauge_id}@{self.observed_at:%Y-%m-%dT%H:%M}"


class LevelForecast(models.Model):
    """A forecast of when a gauge reaches its danger mark, kept to be checked afterwards."""

    gauge = models.ForeignKey(Gauge, on_delete=models.CASCADE, related_name="forecasts")
    # "trend": the gauge's own trend; "upstream": with the upstream gauge's rise.
    method = models.CharField(max_length=10, choices=ForecastMethod.choices, default="trend")
    made_at = models.DateTimeField()
    expected_at = models.DateTimeField()
    spread_hours = models.FloatField()
    # Filled when the gauge reaches the danger mark: hours late (+) or early (-).
    error_hours = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.gauge_id}:{self.made_at:%Y-%m-%dT%H}"


class Settlement(models.Model):
    """A settlement in a flood danger zone, its status, governing gauge and shelters."""

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    gauge = models.ForeignKey(
        Gauge, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("governing gauge")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.PRESENT
    )
    shelter_places = models.PositiveIntegerField(_("places in temporary shelters"), default=0)
    evacuation_points = models.PositiveIntegerField(_("evacuation points"), default=0)

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("settlement at flood risk")
        verbose_name_plural = _("settlements at flood risk")

    def __str__(self) -> str:
        return self.name


# The work an akimat reports for the season, in the order forms and totals show it.
PREPAREDNESS_FIELDS = ("dams_km", "riverbeds_km", "drainage_km", "snow_m3", "people", "machines")


class Preparedness(models.Model):
    """An akimat's flood-season preparedness for one year, with its evidence.

    The regional akimat enters the region's own work (no district); each district akimat
    its district's. A region's figures are the sum of its entries.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    dams_km = models.DecimalField(
        _("dams built or strengthened, km"), max_digits=8, decimal_places=2, default=0
    )
    riverbeds_km = models.DecimalField(
        _("river beds cleared, km"), max_digits=8, decimal_places=2, default=0
    )
    drainage_km = models.DecimalField(
        _("drainage cleared, km"), max_digits=8, decimal_places=2, default=0
    )
    snow_m3 = models.PositiveIntegerField(_("snow removed, m³"), default=0)
    people = models.PositiveIntegerField(_("people on alert"), default=0)
    machines = models.PositiveIntegerField(_("machines on alert"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # What shows the work was done: an act, photos, a report (private), or a public link.
    evidence = models.FileField(
        _("evidence file"), upload_to=upload_path, storage=private_storage, blank=True
    )
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "region"]
        verbose_name = _("flood preparedness")
        verbose_name_plural = _("flood preparedness")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=Q(district__isnull=True),
                name="hazards_preparedness_once",
            ),
            models.UniqueConstraint(
                fields=["district", "year"],
                condition=Q(district__isnull=False),
                name="hazards_preparedness_once_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}:{self.year}"


class LevelChange(models.Model):
    """A gauge's warning level changing upwards to one that is alerted: told once."""

    gauge = models.ForeignKey(Gauge, on_delete=models.CASCADE, related_name="changes")
    level = models.CharField(max_length=12, choices=WarningLevel.choices)
    level_cm = models.FloatField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.gauge_id}:{self.level}@{self.at:%Y-%m-%dT%H:%M}"


class Subscription(Subscriber):
    """A citizen who asked to hear of a confirmed fire near a place, or of a flood threat.

    Either a place and a radius (fires confirmed within it) or a settlement at flood
    risk (its governing gauge's rise to approaching, danger or critical). The person is
    a signed-in user (told by e-mail) or a Telegram user of the bot (told in the chat).
    """

    lat = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    lon = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    radius_km = models.PositiveSmallIntegerField(
        _("radius, km"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RADIUS_KM)],
    )
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("settlement"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Who subscribed and where they live are personal data: never public, not in the trail.
    audit_personal = frozenset({"user", "telegram", "lat", "lon"})

    class Meta(Subscriber.Meta):
        verbose_name = _("hazard subscription")
        verbose_name_plural = _("hazard subscriptions")
        constraints = [
            *Subscriber.Meta.constraints,
            models.CheckConstraint(
                name="hazard_subscription_place_or_settlement",
                condition=(
                    Q(settlement__isnull=True)
                    & Q(lat__isnull=False)
                    & Q(lon__isnull=False)
                    & Q(radius_km__gte=1)
                    & Q(radius_km__lte=MAX_RADIUS_KM)
                )
                | (
                    Q(settlement__isnull=False)
                    & Q(lat__isnull=True)
                    & Q(lon__isnull=True)
                    & Q(radius_km__isnull=True)
                ),
            ),
            # One place per person (a new one replaces it), each settlement once.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(user__isnull=False, settlement__isnull=True),
                name="hazard_subscription_one_place_user",
            ),
            models.UniqueConstraint(
                fields=["telegram"],
                condition=Q(telegram__isnull=False, settlement__isnull=True),
                name="hazard_subscription_one_place_telegram",
            ),
            models.UniqueConstraint(
                fields=["user", "settlement"],
                condition=Q(user__isnull=False, settlement__isnull=False),
                name="hazard_subscription_settlement_user",
            ),
            models.UniqueConstraint(
                fields=["telegram", "settlement"],
                condition=Q(telegram__isnull=False, settlement__isnull=False),
                name="hazard_subscription_settlement_telegram",
            ),
        ]

    def __str__(self) -> str:
        return f"hazards:{self.pk}"


class SubscriberAlert(models.Model):
    """One alert to one subscriber: claimed before it is sent, so none goes out twice."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE)
    key = models.CharField(max_length=80)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "key"], name="hazard_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}:{self.key}"
