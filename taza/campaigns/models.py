"""Cleanup campaigns: every subbotnik, tree planting and clean-up day as a record.

A campaign (national or regional, of one of the programme's sub-campaign kinds) has
events; people register for events (on the web or through the bot); organisers
confirm who came and report results, which analysts accept or return. Totals are
queries over accepted results, never sums typed by hand.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from taza.bodies.models import Body
from taza.campaigns.choices import (
    CampaignKind,
    EventStatus,
    OrganiserKind,
    RegistrationStatus,
    ResultStatus,
)
from taza.geo.models import District, Region, in_language


class Campaign(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=CampaignKind.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("empty for a national campaign"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                name="campaign_ends_after_start", condition=Q(ends_on__gte=models.F("starts_on"))
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self, "name", fallback="ru")


class Event(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="events", verbose_name=_("campaign")
    )
    # The title as the organiser wrote it, and, where given, in each of the three languages.
    title = models.CharField(_("title"), max_length=200)
    title_kk = models.CharField(_("title in Kazakh"), max_length=200, blank=True)
    title_ru = models.CharField(_("title in Russian"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    organiser_kind = models.CharField(
        _("organiser kind"), max_length=16, choices=OrganiserKind.choices
    )
    organiser_name = models.CharField(_("organiser"), max_length=200)
    organiser_body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("organising akimat")
    )
    # An account may go; the event stays, with the organiser's name.
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="organised_events",
        verbose_name=_("organiser's account"),
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    area_geojson = models.TextField(_("area (GeoJSON polygon)"), blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    address = models.CharField(_("meeting point"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("empty for no limit")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Registered waste sites the event sets out to clean: accepted results liquidate them.
    target_sites = models.ManyToManyField(
        "sites.WasteSite", blank=True, related_name="cleanup_events", verbose_name=_("waste sites")
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                name="event_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d.%m.%Y})"

    def get_absolute_url(self) -> str:
        """Return the event's page."""
        return reverse("campaigns:event", args=[self.pk])

    @property
    def display_title(self) -> str:
        """Return the title in the reader's language, or as the organiser wrote it."""
        language = (get_language() or "kk")[:2]
        return str(getattr(self, f"title_{language}", "") or self.title)

    @property
    def is_over(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def hours(self) -> float:
        return round(min((self.ends_at - self.starts_at).total_seconds() / 3600, 12), 1)


ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class Registration(models.Model):
    """A person's place at an event: a web account or a Telegram user of the bot."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("person"),
    )
    telegram = models.ForeignKey(
        "bot.TelegramProfile",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("Telegram user"),
    )
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    channel = models.CharField(_("channel"), max_length=8, default="web")
    hours = models.DecimalField(
        _("volunteer hours"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    # Who registered is personal data: the trail records that it was set, not who.
    audit_personal = frozenset({"user", "telegram"})

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(user__isnull=False), name="one_place_per_user"
            ),
            models.UniqueConstraint(
                fields=["event", "telegram"],
                condition=Q(telegram__isnull=False),
                name="one_place_per_telegram_user",
            ),
            models.CheckConstraint(
                name="registration_has_one_person",
                condition=(Q(user__isnull=False) & Q(telegram__isnull=True))
                | (Q(user__isnull=True) & Q(telegram__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        # No Telegram id or login here: this text is the record's title in the audit trail.
        return f"{self.event_id}: {self.status}"


def tonnes(label: StrOrPromise) -> models.DecimalField[Decimal, Decimal]:
    """Make a field of tonnes of waste, never negative, to the kilogram."""
    return models.DecimalField(
        label, max_digits=12, decimal_places=3, default=0, validators=[MinValueValidator(0)]
    )


# The figures an event's result reports, in the order forms and exports show them; the
# recycled ones add up to what was recycled, which cannot exceed what was collected.
RECYCLED_FIELDS = ("tonnes_plastic", "tonnes_metal", "tonnes_paper", "tonnes_glass", "tonnes_other")
FIGURE_FIELDS = (
    "participants",
    "volunteers",
    "tonnes_collected",
    *RECYCLED_FIELDS,
    "hectares_cleaned",
    "trees_planted",
)


class EventResult(models.Model):
    """What an event achieved, as its organiser reports it; counted once accepted."""

    event = models.OneToOneField(
        Event, on_delete=models.PROTECT, related_name="result", verbose_name=_("event")
    )
    participants = models.PositiveIntegerField(_("participants"))
    volunteers = models.PositiveIntegerField(_("of whom volunteers"))
    tonnes_collected = tonnes(_("tonnes collected"))
    tonnes_plastic = tonnes(_("recycled: plastic, t"))
    tonnes_metal = tonnes(_("recycled: metal, t"))
    tonnes_paper = tonnes(_("recycled: paper, t"))
    tonnes_glass = tonnes(_("recycled: glass, t"))
    tonnes_other = tonnes(_("recycled: other, t"))
    hectares_cleaned = models.DecimalField(
        _("hectares cleaned"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    trees_planted = models.PositiveIntegerField(_("trees planted"), default=0)
    flags = models.JSONField(_("implausible values"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ResultStatus.choices, default=ResultStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("analyst's comment"), blank=True)

    class Meta:
        verbose_name = _("event result")
        verbose_name_plural = _("event results")
        constraints = [
            models.CheckConstraint(
                name="volunteers_among_participants",
                condition=Q(volunteers__lte=models.F("participants")),
                violation_error_message=_(
                    "Volunteers are counted among the participants: there cannot be more of them."
                ),
            ),
            models.CheckConstraint(
                name="recycled_within_collected",
                condition=Q(
                    tonnes_collected__gte=sum(
                        (models.F(name) for name in RECYCLED_FIELDS[1:]),
                        models.F(RECYCLED_FIELDS[0]),
                    )
                ),
                violation_error_message=_("More waste cannot be recycled than was collected."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.participants}"

    @property
    def tonnes_recycled(self) -> Decimal:
        """Add up the recycled tonnes of every material."""
        return sum((getattr(self, name) for name in RECYCLED_FIELDS), Decimal(0))

    # The access rules in accounts.permissions read these two attributes.
    @property
    def region_id(self) -> int:
        return self.event.region_id

    @property
    def district_id(self) -> int | None:
        return self.event.district_id


class ResultPhoto(models.Model):
    result = models.ForeignKey(EventResult, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="campaigns/%Y/%m/")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("result photo")
        verbose_name_plural = _("result photos")

    def __str__(self) -> str:
        return str(self.image.name)
