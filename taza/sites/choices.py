"""Choices of the sites domain: the kinds and states its records take."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteKind(models.TextChoices):
    DUMP = "dump", _("unauthorised dump")
    LANDFILL = "landfill", _("authorised landfill")
    LANDFILL_BREACH = "landfill_breach", _("landfill boundary breach")
    WASTEWATER = "wastewater", _("waste-water discharge")


class SiteState(models.TextChoices):
    CANDIDATE = "candidate", _("candidate")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected as a false positive")
    ASSIGNED = "assigned", _("liquidation assigned")
    LIQUIDATED = "liquidated", _("liquidated")
    REINSPECTED = "reinspected", _("re-inspected: clean")
    REAPPEARED = "reappeared", _("re-appeared")


class SiteSource(models.TextChoices):
    CITIZEN = "citizen", _("citizen report")
    SATELLITE = "satellite", _("space monitoring")
    RAID = "raid", _("raid or inspection")
    IMPORT = "import", _("imported list")


class SitePhotoKind(models.TextChoices):
    SIGHTING = "sighting", _("sighting")
    PROOF = "proof", _("proof of liquidation")


class ScanStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
