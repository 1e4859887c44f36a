"""Territories: the 20 first-level units and their districts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(obj: object, prefix: str, fallback: str) -> str:
    """Return obj.<prefix>_<language in use>, or the fallback language's when that is empty."""
    language = (get_language() or "kk")[:2]
    return str(getattr(obj, f"{prefix}_{language}", "") or getattr(obj, f"{prefix}_{fallback}"))


class TrilingualName(models.Model):
    """Give a record names in Kazakh, Russian and English, and show the one in use."""

    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self, "name", fallback="kk")


class RegionKind(models.TextChoices):
    OBLAST = "oblast", _("region")
    CITY = "city", _("city of republican significance")


class DistrictKind(models.TextChoices):
    DISTRICT = "district", _("district")
    CITY = "city", _("city of regional significance")
    URBAN_DISTRICT = "urban_district", _("urban district")


class Region(TrilingualName):
    code = models.CharField(_("code"), max_length=8, unique=True, help_text=_("KZ + KATO prefix"))
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=8, unique=True)
    kato = models.CharField(_("KATO code"), max_length=9, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=RegionKind.choices)
    area_km2 = models.FloatField(_("area, km²"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class District(TrilingualName):
    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("KZ + KATO prefix"))
    kato = models.CharField(_("KATO code"), max_length=9, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DistrictKind.choices)
    area_km2 = models.FloatField(_("area, km²"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
