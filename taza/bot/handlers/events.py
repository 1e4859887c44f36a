"""Find the events near a place and join one."""

from __future__ import annotations

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    Message,
)
from asgiref.sync import sync_to_async
from django.utils.translation import gettext_noop

from taza.bot import services
from taza.bot.handlers.callbacks import JoinEvent, LeaveEvent
from taza.bot.handlers.common import (
    Asked,
    Handlers,
    buttons,
    language,
    location_keyboard,
    main_menu,
    reply_to_press,
    tr,
)
from taza.geo.lookup import LocationError

HANDLERS = Handlers("events")


class Joining(StatesGroup):
    location = State()


@HANDLERS.on("message", Asked("events"))
async def find_events(message: Message, state: FSMContext) -> None:
    if message.from_user is None:
        return
    lang = await language(message.from_user.id, message.from_user.language_code)
    await state.clear()
    await state.set_state(Joining.location)
    await message.answer(
        tr(
            lang,
            gettext_noop(
                "Send your location, and I will show the clean-ups and plantings nearest to you."
            ),
        ),
        reply_markup=location_keyboard(lang),
    )


@HANDLERS.on("message", Joining.location, F.location)
async def events_near_location(message: Message, state: FSMContext) -> None:
    if message.location is None:
        return
    lang = await language(message.chat.id)
    try:
        found = await sync_to_async(services.events_near)(
            message.location.latitude, message.location.longitude, lang
        )
    except LocationError:
        await message.answer(
            tr(
                lang,
                gettext_noop("That point is outside Kazakhstan. Send a location in Kazakhstan."),
            )
        )
        return
    await state.clear()
    if not found:
        await message.answer(
            tr(lang, gettext_noop("No upcoming events yet. Try again in a few days.")),
            reply_markup=main_menu(lang),
        )
        return
    await message.answer(
        tr(lang, gettext_noop("The nearest events, soonest first. Press one to register:")),
        reply_markup=buttons([[(label(line), JoinEvent(event_id=pk))] for pk, line in found]),
    )


def label(line: str, limit: int = 64) -> str:
    """Shorten a button's text at a word, never in the middle of one."""
    if len(line) <= limit:
        return line
    return line[: limit - 1].rsplit(" ", 1)[0].rstrip(" ·") + "…"


@HANDLERS.on("message", Asked("mine"))
async def my_events(message: Message) -> None:
    """List the person's places at upcoming events, each with a button to leave it."""
    lang = await language(message.chat.id)
    mine = await sync_to_async(services.my_registrations)(message.chat.id, lang)
    if not mine:
        await message.answer(tr(lang, gettext_noop("You are not registered for any event.")))
        return
    await message.answer(
        tr(lang, gettext_noop("Your events. Press one to cancel your registration:")),
        reply_markup=buttons([[(label(line), LeaveEvent(event_id=pk))] for pk, line in mine]),
    )


@HANDLERS.on("callback_query", LeaveEvent.filter())
async def leave_event(callback: CallbackQuery, callback_data: LeaveEvent) -> None:
    lang = await language(callback.from_user.id)
    text = await sync_to_async(services.leave_event)(
        callback.from_user.id, callback_data.event_id, lang
    )
    await reply_to_press(callback, text)


@HANDLERS.on("message", Joining.location)
async def events_location_other(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(tr(lang, gettext_noop("Please send a location.")))


@HANDLERS.on("callback_query", JoinEvent.filter())
async def join_event(callback: CallbackQuery, callback_data: JoinEvent) -> None:
    lang = await language(callback.from_user.id)
    text = await sync_to_async(services.join_event)(
        callback.from_user.id, callback_data.event_id, lang
    )
    await reply_to_press(callback, text)
