"""Wildfires: satellite hotspots (NASA FIRMS), known heat sources, and fire events.

A detection is one hot pixel seen by one satellite pass. Those with enough confidence,
inside Kazakhstan and its buffer, and away from known industrial heat sources are
clustered into fire events, which go to the responsible bodies to confirm, dismiss or
report extinguished.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.bodies.models import Body
from taza.geo.models import District, Region
from taza.hazards.choices import Dropped, FireState, HeatSourceKind


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
