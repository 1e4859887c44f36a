"""Choices of the campaigns domain: the kinds and states its records take."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    TAZA_QAZAQSTAN = "taza_qazaqstan", _("“Taza Qazaqstan” action")
    TAZA_OLKE = "taza_olke", _("“Taza ölke” (clean land)")
    ZHASYL_AIMAQ = "zhasyl_aimaq", _("“Jasyl aimaq” (green zone)")
    MOLDIR_BULAQ = "moldir_bulaq", _("“Möldir bulaq” (clear spring)")
    KIELI_MEKEN = "kieli_meken", _("“Kieli meken” (sacred places)")
    ONEGELI_URPAQ = "onegeli_urpaq", _("“Önegeli urpaq” (exemplary generation)")
    WORLD_CLEANUP_DAY = "world_cleanup_day", _("World Cleanup Day")
    MARCH_OF_PARKS = "march_of_parks", _("“March of Parks”")


class OrganiserKind(models.TextChoices):
    AKIMAT = "akimat", _("akimat")
    SCHOOL = "school", _("school")
    UNIVERSITY = "university", _("university")
    COMPANY = "company", _("company")
    NGO = "ngo", _("NGO")
    VOLUNTEERS = "volunteers", _("volunteer group")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    CANCELLED = "cancelled", _("cancelled")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    WAITLISTED = "waitlisted", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")
    ATTENDED = "attended", _("attended")
    ABSENT = "absent", _("did not come")


class ResultStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")
