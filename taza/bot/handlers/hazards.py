"""Follow fires near a place and floods at a settlement: send a place, choose what to hear of."""

from __future__ import annotations

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from asgiref.sync import sync_to_async
from django.utils.translation import gettext_noop

from taza.bot import services
from taza.bot.handlers.callbacks import FollowFires, FollowSettlement, StopHazards
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
from taza.bot.handlers.events import label
from taza.geo.lookup import LocationError

HANDLERS = Handlers("hazards")

RADII_KM = (10, 25, 50)


class Watching(StatesGroup):
    location = State()


@HANDLERS.on("message", Asked("hazards"))
async def ask_place(message: Message, state: FSMContext) -> None:
    lang = await language(message.chat.id)
    await state.clear()
    await state.set_state(Watching.location)
    await message.answer(
        tr(
            lang,
            gettext_noop(
                "Send the place you want to follow (your home, your village): I will tell "
                "you of fires confirmed near it and of flood threats to settlements there."
            ),
        ),
        reply_markup=location_keyboard(lang),
    )
    await message.answer(
        tr(lang, gettext_noop("Or stop the alerts you have:")),
        reply_markup=buttons([[(tr(lang, gettext_noop("Stop all alerts")), StopHazards())]]),
    )


@HANDLERS.on("message", Watching.location, F.location)
async def place_sent(message: Message, state: FSMContext) -> None:
    """Keep the place; offer the radius for fires and the settlements at flood risk near it."""
    if message.location is None:
        return
    lang = await language(message.chat.id)
    lat, lon = message.location.latitude, message.location.longitude
    try:
        settlements = await sync_to_async(services.hazard_places)(lat, lon, lang)
    except LocationError:
        await message.answer(
            tr(
                lang,
                gettext_noop("That point is outside Kazakhstan. Send a location in Kazakhstan."),
            )
        )
        return
    await state.set_state(None)
    await state.update_data(watch_lat=lat, watch_lon=lon)
    await message.answer(
        tr(lang, gettext_noop("Fires: how far from this place should I tell you of them?")),
        reply_markup=buttons(
            [
                [
                    (tr(lang, gettext_noop("%(km)s km"), km=km), FollowFires(radius_km=km))
                    for km in RADII_KM
                ]
            ]
        ),
    )
    if settlements:
        await message.answer(
            tr(lang, gettext_noop("Floods: settlements at risk near you. Press one to follow it:")),
            reply_markup=buttons(
                [[(label(name), FollowSettlement(settlement_id=pk))] for pk, name in settlements]
            ),
        )
    else:
        await message.answer(
            tr(lang, gettext_noop("No settlement near this place is on the flood-risk list.")),
            reply_markup=main_menu(lang),
        )


@HANDLERS.on("message", Watching.location)
async def place_other(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(tr(lang, gettext_noop("Please send a location.")))


@HANDLERS.on("callback_query", FollowFires.filter())
async def follow_fires(
    callback: CallbackQuery, callback_data: FollowFires, state: FSMContext
) -> None:
    lang = await language(callback.from_user.id)
    data = await state.get_data()
    await callback.answer()
    if not isinstance(callback.message, Message):
        return
    if "watch_lat" not in data:  # an old button, from before the place was sent
        await callback.message.answer(
            tr(lang, gettext_noop("Send /hazards and your place again, please."))
        )
        return
    text = await sync_to_async(services.follow_fires)(
        callback.from_user.id, data["watch_lat"], data["watch_lon"], callback_data.radius_km, lang
    )
    await callback.message.answer(text, reply_markup=main_menu(lang))


@HANDLERS.on("callback_query", FollowSettlement.filter())
async def follow_settlement(callback: CallbackQuery, callback_data: FollowSettlement) -> None:
    lang = await language(callback.from_user.id)
    text = await sync_to_async(services.follow_settlement)(
        callback.from_user.id, callback_data.settlement_id, lang
    )
    await reply_to_press(callback, text)


@HANDLERS.on("callback_query", StopHazards.filter())
async def stop(callback: CallbackQuery, state: FSMContext) -> None:
    lang = await language(callback.from_user.id)
    await state.clear()
    text = await sync_to_async(services.stop_hazards)(callback.from_user.id, lang)
    await reply_to_press(callback, text, main_menu(lang))
