"""The waste-site registry: every dump from detection to liquidation, whatever found it.

Citizens' reports, satellite scans, raids and imported lists all feed one registry; a
site found again at the same place is the same site. Every change of state goes
through the audit trail (``services.py``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.bodies.models import Body
from taza.geo.models import District, Region
from taza.sites.choices import ScanStatus, SiteKind, SitePhotoKind, SiteSource, SiteState

OPEN_STATES = (
    SiteState.CANDIDATE,
    SiteState.VERIFIED,
    SiteState.ASSIGNED,
    SiteState.REAPPEARED,
)


class WasteSite(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=SiteKind.choices)
    state = models.CharField(_("state"), max_length=16, choices=SiteState.choices)
    source = models.CharField(_("found by"), max_length=12, choices=SiteSource.choices)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    h3_cell = models.CharField(max_length=16, db_index=True)
    outline_geojson = models.TextField(_("outline (GeoJSON polygon)"), blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    area_m2 = models.FloatField(_("estimated area, m²"), null=True, blank=True)
    volume_m3 = models.FloatField(_("estimated volume, m³"), null=True, blank=True)
    waste_types = models.JSONField(_("waste types"), default=list, blank=True)
    owner = models.CharField(_("land owner or responsible party"), max_length=300, blank=True)
    score = models.FloatField(_("detection score"), null=True, blank=True)
    reasons = models.JSONField(_("why it was flagged"), default=list, blank=True)
    assigned_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("liquidation assigned to"),
    )
    liquidation_deadline = models.DateField(_("liquidation deadline"), null=True, blank=True)
    found_at = models.DateTimeField(_("found at"), default=timezone.now, db_index=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    liquidated_at = models.DateTimeField(_("liquidated at"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    times_reappeared = models.PositiveSmallIntegerField(_("times re-appeared"), default=0)
    external_id = models.CharField(_("number in the source list"), max_length=100, blank=True)
    held_back = models.BooleanField(
        _("held back by the candidate budget"),
        default=False,
        help_text=_("A low-ranked satellite candidate, kept but not put in the queue."),
    )

    class Meta:
        ordering = ["-found_at"]
        verbose_name = _("waste site")
        verbose_name_plural = _("waste sites")
        indexes = [models.Index(fields=["region", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="one_site_per_source_number",
            )
        ]

    def __str__(self) -> str:
        return f"№{self.pk} {self.get_kind_display()} ({self.region.code})"

    def get_absolute_url(self) -> str:
        """Return the site's page in the registry."""
        return reverse("sites:site", args=[self.pk])


class SitePhoto(models.Model):
    site = models.ForeignKey(WasteSite, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=SitePhotoKind.choices)
    image = models.ImageField(upload_to="sites/%Y/%m/")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.image.name)


class SiteSighting(models.Model):
    """One time a site was seen: a citizen's report, a scan's candidate, a raid."""

    site = models.ForeignKey(WasteSite, on_delete=models.CASCADE, related_name="sightings")
    source = models.CharField(max_length=12, choices=SiteSource.choices)
    report = models.ForeignKey(
        "reports.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scan = models.ForeignKey(
        "sites.ScanJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(null=True, blank=True)
    scene = models.CharField(max_length=500, blank=True)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.site_id} {self.source} {self.seen_at:%Y-%m-%d}"


class ScanJob(models.Model):
    """A pass of space monitoring over a folder of scenes: its tiles are the units of work."""

    folder = models.CharField(_("scene folder"), max_length=500)
    before_folder = models.CharField(_("earlier scenes, for change"), max_length=500, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED)
    tiles_total = models.PositiveIntegerField(default=0)
    tiles_done = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    land_km2 = models.FloatField(_("land inspected, km²"), default=0)
    dropped = models.PositiveIntegerField(_("candidates outside the territory, dropped"), default=0)
    held_back = models.PositiveIntegerField(_("candidates held back by the budget"), default=0)
    # New and seen-again candidates alike: a scan ranks every candidate it saw.
    shown = models.PositiveIntegerField(_("candidates put in the verification queue"), default=0)
    tiles_failed = models.PositiveIntegerField(_("tiles that failed"), default=0)
    allow_l1c = models.BooleanField(_("Level-1C scenes allowed"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self) -> str:
        return f"scan {self.pk}: {self.tiles_done}/{self.tiles_total}"

    @property
    def folder_name(self) -> str:
        """Name the folder as the scans page lists it: relative to the scenes root."""
        folder = Path(self.folder)
        try:
            return str(folder.relative_to(settings.TAZA_SCENES_ROOT))
        except ValueError:
            return folder.name

    @property
    def eta_seconds(self) -> float | None:
        """Time left at the pace so far."""
        if not self.started_at or not self.tiles_done or self.tiles_done >= self.tiles_total:
            return None
        spent = (timezone.now() - self.started_at).total_seconds()
        return spent / self.tiles_done * (self.tiles_total - self.tiles_done)


class ScanTile(models.Model):
    """One window of one scene; done tiles are never redone when a scan resumes."""

    job = models.ForeignKey(ScanJob, on_delete=models.CASCADE, related_name="tiles")
    scene = models.CharField(max_length=500)
    before_scene = models.TextField(blank=True)  # earlier scenes of the tile, one a line
    col_off = models.PositiveIntegerField()
    row_off = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    done = models.BooleanField(default=False)
    candidates = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "scene", "col_off", "row_off"], name="one_tile_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scene}@{self.col_off},{self.row_off}"
