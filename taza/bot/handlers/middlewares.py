"""Middlewares of every update: repeated deliveries and floods."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import Message, TelegramObject, Update
from asgiref.sync import sync_to_async
from django.utils.translation import gettext_noop

from taza.bot import services
from taza.bot.handlers.common import client_language, language, tr


async def drop_repeated_updates(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    update: TelegramObject,
    data: dict[str, Any],
) -> Any:
    """Handle each update once, however many times Telegram delivers it.

    An update is marked as handled only when its handler succeeded, so one that failed
    half-way (a network error) is handled again when Telegram redelivers it; filing a
    report is itself idempotent, so the retry cannot make a second one.
    """
    if not isinstance(update, Update):
        return await handler(update, data)
    if await sync_to_async(services.seen)(update.update_id):
        return None
    result = await handler(update, data)
    await sync_to_async(services.mark_seen)(update.update_id)
    return result


async def remember_client_language(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    update: TelegramObject,
    data: dict[str, Any],
) -> Any:
    """Let every step know the sender's Telegram language, for those who chose none."""
    user = data.get("event_from_user")
    token = client_language.set(getattr(user, "language_code", None))
    try:
        return await handler(update, data)
    finally:
        client_language.reset(token)


async def limit_rate(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    message: TelegramObject,
    data: dict[str, Any],
) -> Any:
    """Drop messages over the rate, answering the first of them only."""
    if not isinstance(message, Message) or message.from_user is None:
        return await handler(message, data)
    over = await sync_to_async(services.over_rate)(
        message.from_user.id, message.media_group_id or ""
    )
    if over == 0:
        return await handler(message, data)
    if over == 1:
        lang = await language(message.from_user.id, message.from_user.language_code)
        await message.answer(
            tr(lang, gettext_noop("Too many messages at once; please wait a few seconds."))
        )
    return None
