"""Send to Telegram within its documented limits, and retry what it asks us to retry.

Telegram answers 429 with ``retry_after`` when a bot sends too fast (about one message a
second to one chat, thirty a second overall); the request is then simply to be made
again after that many seconds. Texts longer than 4,096 characters (captions: 1,024) are
refused outright, so every text the bot builds from what people typed is fitted first.
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
ELLIPSIS = "…"
MAX_WAIT_SECONDS = 60  # a live answer waits at most this long in all; the outbox waits longer

# Set by the outbox: it does not wait in line after a 429 but postpones the message and
# goes on with other chats.
no_waiting: ContextVar[bool] = ContextVar("no_waiting", default=False)


def units(text: str) -> int:
    """Count the text as Telegram does, in UTF-16 code units (an emoji may count two)."""
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Return the text cut to Telegram's limit, ending in an ellipsis when it was cut."""
    if units(text) <= limit:
        return text
    room = limit - units(ELLIPSIS)
    cut = text[:room]
    while units(cut) > room:  # astral characters count twice: drop until it fits
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS


def shorten(text: str, room: int) -> str:
    """Shorten one part of a message (a description in a summary) to leave room for the rest."""
    return fit(text, max(len(ELLIPSIS) + 1, room))


class RetryAfter(BaseRequestMiddleware):
    """Make a request again after the ``retry_after`` Telegram asked for, a few times.

    A prompt, an answer to a button press, or a file download during Send that meets a
    429 is delayed, not dropped. After ``attempts`` tries, or once the waits would pass
    ``budget`` seconds, the error goes to the caller.
    """

    def __init__(self, attempts: int = 4, budget: float = MAX_WAIT_SECONDS) -> None:
        self.attempts = attempts
        self.budget = budget

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if no_waiting.get():
            return await make_request(bot, method)
        waited = 0.0
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                wait = float(exc.retry_after)
                if attempt == self.attempts or waited + wait > self.budget:
                    raise
                logger.warning(
                    "telegram asked to wait",
                    extra={"method": type(method).__name__, "retry_after": wait},
                )
                await asyncio.sleep(wait)
                waited += wait
        raise AssertionError("unreachable")  # the loop returns or raises


class FitText(BaseRequestMiddleware):
    """Cut every outgoing text and caption to Telegram's limit before it is sent.

    Texts are built to fit (a summary shortens the description); this is the last line,
    so that no message is ever refused for its length and lost.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        text = getattr(method, "text", None)
        if isinstance(text, str) and units(text) > MESSAGE_LIMIT:
            method.text = fit(text, MESSAGE_LIMIT)  # type: ignore[attr-defined]
        caption = getattr(method, "caption", None)
        if isinstance(caption, str) and units(caption) > CAPTION_LIMIT:
            method.caption = fit(caption, CAPTION_LIMIT)  # type: ignore[attr-defined]
        return await make_request(bot, method)


def polite(bot: Bot, **options: Any) -> Bot:
    """Return the bot with texts fitted to Telegram's limits and 429s retried."""
    bot.session.middleware(FitText())
    bot.session.middleware(RetryAfter(**options))
    return bot
