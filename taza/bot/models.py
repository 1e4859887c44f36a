"""What the bot remembers: people's language, conversations in progress, updates seen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _


class TelegramProfile(models.Model):
    """A Telegram user of the bot. The id and phone are personal data, never public."""

    telegram_id = models.BigIntegerField(primary_key=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    audit_personal = frozenset({"telegram_id", "phone"})

    def __str__(self) -> str:
        return _("Telegram user")


class BotConversation(models.Model):
    """The state of one chat's conversation, kept in the database to survive restarts."""

    bot_id = models.BigIntegerField()
    chat_id = models.BigIntegerField()
    user_id = models.BigIntegerField()
    destiny = models.CharField(max_length=32, default="default")
    state = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bot_id", "chat_id", "user_id", "destiny"], name="one_conversation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.chat_id}/{self.user_id}: {self.state}"


class SeenUpdate(models.Model):
    """An update the bot has handled; Telegram may deliver one twice."""

    update_id = models.BigIntegerField(primary_key=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return str(self.update_id)


class InboundUpdate(models.Model):
    """An update as Telegram sent it, kept before it is acknowledged (see inbox.py).

    It holds what a person wrote, so handled updates are deleted after a week.
    """

    update_id = models.BigIntegerField(primary_key=True)
    chat_id = models.BigIntegerField()
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["chat_id", "update_id"],
                condition=models.Q(handled_at__isnull=True),
                name="bot_inbound_pending",
            ),
            models.Index(fields=["handled_at"], name="bot_inbound_handled"),
        ]

    def __str__(self) -> str:
        return str(self.update_id)


class OutboundMessage(models.Model):
    """A message for a citizen's chat, delivered by the bot process or a task worker (outbox.py)."""

    key = models.CharField(max_length=200, unique=True)
    chat_id = models.BigIntegerField()
    text = models.TextField()
    reply_markup = models.JSONField(null=True, blank=True)
    photo = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # Set by the deliverer that took the row (the bot process or a task worker) for as long
    # as its send may take, so two deliverers running at once never send the same row.
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True, given_up_at__isnull=True),
                name="bot_outbound_due",
            ),
            # The per-chat pace looks up what went out in the last second.
            models.Index(fields=["sent_at"], name="bot_outbound_sent"),
        ]

    def __str__(self) -> str:
        return self.key
