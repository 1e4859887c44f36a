"""Run the Telegram bot: long polling (development) or a webhook server (production)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taza.bot.runner import Runner, set_commands, stop_on_signals
from taza.bot.runtime import make_bot, make_dispatcher


class Command(BaseCommand):
    help = "Run the Telegram bot by long polling, or with --webhook URL as a webhook server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--webhook", metavar="URL", help="public HTTPS address Telegram posts updates to"
        )
        parser.add_argument(
            "--listen", default="127.0.0.1:8081", help="host:port the webhook server listens on"
        )

    def handle(self, *args: Any, webhook: str | None, listen: str, **options: Any) -> None:
        if webhook:
            if not settings.TAZA_BOT_WEBHOOK_SECRET:
                raise CommandError("Set TAZA_BOT_WEBHOOK_SECRET for webhook mode.")
            host, _sep, port = listen.rpartition(":")
            asyncio.run(self._webhook(webhook, host or "127.0.0.1", int(port)))
        else:
            asyncio.run(self._polling())

    async def _polling(self) -> None:
        bot = make_bot()
        runner = Runner(bot, make_dispatcher())
        stop_on_signals(runner)
        await bot.delete_webhook(drop_pending_updates=False)
        await set_commands(bot)
        self.stdout.write("Polling Telegram for updates (Ctrl+C stops)…")
        try:
            await runner.poll()
        finally:
            await bot.session.close()

    async def _webhook(self, url: str, host: str, port: int) -> None:
        bot = make_bot()
        runner = Runner(bot, make_dispatcher())
        stop_on_signals(runner)
        await set_commands(bot)
        delivery = await runner.start()
        await bot.set_webhook(url, secret_token=settings.TAZA_BOT_WEBHOOK_SECRET)
        app_runner = web.AppRunner(runner.webhook_app())
        await app_runner.setup()
        await web.TCPSite(app_runner, host, port).start()
        self.stdout.write(f"Webhook server on {host}:{port}, Telegram posts to {url}")
        await runner.stopping.wait()
        await app_runner.cleanup()
        await runner.inbox.settle()
        await delivery
        await bot.session.close()
