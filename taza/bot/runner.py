"""Run the bot: receive updates into the inbox, handle them chat by chat, drain the outbox.

Long polling and the webhook server differ only in how updates come in. In both, an
update is stored before Telegram is told it arrived (the next ``getUpdates`` offset, or
the webhook's 200), its chat's updates are handled in order, and the outbox is
delivered by the same process.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.methods import GetUpdates
from aiogram.types import BotCommand, BotCommandScopeDefault
from aiohttp import web
from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils.translation import gettext_noop

from taza.bot.handlers.common import tr
from taza.bot.inbox import Inbox, chat_of, forget_old
from taza.bot.outbox import Outbox, forget_done

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
POLL_TIMEOUT = 25
COMMANDS = (
    ("new", gettext_noop("report a problem")),
    ("my", gettext_noop("my reports")),
    ("events", gettext_noop("clean-ups near me")),
    ("mine", gettext_noop("my events")),
    ("air", gettext_noop("the air in a city, alerts")),
    ("hazards", gettext_noop("fires and floods near me, alerts")),
    ("language", gettext_noop("change the language")),
    ("help", gettext_noop("what the bot does")),
    ("cancel", gettext_noop("stop")),
)


async def set_commands(bot: Bot) -> None:
    """Set the command menu in Kazakh (the default), Russian and English."""
    for language in ("kk", "ru", "en"):
        commands = [BotCommand(command=c, description=tr(language, d)) for c, d in COMMANDS]
        await bot.set_my_commands(
            commands,
            scope=BotCommandScopeDefault(),
            language_code=None if language == "kk" else language,
        )


def payload_of(update: Any) -> dict[str, Any]:
    """Return an update as the Bot API's JSON, to store and read back unchanged."""
    data: dict[str, Any] = update.model_dump(mode="json", exclude_none=True, by_alias=True)
    return data


class Runner:
    """One bot process: the inbox, the chats' handling and the outbox."""

    def __init__(self, bot: Bot, dispatcher: Dispatcher) -> None:
        self.bot = bot
        self.inbox = Inbox(bot, dispatcher)
        self.outbox = Outbox(bot)
        self.stopping = asyncio.Event()

    async def start(self) -> asyncio.Task[None]:
        """Handle what a stopped or killed process left, and start delivering."""
        await sync_to_async(forget_old)()
        await sync_to_async(forget_done)()
        await self.inbox.drain_all()
        return asyncio.create_task(self.outbox.deliver_forever(stop=self.stopping))

    async def receive(self, payload: dict[str, Any]) -> None:
        """Store one update and start its chat's handling."""
        if await self.inbox.take(payload):
            self.inbox.schedule(chat_of(payload))

    async def poll(self) -> None:
        """Long polling: ask for the next offset only once the updates are stored."""
        delivery = await self.start()
        offset: int | None = None
        while not self.stopping.is_set():
            try:
                updates = await self.bot(GetUpdates(offset=offset, timeout=POLL_TIMEOUT))
            except (TelegramNetworkError, TelegramServerError):
                logger.warning("getUpdates failed; trying again", exc_info=True)
                await asyncio.sleep(2)
                continue
            for update in updates:
                await self.receive(payload_of(update))
                offset = update.update_id + 1
        await self.inbox.settle()
        await delivery

    def stop(self) -> None:
        self.stopping.set()

    def webhook_app(self) -> web.Application:
        """Webhook: answer 200 only once the update is stored, 500 if it could not be."""

        async def receive(request: web.Request) -> web.Response:
            sent = request.headers.get(SECRET_HEADER, "")
            expected = settings.TAZA_BOT_WEBHOOK_SECRET
            if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
                return web.Response(status=401)
            try:
                payload = await request.json()
            except ValueError:
                return web.Response(status=400)
            if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
                return web.Response(status=400)
            try:
                await self.receive(payload)
            except Exception:  # not stored: Telegram must deliver it again
                logger.exception("update not stored")
                return web.Response(status=500)
            return web.Response(status=200)

        app = web.Application()
        app.router.add_post(WEBHOOK_PATH, receive)
        return app


def stop_on_signals(runner: Runner) -> None:
    """Stop taking updates on SIGTERM or SIGINT; what is stored is handled on restart."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, runner.stop)
