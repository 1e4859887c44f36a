"""Choices of the reports domain: states, channels, levels, kinds of photo."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponsibleLevel(models.TextChoices):
    DISTRICT = "district", _("district or city akimat")
    REGION = "region", _("regional akimat")


class ReportState(models.TextChoices):
    NEW = "new", _("new")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    DISPUTED = "disputed", _("disputed")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")


# "Open" is defined here and nowhere else: somebody on the akimat's side owes the next
# step. A resolved report waits on the reporter, so it is not open; Open311's "closed"
# status and every "open" filter, count and map layer use these two tuples.
OPEN_STATES = (ReportState.NEW, ReportState.ACCEPTED, ReportState.IN_PROGRESS, ReportState.DISPUTED)
CLOSED_STATES = tuple(state for state in ReportState if state not in OPEN_STATES)


class Channel(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")
    OPEN311 = "open311", "Open311"
    TELEGRAM = "telegram", "Telegram"
    IMPORT = "import", _("import")


class PhotoKind(models.TextChoices):
    REPORT = "report", _("photo of the problem")
    PROOF = "proof", _("proof of resolution")
    DISPUTE = "dispute", _("photo from the reporter's dispute")
