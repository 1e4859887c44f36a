"""Staff alerts: what each person chose, and what was sent, so nothing is sent twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.alerts.choices import AlertKind, AlertMode


class AlertPreference(models.Model):
    """How one person wants to hear of one kind of event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences"
    )
    kind = models.CharField(_("event"), max_length=16, choices=AlertKind.choices)
    mode = models.CharField(_("how"), max_length=12, choices=AlertMode.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_mode_per_kind")]
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.mode}"


class AlertSent(models.Model):
    """One event told to one person at once; the unique key keeps a second run silent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="one_alert_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.key}"


class DigestSent(models.Model):
    """The daily digest of one person for one day: claimed once, so sent once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.items}"


class EnterpriseNotice(models.Model):
    """An НМУ warning told to one enterprise of the city: made once, marked when it went.

    An enterprise must cut its emissions while НМУ lasts (the degree says by how much);
    ``delivered_at`` stays empty until the mail went, so a failed run tries again and a
    run after it sends nothing.
    """

    warning = models.ForeignKey(
        "air.NmuWarning", on_delete=models.CASCADE, related_name="+", verbose_name=_("warning")
    )
    facility = models.ForeignKey(
        "databank.Facility", on_delete=models.CASCADE, related_name="+", verbose_name=_("facility")
    )
    delivered_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["warning", "facility"], name="one_notice_per_warning")
        ]
        verbose_name = _("НМУ notice to an enterprise")
        verbose_name_plural = _("НМУ notices to enterprises")

    def __str__(self) -> str:
        return f"{self.warning_id} {self.facility_id}"


class ChatLink(models.Model):
    """A staff member's Telegram chat, linked by a one-time code, where alerts also go.

    The person asks for a code on their alerts page and sends it to the bot; only the
    code's hash is kept, for ``CODE_MINUTES``. One Telegram account serves one person.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_link"
    )
    telegram = models.OneToOneField(
        "bot.TelegramProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_link",
    )
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    email_alerts = models.BooleanField(_("also by e-mail"), default=True)

    audit_personal = frozenset({"telegram"})

    class Meta:
        verbose_name = _("staff Telegram link")
        verbose_name_plural = _("staff Telegram links")

    def __str__(self) -> str:
        return f"{self.user_id}: {'linked' if self.telegram_id else 'not linked'}"
