"""Link a staff member's chat to their account, so their alerts come here too."""

from __future__ import annotations

from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from asgiref.sync import sync_to_async
from django.utils.translation import gettext_noop

from taza.bot import services
from taza.bot.handlers.common import Handlers, language, tr

HANDLERS = Handlers("staff")
LINK_PREFIX = "link_"  # of a t.me/<bot>?start=link_<code> link from the alerts page


async def link(message: Message, code: str) -> None:
    """Link the chat with the code, in a private chat only (alerts go to the person)."""
    lang = await language(message.chat.id)
    if message.chat.type != "private" or message.from_user is None:
        await message.answer(tr(lang, gettext_noop("Send the code in a private chat with me.")))
        return
    await message.answer(await sync_to_async(services.link_staff)(message.from_user.id, code, lang))


@HANDLERS.on("message", Command("link"))
async def link_command(message: Message, command: CommandObject) -> None:
    await link(message, command.args or "")


@HANDLERS.on("message", Command("unlink"))
async def unlink_command(message: Message) -> None:
    lang = await language(message.chat.id)
    if message.from_user is None:
        return
    await message.answer(await sync_to_async(services.unlink_staff)(message.from_user.id, lang))
