"""What every conversation shares: its handler list, the states, words and buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command, Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from asgiref.sync import sync_to_async
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from taza.bot import services
from taza.core.errors import DomainError

Handler = Callable[..., Awaitable[Any]]


class Handlers:
    """Collect a conversation's handlers in the order they are tried.

    Each dispatcher (a restart, a test) gets a fresh router from ``router()``: aiogram
    binds a router to one parent only.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.handlers: list[tuple[str, tuple[Any, ...], Handler]] = []

    def on(self, kind: str, *filters: Any) -> Callable[[Handler], Handler]:
        """Register a handler for an update kind (message, callback_query) and filters."""

        def register(handler: Handler) -> Handler:
            self.handlers.append((kind, filters, handler))
            return handler

        return register

    def router(self, *, commands: bool) -> Router:
        """Make a fresh router with these handlers: the commands, or all the others."""
        router = Router(name=f"{self.name}-{'commands' if commands else 'steps'}")
        for kind, filters, handler in self.handlers:
            if any(isinstance(f, Command | Asked) for f in filters) == commands:
                getattr(router, kind).register(handler, *filters)
        return router


class Filing(StatesGroup):
    """Hold the steps of filing a report, and of disputing a resolution."""

    category = State()
    location = State()
    photos = State()
    description = State()
    contact = State()
    confirm = State()
    disputing = State()


def tr(language: str, text: str, **values: Any) -> str:
    """Translate a message into the person's language."""
    with translation.override(language):
        message = _(text)
        return message % values if values else message


# The language of the Telegram client that sent the update being handled (set by
# middlewares.remember_client_language), used until the person picks one.
client_language: ContextVar[str | None] = ContextVar("client_language", default=None)


async def language(user_id: int, hint: str | None = None) -> str:
    """Return the person's language: chosen, else their Telegram client's, else Kazakh."""
    return await sync_to_async(services.language_of)(user_id, hint or client_language.get())


LANGUAGES = ("kk", "ru", "en")

# The main menu's buttons: the commands one taps most, in words.
MENU = {
    "new": gettext_noop("📝 New report"),
    "my": gettext_noop("📋 My reports"),
    "events": gettext_noop("🤝 Cleanups"),
    "air": gettext_noop("🌫 Air"),
    "hazards": gettext_noop("🔥 Fires and floods"),
    "help": gettext_noop("❓ Help"),
}


def main_menu(lang: str) -> ReplyKeyboardMarkup:
    """Return the keyboard shown between conversations, in the person's language.

    A button sends its words as a message; ``Asked`` takes them for the command in any
    of the three languages and in any step, as it takes the typed command.
    """
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=tr(lang, MENU["new"])), KeyboardButton(text=tr(lang, MENU["my"]))],
            [
                KeyboardButton(text=tr(lang, MENU["events"])),
                KeyboardButton(text=tr(lang, MENU["air"])),
            ],
            [
                KeyboardButton(text=tr(lang, MENU["hazards"])),
                KeyboardButton(text=tr(lang, MENU["help"])),
            ],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


class Asked(Filter):
    """Match a command, typed (``/new``) or tapped on the main menu in any language.

    The menu's words are matched in all three languages, not only the person's: a menu
    drawn before they switched language keeps working.
    """

    def __init__(self, command: str) -> None:
        self.command = Command(command)
        self.words = (
            frozenset(tr(lang, MENU[command]) for lang in LANGUAGES) if command in MENU else None
        )

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        if self.words and (message.text or "").strip() in self.words:
            return True
        return await self.command(message, bot)


def location_keyboard(lang: str) -> ReplyKeyboardMarkup:
    """Return the one-button keyboard that shares the person's location."""
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=tr(lang, gettext_noop("Send my location")), request_location=True)]
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def buttons(rows: list[list[tuple[str, str | CallbackData]]]) -> InlineKeyboardMarkup:
    """Make an inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=text, callback_data=data if isinstance(data, str) else data.pack()
                )
                for text, data in row
            ]
            for row in rows
        ]
    )


async def reply_to_press(
    callback: CallbackQuery, text: str, markup: ReplyKeyboardMarkup | None = None
) -> None:
    """Stop the button's spinner, then answer in the chat the button was pressed in."""
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(text, reply_markup=markup)


async def refuse(target: Message | CallbackQuery, exc: DomainError, prefix: str = "") -> None:
    """Tell the person why a step was refused: the one place the bot answers a DomainError.

    The message is already in the person's language (services translate where they
    refuse). A button gets an alert; a message gets a reply.
    """
    text = f"{prefix}{exc.message}"
    if isinstance(target, CallbackQuery):
        await target.answer(text, show_alert=True)
    else:
        await target.answer(text)
