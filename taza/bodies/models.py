"""Responsible bodies: ministries, agencies and akimats, each bound to its territory."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taza.geo.models import District, Region, TrilingualName, in_language


class BodyKind(models.TextChoices):
    MINISTRY = "ministry", _("ministry")
    AGENCY = "agency", _("agency")
    REGIONAL_AKIMAT = "regional_akimat", _("regional akimat")
    DISTRICT_AKIMAT = "district_akimat", _("district akimat")
    # The action plan names some executors as a group ("МИО", "ОВПО"): they stand for
    # many bodies at once and carry no territory of their own.
    GROUP = "group", _("group of bodies")
    ORGANISATION = "organisation", _("organisation")
    # The Ministry of Ecology's department in a region (of its Committee for
    # Environmental Regulation and Control): it issues permits and inspects facilities
    # there. It is bound to its region, but it is not an akimat: reports are not routed
    # to it by place.
    ECOLOGY_DEPARTMENT = "ecology_department", _("territorial department of ecology")
    # The Ministry for Emergency Situations' department in a region: told of every fire
    # there. Bound to its region; reports are not routed to it by place.
    EMERGENCY_DEPARTMENT = (
        "emergency_department",
        _("territorial department of emergency situations"),
    )
    # The administration of a reserve or national park, or a state forestry institution:
    # told of the fires that touch the land it keeps. Bound to the region it lies in.
    NATURE_INSTITUTION = "nature_institution", _("protected area or forestry institution")


TERRITORIAL_KINDS = (BodyKind.REGIONAL_AKIMAT, BodyKind.DISTRICT_AKIMAT)
# The ministries' departments in the regions: each covers its whole region.
DEPARTMENT_KINDS = (BodyKind.ECOLOGY_DEPARTMENT, BodyKind.EMERGENCY_DEPARTMENT)
# Bodies that respond to hazards beside the akimats: their staff act on the fires
# routed to them, as operators, without a territory of reports.
RESPONDER_KINDS = (BodyKind.EMERGENCY_DEPARTMENT, BodyKind.NATURE_INSTITUTION)
# Kinds bound to a region: the akimats, the departments and the nature institutions.
REGIONAL_KINDS = (*TERRITORIAL_KINDS, *DEPARTMENT_KINDS, BodyKind.NATURE_INSTITUTION)


class Body(TrilingualName):
    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    abbr_kk = models.CharField(_("abbreviation (Kazakh)"), max_length=20, blank=True)
    abbr_ru = models.CharField(_("abbreviation (Russian)"), max_length=20, blank=True)
    abbr_en = models.CharField(_("abbreviation (English)"), max_length=20, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("region"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("district"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent body"),
    )
    # Office contacts are public; the personal contacts of staff live on their accounts.
    email = models.EmailField(_("office e-mail"), blank=True)
    phone = models.CharField(_("office phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("responsible body")
        verbose_name_plural = _("responsible bodies")
        constraints = [
            models.CheckConstraint(
                name="akimat_has_territory",
                condition=(~Q(kind__in=REGIONAL_KINDS) | Q(region__isnull=False)),
            ),
            models.CheckConstraint(
                name="district_akimat_has_district",
                condition=~Q(kind=BodyKind.DISTRICT_AKIMAT) | Q(district__isnull=False),
            ),
        ]

    @property
    def abbreviation(self) -> str:
        return in_language(self, "abbr", fallback="ru")

    @property
    def is_territorial(self) -> bool:
        return self.kind in TERRITORIAL_KINDS

    @property
    def has_operators(self) -> bool:
        """Tell whether people work for the body as operators: akimats and responders."""
        return self.kind in TERRITORIAL_KINDS or self.kind in RESPONDER_KINDS

    def clean(self) -> None:
        if self.kind in TERRITORIAL_KINDS and self.region_id is None:
            raise ValidationError({"region": _("An akimat must be bound to its region.")})
        if self.kind in DEPARTMENT_KINDS and self.region_id is None:
            raise ValidationError({"region": _("A department must be bound to its region.")})
        if self.kind in DEPARTMENT_KINDS and self.district_id is not None:
            raise ValidationError({"district": _("A department covers its whole region.")})
        if self.kind == BodyKind.NATURE_INSTITUTION and self.region_id is None:
            raise ValidationError(
                {"region": _("A protected area's or forestry institution's region is needed.")}
            )
        if self.kind == BodyKind.DISTRICT_AKIMAT and self.district_id is None:
            raise ValidationError(
                {"district": _("A district akimat must be bound to its district.")}
            )
        if self.kind == BodyKind.REGIONAL_AKIMAT and self.district_id is not None:
            raise ValidationError({"district": _("A regional akimat covers the whole region.")})
        if self.kind not in REGIONAL_KINDS and (self.region_id or self.district_id):
            raise ValidationError(
                _("Only akimats, regional departments and nature institutions have a territory.")
            )
        if self.district is not None and self.district.region_id != self.region_id:
            raise ValidationError({"district": _("The district lies in another region.")})
