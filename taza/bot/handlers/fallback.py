"""Answer what no step expects: an old button, or a message out of turn."""

from __future__ import annotations

from aiogram.types import (
    CallbackQuery,
    Message,
)
from django.utils.translation import gettext_noop

from taza.bot.handlers.common import Handlers, language, tr

HANDLERS = Handlers("fallback")


@HANDLERS.on("callback_query")
async def stale_button(callback: CallbackQuery) -> None:
    """Any button that fits no step now: from an old message, or a finished conversation."""
    lang = await language(callback.from_user.id)
    await callback.answer(tr(lang, gettext_noop("This button is out of date.")), show_alert=True)


@HANDLERS.on("message")
async def anything_else(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(
        tr(
            lang,
            gettext_noop(
                "Send /new to report a problem, /my to see your reports, or /events to join a "
                "clean-up."
            ),
        )
    )
