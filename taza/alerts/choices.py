"""What staff can be alerted to, and how."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    NEW_REPORT = "new_report", _("new reports in my territory")
    DISPUTE = "dispute", _("resolutions disputed by reporters")
    DUE_SOON = "due_soon", _("reports about to go overdue")
    RETURNED = "returned", _("my body's plan reports returned by analysts")
    CANDIDATE = "candidate", _("new waste-site candidates from space")
    AIR_POST_SILENT = "air_post_silent", _("air-monitoring posts that sent nothing for a day")
    FIRE = "fire", _("wildfires seen from space in my territory (always at once)")
    FLOOD = "flood", _("river gauges nearing or passing their danger mark (always at once)")


class AlertMode(models.TextChoices):
    OFF = "off", _("never")
    IMMEDIATE = "immediate", _("at once")
    DIGEST = "digest", _("in the daily digest")


# What a person gets until they choose: everything, once a day.
DEFAULT_MODE = AlertMode.DIGEST
