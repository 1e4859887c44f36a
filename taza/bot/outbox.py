"""Deliver messages to citizens' chats from a database outbox: never lost, sent once.

Whatever tells a citizen something outside a live conversation (a change of their
report's state) writes an ``OutboundMessage`` row, in the same transaction as the change
when there is one, under a key that makes writing it twice harmless. The bot process
delivers the rows: the polling loop and the webhook server both run ``deliver_forever``,
so it works in the embedded default without a broker; with a broker the task queue also
delivers them every minute (``taza.bot.tasks.deliver_outbox``), so messages go out while
the bot process is down or busy. Each deliverer claims a row for ``CLAIM`` before sending
it, so two of them at once never send one row twice. A message is marked sent only after
Telegram accepted it; a 429 moves it to after ``retry_after``; a network error or a 5xx
backs off exponentially; a chat that blocked the bot (403) or no longer exists (400 "chat
not found") is given up and logged. Between the
send and the mark a killed process would send that one message again on restart: that is
the one duplicate Telegram's API allows no way around, and it needs a kill in a window of
milliseconds.

Pace: at most one message a second to one chat and ``GLOBAL_PER_SECOND`` in all, inside
Telegram's documented limits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import FSInputFile, InlineKeyboardMarkup
from asgiref.sync import sync_to_async
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from taza.bot.delivery import CAPTION_LIMIT, MESSAGE_LIMIT, fit, no_waiting
from taza.bot.models import OutboundMessage

logger = logging.getLogger(__name__)

GLOBAL_PER_SECOND = 25
PER_CHAT_SECONDS = 1.0
MAX_BACKOFF = timedelta(hours=1)
GIVE_UP_AFTER = 20
# How long a deliverer holds a row it is sending: longer than any send may take (aiogram's
# request timeout is 60 s), so a row is taken again only after its deliverer died.
CLAIM = timedelta(seconds=90)


def enqueue(
    *,
    key: str,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    photo: str = "",
) -> bool:
    """Put a message in the outbox; False when one with this key is already there."""
    try:
        with transaction.atomic():
            OutboundMessage.objects.create(
                key=key[:200],
                chat_id=chat_id,
                text=text,
                reply_markup=markup.model_dump(mode="json", exclude_none=True) if markup else None,
                photo=photo,
            )
    except IntegrityError:
        return False
    return True


def unclaimed(now: Any) -> models.Q:
    return models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now)


def due(limit: int, per_chat_seconds: float = PER_CHAT_SECONDS) -> list[OutboundMessage]:
    """Claim and return up to ``limit`` due messages no other deliverer holds.

    A chat that any deliverer sent to less than ``per_chat_seconds`` ago waits a round.
    """
    now = timezone.now()
    waiting = OutboundMessage.objects.filter(
        unclaimed(now),
        sent_at__isnull=True,
        given_up_at__isnull=True,
        next_attempt_at__lte=now,
    )
    just_sent = OutboundMessage.objects.filter(
        sent_at__gte=now - timedelta(seconds=per_chat_seconds)
    ).values("chat_id")
    rows = list(waiting.exclude(chat_id__in=just_sent).order_by("next_attempt_at", "pk")[:limit])
    claimed = []
    for row in rows:
        # One conditional UPDATE per row: of two deliverers reading the same row, only the
        # first one's UPDATE matches, on SQLite and PostgreSQL alike.
        if waiting.filter(pk=row.pk).update(claimed_until=now + CLAIM):
            claimed.append(row)
    return claimed


def mark_sent(pk: int) -> None:
    OutboundMessage.objects.filter(pk=pk).update(
        sent_at=timezone.now(), last_error="", claimed_until=None
    )


def release(pk: int) -> None:
    """Hand a claimed row back untouched (its chat was paced out of this round)."""
    OutboundMessage.objects.filter(pk=pk).update(claimed_until=None)


def postpone(pk: int, seconds: float, error: str) -> None:
    """Try again later; give up after GIVE_UP_AFTER tries."""
    with transaction.atomic():
        row = OutboundMessage.objects.select_for_update().get(pk=pk)
        row.attempts += 1
        row.last_error = error[:500]
        row.next_attempt_at = timezone.now() + timedelta(seconds=seconds)
        row.claimed_until = None
        if row.attempts >= GIVE_UP_AFTER:
            row.given_up_at = timezone.now()
        row.save(
            update_fields=[
                "attempts",
                "last_error",
                "next_attempt_at",
                "given_up_at",
                "claimed_until",
            ]
        )


def give_up(pk: int, error: str) -> None:
    OutboundMessage.objects.filter(pk=pk).update(
        given_up_at=timezone.now(), last_error=error[:500], claimed_until=None
    )


def backoff(attempts: int) -> float:
    """Wait 2, 4, 8… seconds after each failure, at most an hour."""
    return float(min(2 ** (attempts + 1), MAX_BACKOFF.total_seconds()))


class Outbox:
    """Deliver due messages at a pace Telegram accepts."""

    def __init__(self, bot: Bot, *, per_chat_seconds: float = PER_CHAT_SECONDS) -> None:
        self.bot = bot
        self.per_chat_seconds = per_chat_seconds
        self._last_to_chat: dict[int, float] = {}

    async def _send(self, row: OutboundMessage) -> None:
        markup = InlineKeyboardMarkup.model_validate(row.reply_markup) if row.reply_markup else None
        if row.photo and Path(row.photo).is_file():
            caption = fit(row.text, CAPTION_LIMIT)
            await self.bot.send_photo(
                row.chat_id, FSInputFile(row.photo), caption=caption, reply_markup=markup
            )
            if caption != row.text:  # the rest of a long text follows the photo
                await self.bot.send_message(row.chat_id, fit(row.text, MESSAGE_LIMIT))
        else:
            await self.bot.send_message(
                row.chat_id, fit(row.text, MESSAGE_LIMIT), reply_markup=markup
            )

    async def deliver_due(self, limit: int = GLOBAL_PER_SECOND) -> int:
        """Send the messages that are due now, at most ``limit``; return how many went."""
        token = no_waiting.set(True)  # a 429 postpones one message, not all the rest
        try:
            return await self._deliver_due(limit)
        finally:
            no_waiting.reset(token)

    async def _deliver_due(self, limit: int) -> int:
        sent = 0
        for row in await sync_to_async(due)(limit, self.per_chat_seconds):
            since = time.monotonic() - self._last_to_chat.get(row.chat_id, -1e9)
            if since < self.per_chat_seconds:
                await sync_to_async(release)(row.pk)
                continue  # this chat got a message less than a second ago: next round
            try:
                await self._send(row)
            except TelegramRetryAfter as exc:
                await sync_to_async(postpone)(row.pk, float(exc.retry_after), str(exc))
                continue
            except TelegramForbiddenError as exc:  # the person blocked the bot
                await sync_to_async(give_up)(row.pk, str(exc))
                continue
            except TelegramBadRequest as exc:
                if "chat not found" in str(exc).lower():
                    await sync_to_async(give_up)(row.pk, str(exc))
                else:
                    await sync_to_async(postpone)(row.pk, backoff(row.attempts), str(exc))
                continue
            except (TelegramNetworkError, TelegramServerError, OSError) as exc:
                await sync_to_async(postpone)(row.pk, backoff(row.attempts), str(exc))
                continue
            self._last_to_chat[row.chat_id] = time.monotonic()
            await sync_to_async(mark_sent)(row.pk)
            sent += 1
        return sent

    async def deliver_forever(self, idle: float = 1.0, stop: asyncio.Event | None = None) -> None:
        """Deliver due messages about once a second until stopped."""
        while stop is None or not stop.is_set():
            try:
                await self.deliver_due()
            except Exception:  # a lost database connection must not end delivery for good
                logger.exception("outbox round failed")
            await asyncio.sleep(idle)


KEEP_DONE = timedelta(days=30)


def forget_done(now: Any = None) -> int:
    """Delete messages sent or given up more than KEEP_DONE ago: they hold personal text."""
    cutoff = (now or timezone.now()) - KEEP_DONE
    deleted, _kinds = OutboundMessage.objects.filter(
        models.Q(sent_at__lt=cutoff) | models.Q(given_up_at__lt=cutoff)
    ).delete()
    return deleted


def due_count() -> int:
    """Count the messages due now that no deliverer holds."""
    now = timezone.now()
    return OutboundMessage.objects.filter(
        unclaimed(now), sent_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=now
    ).count()


def pending_count() -> int:
    return OutboundMessage.objects.filter(sent_at__isnull=True, given_up_at__isnull=True).count()


def deliver_now(bot: Bot, **options: Any) -> int:
    """Deliver what is due from synchronous code (a management command, a test)."""

    async def run() -> int:
        try:
            return await Outbox(bot).deliver_due(**options)
        finally:
            await bot.session.close()

    return asyncio.run(run())
