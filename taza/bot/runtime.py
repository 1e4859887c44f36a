"""Build the bot and its dispatcher from the settings, for polling, webhook and tests."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from taza.bot.delivery import polite
from taza.bot.handlers import build_router
from taza.bot.handlers.middlewares import (
    drop_repeated_updates,
    limit_rate,
    remember_client_language,
)
from taza.bot.storage import DjangoStorage


def make_bot(token: str | None = None, api_url: str | None = None) -> Bot:
    """Return a Bot talking to Telegram, or to the Bot API server at TAZA_BOT_API_URL."""
    token = token or settings.TAZA_BOT_TOKEN
    if not token:
        raise ImproperlyConfigured("Set TAZA_BOT_TOKEN to the token BotFather gave you.")
    server = TelegramAPIServer.from_base(api_url or settings.TAZA_BOT_API_URL)
    return polite(Bot(token, session=AiohttpSession(api=server)))


def make_dispatcher() -> Dispatcher:
    """Return a dispatcher whose conversations are kept in the database."""
    dispatcher = Dispatcher(storage=DjangoStorage())
    dispatcher.update.outer_middleware(drop_repeated_updates)
    dispatcher.update.outer_middleware(remember_client_language)
    dispatcher.message.outer_middleware(limit_rate)
    dispatcher.include_router(build_router())
    return dispatcher
