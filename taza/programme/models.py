"""Store the Concept's action plan and the executors' reports on it.

Directions, indicators, measures, targets and the executors' reports on them.

The plan itself is reference data loaded from ``data/plan.json``; targets and
reports are what the monitoring centre collects over the programme's six years.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from taza.bodies.models import Body
from taza.core.files import private_storage, upload_path
from taza.geo.models import Region, in_language
from taza.programme.choices import (
    Assessment,
    DeadlineKind,
    Period,
    ReportSource,
    ReportStatus,
    TargetSource,
    ValueKind,
)

# The years of the Concept "Taza Qazaqstan" (2024–2029): pages and reports take no other.
FIRST_YEAR, LAST_YEAR = 2024, 2029


LANGUAGE_ORDER = ("kk", "ru", "en")


def notes_in_language(flags: list[Any]) -> list[str]:
    """Return notes kept as [kk, ru, en] in the reader's language (Russian if missing)."""
    language = (get_language() or "kk")[:2]
    index = LANGUAGE_ORDER.index(language) if language in LANGUAGE_ORDER else 1
    return [str(f[index] or f[1]) if isinstance(f, list) else str(f) for f in flags]


class Trilingual(models.Model):
    """Long names in three languages (measure names run past 200 characters)."""

    name_kk = models.TextField(_("name (Kazakh)"))
    name_ru = models.TextField(_("name (Russian)"))
    name_en = models.TextField(_("name (English)"))

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return in_language(self, "name", fallback="ru")


class Direction(Trilingual):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    indicators_wording = models.TextField(_("target indicators, as worded in the plan"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Indicator(Trilingual):
    code = models.CharField(_("code"), max_length=32, unique=True)
    direction = models.ForeignKey(
        Direction, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("direction")
    )
    unit = models.CharField(_("unit"), max_length=16)
    count_unit_kk = models.CharField(max_length=32, blank=True)
    count_unit_ru = models.CharField(max_length=32, blank=True)
    count_unit_en = models.CharField(max_length=32, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    flags = models.JSONField(_("notes on the source"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["direction__number", "order"]
        verbose_name = _("target indicator")
        verbose_name_plural = _("target indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def notes(self) -> list[str]:
        return notes_in_language(self.flags)

    @property
    def count_unit(self) -> str:
        return in_language(self, "count_unit", fallback="ru")


class IndicatorValue(models.Model):
    """One yearly plan or fact of an indicator, for the country or one region."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=4, choices=ValueKind.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3, null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    quote = models.TextField(_("wording in the source"), blank=True)

    class Meta:
        ordering = ["indicator", "year", "kind"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "year", "kind"], name="one_value_per_region_year"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "kind"],
                condition=Q(region__isnull=True),
                name="one_national_value_per_year",
            ),
            models.CheckConstraint(
                name="indicator_value_given",
                condition=Q(value__isnull=False) | Q(count__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} {self.kind}"


RECURRING = (DeadlineKind.ANNUAL, DeadlineKind.QUARTERLY, DeadlineKind.UNTIL)


class Measure(Trilingual):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    direction = models.ForeignKey(
        Direction, on_delete=models.PROTECT, related_name="measures", verbose_name=_("direction")
    )
    form_kk = models.TextField(_("completion form (Kazakh)"), blank=True)
    form_ru = models.TextField(_("completion form (Russian)"), blank=True)
    form_en = models.TextField(_("completion form (English)"), blank=True)
    deadline_wording = models.CharField(_("deadline, as worded in the plan"), max_length=200)
    deadline_kind = models.CharField(_("deadline kind"), max_length=16, choices=DeadlineKind)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    due = models.DateField(_("final deadline"))
    target_unit_kk = models.CharField(max_length=32, blank=True)
    target_unit_ru = models.CharField(_("target unit"), max_length=32, blank=True)
    target_unit_en = models.CharField(max_length=32, blank=True)
    executors_wording = models.TextField(_("executors, as worded in the plan"))
    progress_2024 = models.TextField(_("progress information for 2024, as published"), blank=True)
    # Notes for analysts on how the plan's text was read, each as [kk, ru, en].
    flags = models.JSONField(_("notes on the source"), default=list, blank=True)
    removed_on = models.DateField(_("removed from control on"), null=True, blank=True)
    removed_note_kk = models.TextField(blank=True)
    removed_note_ru = models.TextField(_("why it was removed"), blank=True)
    removed_note_en = models.TextField(blank=True)
    bodies: models.ManyToManyField[Body, MeasureExecutor] = models.ManyToManyField(
        Body, through="MeasureExecutor", related_name="measures"
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"{self.number}. {self.name_ru[:80]}"

    def get_absolute_url(self) -> str:
        """Return the measure's page."""
        return reverse("programme:measure", args=[self.number])

    @property
    def form(self) -> str:
        return in_language(self, "form", fallback="ru")

    @property
    def target_unit(self) -> str:
        return in_language(self, "target_unit", fallback="ru")

    @property
    def removed_note(self) -> str:
        return in_language(self, "removed_note", fallback="ru")

    @property
    def notes(self) -> list[str]:
        return notes_in_language(self.flags)

    @property
    def is_recurring(self) -> bool:
        return self.deadline_kind in RECURRING


class MeasureExecutor(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="executors", verbose_name=_("measure")
    )
    body = models.ForeignKey(Body, on_delete=models.PROTECT, verbose_name=_("body"))
    is_lead = models.BooleanField(_("lead executor"), default=False)
    by_agreement = models.BooleanField(_("by agreement"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    wording = models.CharField(_("as worded in the plan"), max_length=200)

    class Meta:
        ordering = ["measure", "order"]
        verbose_name = _("executor")
        verbose_name_plural = _("executors")
        constraints = [
            models.UniqueConstraint(fields=["measure", "body"], name="one_executor_entry")
        ]

    def __str__(self) -> str:
        return f"{self.measure.number}: {self.wording}"


class MeasureTarget(models.Model):
    """A quantitative target for one year, national (no region) or one region's."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="targets", verbose_name=_("measure")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    source = models.CharField(_("source"), max_length=16, choices=TargetSource.choices)
    quote = models.TextField(_("wording in the source"), blank=True)

    class Meta:
        ordering = ["measure", "region", "year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "region", "year"], name="one_regional_target_per_year"
            ),
            models.UniqueConstraint(
                fields=["measure", "year"],
                condition=Q(region__isnull=True),
                name="one_national_target_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} {self.region or '—'} {self.year}: {self.value}"


# A returned report is to be corrected and sent again within this many days.
RESEND_DAYS = 10


class ExecutorReport(models.Model):
    """What one executor reports on one measure for one period (and region, for akimats)."""

    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="reports", verbose_name=_("measure")
    )
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="plan_reports", verbose_name=_("executor")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=Period.choices)
    text = models.TextField(_("progress information"))
    fact_value = models.DecimalField(
        _("fact"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    assessment = models.CharField(_("assessment"), max_length=16, choices=Assessment.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    source = models.CharField(_("source"), max_length=16, choices=ReportSource.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("analyst's comment"), blank=True)

    class Meta:
        ordering = ["measure", "year", "period", "region", "body"]
        verbose_name = _("executor's report")
        verbose_name_plural = _("executors' reports")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "body", "region", "year", "period"],
                name="one_report_per_executor_period",
            ),
            models.UniqueConstraint(
                fields=["measure", "body", "year", "period"],
                condition=Q(region__isnull=True),
                name="one_national_report_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} · {self.body} · {self.year} {self.period}"

    # The access rules in accounts.permissions read these two attributes.
    @property
    def district_id(self) -> None:
        return None

    @property
    def resend_by(self) -> date | None:
        """Return the day by which a returned report is to be sent again, else None."""
        if self.status != ReportStatus.RETURNED or self.reviewed_at is None:
            return None
        return timezone.localdate(self.reviewed_at) + timedelta(days=RESEND_DAYS)


class ReportEvidence(models.Model):
    report = models.ForeignKey(
        ExecutorReport, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("report")
    )
    # Private: stored outside MEDIA_ROOT under a random name, served by a checking view.
    file = models.FileField(_("file"), upload_to=upload_path, storage=private_storage, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(name="evidence_file_or_link", condition=~Q(file="") | ~Q(url=""))
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.file.name


class RankingSettings(models.Model):
    """The weights and guards of the region ranking; administrators change them."""

    weight_measures = models.DecimalField(
        _("weight: plan measures on track"), max_digits=4, decimal_places=2, default=0.4
    )
    weight_citizen_reports = models.DecimalField(
        _("weight: citizen reports resolved on time"), max_digits=4, decimal_places=2, default=0.3
    )
    weight_reporting = models.DecimalField(
        _("weight: executor reports submitted on time"),
        max_digits=4,
        decimal_places=2,
        default=0.3,
    )
    weight_sites = models.DecimalField(
        _("weight: waste sites liquidated"), max_digits=4, decimal_places=2, default=0.1
    )
    weight_campaigns = models.DecimalField(
        _("weight: campaign results accepted"), max_digits=4, decimal_places=2, default=0.1
    )
    min_cases = models.PositiveSmallIntegerField(
        _("fewest cases for a component to count"), default=5
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ranking settings")
        verbose_name_plural = _("ranking settings")

    def __str__(self) -> str:
        return str(_("Ranking settings"))

    @classmethod
    def current(cls) -> RankingSettings:
        found = cls.objects.order_by("pk").first()
        return found if found is not None else cls()


class ReportReminder(models.Model):
    """One reminder sent to an executor about reports due on a day, so none goes twice."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, verbose_name=_("executor"))
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("region")
    )
    due = models.DateField(_("due"))
    days_before = models.SmallIntegerField(_("days before the deadline"))
    measures = models.JSONField(_("measures"), default=list)
    recipients = models.PositiveSmallIntegerField(_("people told"), default=0)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reporting reminder")
        verbose_name_plural = _("reporting reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "region", "due", "days_before"], name="one_reminder_per_day"
            ),
            models.UniqueConstraint(
                fields=["body", "due", "days_before"],
                condition=Q(region__isnull=True),
                name="one_national_reminder_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.due} ({self.days_before})"
