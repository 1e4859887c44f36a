"""The environmental data bank: what other systems report, checked and kept with history.

This first part holds the state waste cadastre: per region, year and waste type (the
national classifier's code), the tonnes generated, collected, recycled, otherwise
recovered and disposed of. A correction never overwrites: the corrected record stays,
marked as no longer current and pointing to the one that replaced it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.geo.models import Region


def tonnes(label: object) -> models.DecimalField:  # type: ignore[type-arg]
    """Make a field of tonnes: up to a hundred billion, to the kilogram."""
    return models.DecimalField(label, max_digits=14, decimal_places=3)  # type: ignore[arg-type]


class ImportKind(models.TextChoices):
    WASTE = "waste", _("waste cadastre")


class ImportBatch(models.Model):
    """One file taken in: what it was, who sent it, how many rows it added or corrected."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    corrections = models.PositiveIntegerField(_("corrections"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("taken in at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="one_import_per_file")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"


class WasteRecord(models.Model):
    """One region's waste of one type in one year, as the waste cadastre reports it."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    waste_code = models.CharField(_("waste code"), max_length=8)
    municipal = models.BooleanField(_("municipal waste"))
    generated = tonnes(_("generated, t"))
    collected = tonnes(_("collected, t"))
    recycled = tonnes(_("recycled, t"))
    recovered = tonnes(_("otherwise recovered, t"))
    disposed = tonnes(_("disposed of, t"))
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        related_name="waste_records",
        verbose_name=_("import"),
    )
    current = models.BooleanField(_("current"), default=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced",
        verbose_name=_("corrected by"),
    )

    class Meta:
        ordering = ["year", "region__code", "waste_code"]
        verbose_name = _("waste cadastre record")
        verbose_name_plural = _("waste cadastre records")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "waste_code"],
                condition=Q(current=True),
                name="one_current_waste_record",
            )
        ]
        indexes = [models.Index(fields=["year", "municipal", "current"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.waste_code}"
