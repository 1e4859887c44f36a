"""Citizens' reports: the service catalogue and the report life cycle."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.bodies.models import Body
from taza.geo.models import District, Region, TrilingualName, in_language
from taza.reports.choices import (
    OPEN_STATES,
    Channel,
    PhotoKind,
    ReportState,
    ResponsibleLevel,
)
from taza.reports.querysets import ReportQuerySet

# The longest description a report may have: every form, serializer and bot step reads it
# from the field (Report.description.field.max_length), never from a copy.
MAX_DESCRIPTION = 5000


class ServiceCategory(TrilingualName):
    """A kind of problem citizens report, who handles it and how fast (FixMyStreet's contact)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    responsible_level = models.CharField(
        _("handled by"),
        max_length=16,
        choices=ResponsibleLevel.choices,
        default=ResponsibleLevel.DISTRICT,
    )
    # Deadlines, in hours, for each state that waits on somebody.
    accept_hours = models.PositiveIntegerField(_("hours to accept"), default=24)
    resolve_hours = models.PositiveIntegerField(_("hours to resolve"), default=120)
    dispute_hours = models.PositiveIntegerField(_("hours the reporter may dispute"), default=72)
    review_hours = models.PositiveIntegerField(_("hours to review a dispute"), default=72)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

    @property
    def description(self) -> str:
        return in_language(self, "description", fallback="ru")


# Bucket edges, in hours, for the time from report to resolution (see ReportRollup).
HOUR_EDGES = (1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 504, 720, 1440)
BUCKETS = [f"h{i:02d}" for i in range(len(HOUR_EDGES) + 1)]


class Report(models.Model):
    """Hold one citizen's report: what, where, who handles it, and its state."""

    public_id = models.CharField(_("number"), max_length=12, unique=True)
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("category"),
    )
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION)
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # H3 cell (resolution 10, about 66 m across) for fast nearness queries.
    h3_cell = models.CharField(max_length=16, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", null=True)
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="reports", verbose_name=_("responsible body")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.NEW
    )
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    # Whether the last resolution came after the deadline then in force: the one rule for
    # "resolved on time" that the scorecards and the statistics read.
    resolved_late = models.BooleanField(_("resolved late"), default=False)
    # Who inside the responsible body works on it: staff, never shown to the public.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_reports",
        verbose_name=_("assigned to"),
    )
    # Or a crew of that body, as one (never both): its members all find it as theirs.
    assigned_crew = models.ForeignKey(
        "accounts.Crew",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("assigned to the crew"),
    )
    escalated_at = models.DateTimeField(_("escalated to the region"), null=True, blank=True)
    dispute_count = models.PositiveSmallIntegerField(_("disputes"), default=0)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Where it came from; a retry of the same message never makes a second report.
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    channel_message_id = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    # Personal data: never shown publicly, never in the public API or open data.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=32, blank=True)
    reporter_telegram_id = models.BigIntegerField(null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="kk"
    )
    # A secret that lets an anonymous reporter confirm or dispute from their link.
    reporter_token = models.CharField(max_length=43)

    # The reporter's identity and contact are personal data, kept out of the audit trail.
    audit_personal = frozenset(
        {"reporter", "reporter_name", "reporter_email", "reporter_phone", "reporter_telegram_id"}
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "channel_message_id"],
                condition=~Q(channel_message_id=""),
                name="one_report_per_channel_message",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline_at"]),
            models.Index(fields=["region", "state"]),
            models.Index(fields=["category", "h3_cell"]),
            models.Index(fields=["lat", "lon"]),
            # The console's open queue, nearest deadline first: read 50 in order, not
            # every open report sorted (at 300,000 reports, 0.4 ms instead of 64).
            models.Index(
                fields=["deadline_at", "created_at", "id"],
                condition=Q(state__in=[state.value for state in OPEN_STATES]),
                name="open_reports_by_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.public_id}"

    def get_absolute_url(self) -> str:
        """Return the report's public page."""
        return reverse("reports:detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_late(self) -> bool:
        """Tell whether the report is open past its deadline.

        The rule of ``ReportQuerySet.overdue``, for a report already in hand.
        """
        return (
            self.state in OPEN_STATES
            and self.deadline_at is not None
            and self.deadline_at < timezone.now()
        )


def _photo_path(instance: ReportPhoto, filename: str) -> str:
    return f"reports/{instance.report.public_id}/{filename}"


class ReportFollower(models.Model):
    """Someone else with the same problem, told of the report's progress ("mine too").

    Following instead of filing a second report keeps one report per problem. The e-mail
    address is personal data: it is used to write to the person and shown to no one.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(max_length=8, default="kk")
    created_at = models.DateTimeField(default=timezone.now)

    # Who follows is personal: the audit trail notes that it was set, never the value.
    audit_personal = frozenset({"user", "email"})

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "user"], condition=Q(user__isnull=False), name="follow_once_user"
            ),
            models.UniqueConstraint(
                fields=["report", "email"], condition=~Q(email=""), name="follow_once_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} ← {self.user_id or 'e-mail'}"


class ReportNote(models.Model):
    """A note staff keep on a report for each other: never public, unlike a step's note."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("internal note"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.report_id}: {self.text[:40]}"


class ReportPhoto(models.Model):
    """A photo re-encoded without its metadata; the original is never stored."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=8, choices=PhotoKind.choices, default=PhotoKind.REPORT)
    image = models.ImageField(upload_to=_photo_path)
    thumbnail = models.ImageField(upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.kind} {self.pk}"


class RollupCounts(models.Model):
    """The counts a rollup row keeps: by state, overdue, disputed, and time to resolve."""

    total = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    in_progress = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    disputed = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    ever_disputed = models.PositiveIntegerField(default=0)
    # Times from report to resolution, counted in buckets: h00 is under HOUR_EDGES[0]
    # hours, h01 under HOUR_EDGES[1], ..., h17 at HOUR_EDGES[-1] or more.
    h00 = models.PositiveIntegerField(default=0)
    h01 = models.PositiveIntegerField(default=0)
    h02 = models.PositiveIntegerField(default=0)
    h03 = models.PositiveIntegerField(default=0)
    h04 = models.PositiveIntegerField(default=0)
    h05 = models.PositiveIntegerField(default=0)
    h06 = models.PositiveIntegerField(default=0)
    h07 = models.PositiveIntegerField(default=0)
    h08 = models.PositiveIntegerField(default=0)
    h09 = models.PositiveIntegerField(default=0)
    h10 = models.PositiveIntegerField(default=0)
    h11 = models.PositiveIntegerField(default=0)
    h12 = models.PositiveIntegerField(default=0)
    h13 = models.PositiveIntegerField(default=0)
    h14 = models.PositiveIntegerField(default=0)
    h15 = models.PositiveIntegerField(default=0)
    h16 = models.PositiveIntegerField(default=0)
    h17 = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class ReportRollup(RollupCounts):
    """Counts of one day's reports in one region and category, for fast statistics.

    Rebuilt, a day at a time, from the reports whenever a report of that day changes
    (see ``stats.py``), so the statistics page sums a few thousand rows instead of
    scanning millions of reports.
    """

    day = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(ServiceCategory, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "region", "category"], name="one_rollup_row")
        ]
        indexes = [models.Index(fields=["region", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.region_id} {self.category_id}: {self.total}"


class DistrictRollup(RollupCounts):
    """The same counts, one day, one district and category: read for districts only.

    Kept apart from ``ReportRollup``, which has a tenth of its rows, so the country's
    figures stay a small sum; the districts' are read for one region, or for a download.
    """

    day = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    # Null for reports placed in a region but outside every district's outline.
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", null=True)
    category = models.ForeignKey(ServiceCategory, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["region", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.district_id} {self.category_id}: {self.total}"


class DirtyDay(models.Model):
    """A day whose rollup rows are out of date; cheap to mark, refreshed in batches."""

    day = models.DateField(primary_key=True)

    def __str__(self) -> str:
        return str(self.day)
