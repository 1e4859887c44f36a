"""Take every update durably, then handle each chat's updates one at a time, in order.

Telegram delivers updates at least once: by long polling, an update counts as received
once a later ``getUpdates`` asks for the next offset; by webhook, once the bot answers
200. Taza stores each update in the database (``InboundUpdate``) before either happens,
so a bot killed at any moment loses nothing a person sent; an update delivered again
has the same ``update_id`` and is stored once.

Handling is separate from receiving. The updates of one chat are handled strictly in
``update_id`` order, one at a time (different chats in parallel), so a photo, a press of
"Done" and a description sent while the bot was down are read in the order they were
sent. An update is marked handled only after its handler returned; one that failed is
tried again, and after ``MAX_ATTEMPTS`` it is set aside (logged) so that it cannot
block the chat. A handler that had already committed its effect before a crash is run
again on restart: filing is idempotent, so that files nothing twice.

Photos sent as an album arrive as separate updates with one ``media_group_id``; the
handler of each is told whether more of the same album is waiting (``album_more``), so
the person gets one answer for the album, not one per photo.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from asgiref.sync import sync_to_async
from django.db import IntegrityError, transaction
from django.utils import timezone

from taza.bot.models import InboundUpdate

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
ALBUM_WAIT_SECONDS = 1.0  # the photos of one album reach the bot within about a second
KEEP_HANDLED = timedelta(days=7)


def chat_of(payload: dict[str, Any]) -> int:
    """Return the chat an update belongs to (the sender's id when it names no chat)."""
    for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if isinstance(payload.get(key), dict):
            return int(payload[key].get("chat", {}).get("id", 0))
    for key in ("callback_query", "inline_query", "my_chat_member", "chat_member"):
        item = payload.get(key)
        if isinstance(item, dict):
            message = item.get("message")
            if isinstance(message, dict) and "chat" in message:
                return int(message["chat"].get("id", 0))
            chat = item.get("chat")
            if isinstance(chat, dict):
                return int(chat.get("id", 0))
            return int(item.get("from", {}).get("id", 0))
    return 0


def media_group(payload: dict[str, Any]) -> str:
    message = payload.get("message")
    return str(message.get("media_group_id") or "") if isinstance(message, dict) else ""


def store(payload: dict[str, Any]) -> bool:
    """Keep an update; False when it was kept before (Telegram delivered it again)."""
    try:
        with transaction.atomic():
            InboundUpdate.objects.create(
                update_id=int(payload["update_id"]), chat_id=chat_of(payload), payload=payload
            )
    except IntegrityError:
        return False
    return True


def pending(chat_id: int, limit: int = 20) -> list[InboundUpdate]:
    return list(
        InboundUpdate.objects.filter(chat_id=chat_id, handled_at__isnull=True).order_by(
            "update_id"
        )[:limit]
    )


def pending_chats() -> list[int]:
    return list(
        InboundUpdate.objects.filter(handled_at__isnull=True)
        .values_list("chat_id", flat=True)
        .distinct()
    )


def mark_handled(update_id: int) -> None:
    InboundUpdate.objects.filter(update_id=update_id).update(handled_at=timezone.now())


def mark_failed(update_id: int) -> int:
    """Count a failed try; set the update aside after MAX_ATTEMPTS. Return the tries."""
    with transaction.atomic():
        row = InboundUpdate.objects.select_for_update().get(update_id=update_id)
        row.attempts += 1
        if row.attempts >= MAX_ATTEMPTS:
            row.handled_at = timezone.now()
        row.save(update_fields=["attempts", "handled_at"])
        return row.attempts


def forget_old(now: Any = None) -> int:
    """Delete handled updates older than KEEP_HANDLED: they hold what people wrote."""
    cutoff = (now or timezone.now()) - KEEP_HANDLED
    deleted, _kinds = InboundUpdate.objects.filter(handled_at__lt=cutoff).delete()
    return deleted


class Inbox:
    """Receive updates durably and hand them to the dispatcher, chat by chat, in order."""

    def __init__(
        self, bot: Bot, dispatcher: Dispatcher, *, album_wait: float = ALBUM_WAIT_SECONDS
    ) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        self.album_wait = album_wait
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}  # drains holding or waiting for each chat's lock
        self._tasks: set[asyncio.Task[None]] = set()

    async def take(self, payload: dict[str, Any]) -> bool:
        """Store one update as Telegram sent it; False for a repeated delivery."""
        return await sync_to_async(store)(payload)

    def schedule(self, chat_id: int) -> None:
        """Start handling a chat's pending updates, unless that is already under way."""
        task = asyncio.create_task(self.drain(chat_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, chat_id: int) -> None:
        """Handle every pending update of one chat, oldest first, one at a time."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            async with lock:
                while rows := await sync_to_async(pending)(chat_id):
                    row = rows[0]
                    group = media_group(row.payload)
                    if group and len(rows) == 1 and self.album_wait:
                        await asyncio.sleep(self.album_wait)  # the rest of the album may follow
                        rows = await sync_to_async(pending)(chat_id)
                    album_more = (
                        bool(group) and len(rows) > 1 and media_group(rows[1].payload) == group
                    )
                    await self._handle(row, album_more)
        finally:
            # Forget a quiet chat's lock, so a long-running process keeps one per busy chat,
            # not one per chat it ever heard from.
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                del self._waiting[chat_id]
                del self._locks[chat_id]

    async def _handle(self, row: InboundUpdate, album_more: bool) -> None:
        update = Update.model_validate(row.payload, context={"bot": self.bot})
        try:
            await self.dispatcher.feed_update(self.bot, update, album_more=album_more)
        except Exception:
            attempts = await sync_to_async(mark_failed)(row.update_id)
            logger.exception(
                "update failed", extra={"update_id": row.update_id, "attempts": attempts}
            )
            return
        await sync_to_async(mark_handled)(row.update_id)

    async def drain_all(self) -> None:
        """Handle whatever is pending in every chat (after a restart, or in tests)."""
        chats = await sync_to_async(pending_chats)()
        await asyncio.gather(*(self.drain(chat) for chat in chats))

    async def settle(self) -> None:
        """Wait until every scheduled chat has been handled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks))
