"""The webhook server: aiogram's handler, which checks Telegram's secret token header."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from django.conf import settings

WEBHOOK_PATH = "/telegram/webhook"


def webhook_app(bot: Bot, dispatcher: Dispatcher) -> web.Application:
    app = web.Application()
    # Handled before answering: a failure answers 500 and Telegram delivers the update
    # again, which the bot handles safely (see handlers.drop_repeated_updates).
    SimpleRequestHandler(
        dispatcher=dispatcher,
        bot=bot,
        secret_token=settings.TAZA_BOT_WEBHOOK_SECRET,
        handle_in_background=False,
    ).register(app, path=WEBHOOK_PATH)
    setup_application(app, dispatcher, bot=bot)
    return app
