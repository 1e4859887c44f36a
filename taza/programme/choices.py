"""Choices of the programme domain: the kinds and states its records take."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValueKind(models.TextChoices):
    PLAN = "plan", _("plan")
    FACT = "fact", _("fact")


class DeadlineKind(models.TextChoices):
    ANNUAL = "annual", _("every year")
    QUARTERLY = "quarterly", _("every quarter")
    YEAR = "year", _("within a year")
    MONTH = "month", _("by a month")
    ACADEMIC_YEAR = "academic_year", _("within an academic year")
    RELATIVE = "relative", _("relative to the Concept's approval")
    UNTIL = "until", _("by a year")


class TargetSource(models.TextChoices):
    PLAN = "plan", _("the national action plan")
    REGIONAL_PLAN = "regional_plan", _("the region's plan")
    PROGRESS_NOTE = "progress_note", _("a published progress note")
    DEMO = "demo", _("demo data")


class Period(models.TextChoices):
    HALF_YEAR = "H1", _("first half-year")
    YEAR = "Y", _("year")


class Assessment(models.TextChoices):
    DONE = "done", _("done")
    IN_PROGRESS = "in_progress", _("in progress")
    NOT_DONE = "not_done", _("not done")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")


class ReportSource(models.TextChoices):
    WEB = "web", _("web form")
    EXCEL = "excel", _("Excel template")
    API = "api", _("API")
    PUBLISHED = "published", _("published progress report")
    DEMO = "demo", _("demo data")
