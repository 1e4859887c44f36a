"""Start the conversation: choose the language; cancel anything at any time."""

from __future__ import annotations

from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    Message,
)
from asgiref.sync import sync_to_async
from django.utils.translation import gettext_noop

from taza.bot import services
from taza.bot.handlers import staff
from taza.bot.handlers.callbacks import (
    Cancel,
    ChooseLanguage,
)
from taza.bot.handlers.common import Asked, Handlers, buttons, language, main_menu, tr

HANDLERS = Handlers("start")
HELP = gettext_noop(
    "Welcome to Taza Qazaqstan! Report a problem with /new, see your reports with "
    "/my, the air in your city with /air, fires and floods near you with /hazards; stop "
    "at any time with /cancel."
)


LANGUAGE_BUTTONS = buttons(
    [
        [
            ("Қазақша", ChooseLanguage(code="kk")),
            ("Русский", ChooseLanguage(code="ru")),
            ("English", ChooseLanguage(code="en")),
        ]
    ]
)


@HANDLERS.on("message", CommandStart())
async def start(message: Message, state: FSMContext, command: CommandObject) -> None:
    """Greet in the client's language with the main menu, then offer the three languages.

    A start from a staff member's link (``?start=link_<code>``) links their chat instead.
    """
    await state.clear()
    if (command.args or "").startswith(staff.LINK_PREFIX):
        await staff.link(message, (command.args or "").removeprefix(staff.LINK_PREFIX))
        return
    lang = await language(message.chat.id)
    await message.answer(tr(lang, HELP), reply_markup=main_menu(lang))
    await message.answer(
        "Тілді таңдаңыз · Выберите язык · Choose your language", reply_markup=LANGUAGE_BUTTONS
    )


@HANDLERS.on("message", Asked("language"))
async def choose_language_again(message: Message) -> None:
    await message.answer(
        "Тілді таңдаңыз · Выберите язык · Choose your language", reply_markup=LANGUAGE_BUTTONS
    )


@HANDLERS.on("message", Asked("help"))
async def help_text(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(tr(lang, HELP), reply_markup=main_menu(lang))


@HANDLERS.on("callback_query", ChooseLanguage.filter())
async def choose_language(callback: CallbackQuery, callback_data: ChooseLanguage) -> None:
    chosen = callback_data.code
    if chosen not in services.LANGUAGES:
        await callback.answer()
        return
    await sync_to_async(services.set_language)(callback.from_user.id, chosen)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(tr(chosen, HELP), reply_markup=main_menu(chosen))


@HANDLERS.on("message", Asked("cancel"))
async def cancel(message: Message, state: FSMContext) -> None:
    lang = await language(message.chat.id)
    await state.clear()
    await message.answer(
        tr(lang, gettext_noop("Cancelled. Start again with /new.")),
        reply_markup=main_menu(lang),
    )


@HANDLERS.on("callback_query", Cancel.filter())
async def cancel_button(callback: CallbackQuery, state: FSMContext) -> None:
    lang = await language(callback.from_user.id)
    await state.clear()
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(
            tr(lang, gettext_noop("Cancelled. Start again with /new.")),
            reply_markup=main_menu(lang),
        )
