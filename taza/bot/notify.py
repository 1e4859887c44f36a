"""Tell a reporter who wrote through the bot that their report moved on."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from taza.bot.handlers.callbacks import ConfirmResolution, DisputeResolution
from taza.bot.runtime import make_bot
from taza.reports.choices import ReportState
from taza.reports.models import Report


def notify_telegram(report: Report, action: str, subject: str, body: str) -> None:
    """Send the change to the reporter's chat; the task queue retries it on failure."""
    if not report.reporter_telegram_id or not settings.TAZA_BOT_TOKEN:
        return
    markup = None
    with translation.override(report.language):
        text = body
        if report.state == ReportState.RESOLVED:
            text += "\n\n" + _("The akimat says the problem is resolved. Is it?")
            markup = InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        InlineKeyboardButton(
                            text=_("Yes, it is fixed"),
                            callback_data=ConfirmResolution(number=report.public_id).pack(),
                        ),
                        InlineKeyboardButton(
                            text=_("No, reopen it"),
                            callback_data=DisputeResolution(number=report.public_id).pack(),
                        ),
                    ]
                ]
            )
    asyncio.run(_send(report.reporter_telegram_id, text, markup))


async def _send(chat_id: int, text: str, markup: Any) -> None:

    bot = make_bot()
    try:
        await bot.send_message(chat_id, text, reply_markup=markup)
    finally:
        await bot.session.close()
