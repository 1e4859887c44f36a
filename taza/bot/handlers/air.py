"""See a city's air now and follow it: an alert when the AQI reaches a threshold, and НМУ."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from asgiref.sync import sync_to_async
from django.utils.translation import gettext_noop

from taza.bot import services
from taza.bot.handlers.callbacks import AirCity, FollowAir
from taza.bot.handlers.common import Asked, Handlers, buttons, language, reply_to_press, tr

HANDLERS = Handlers("air")

# The thresholds offered, with the band each starts (US EPA AQI): unhealthy for
# sensitive groups, unhealthy, very unhealthy.
THRESHOLDS = (101, 151, 201)


@HANDLERS.on("message", Asked("air"))
async def choose_city(message: Message) -> None:
    """List the cities that have posts, two to a row."""
    lang = await language(message.chat.id)
    cities = await sync_to_async(services.air_cities)(lang)
    if not cities:
        await message.answer(tr(lang, gettext_noop("No city has air-quality posts yet.")))
        return
    rows: list[list[tuple[str, str | CallbackData]]] = [
        [(name, AirCity(city_id=pk)) for pk, name in cities[i : i + 2]]
        for i in range(0, len(cities), 2)
    ]
    await message.answer(
        tr(lang, gettext_noop("Choose a city to see its air now:")), reply_markup=buttons(rows)
    )


@HANDLERS.on("callback_query", AirCity.filter())
async def show_city(callback: CallbackQuery, callback_data: AirCity) -> None:
    """Show the city's AQI with advice, and buttons to follow it or stop."""
    lang = await language(callback.from_user.id)
    card = await sync_to_async(services.air_card)(
        callback.from_user.id, callback_data.city_id, lang
    )
    await callback.answer()
    if card is None or not isinstance(callback.message, Message):
        return
    text, following = card
    rows: list[list[tuple[str, str | CallbackData]]] = [
        [
            (
                tr(lang, gettext_noop("Alert me at AQI %(t)s"), t=t),
                FollowAir(city_id=callback_data.city_id, threshold=t),
            )
        ]
        for t in THRESHOLDS
        if t != following
    ]
    if following:
        rows.append(
            [
                (
                    tr(lang, gettext_noop("Stop the alerts")),
                    FollowAir(city_id=callback_data.city_id, threshold=0),
                )
            ]
        )
    await callback.message.answer(text, reply_markup=buttons(rows))


@HANDLERS.on("callback_query", FollowAir.filter())
async def follow(callback: CallbackQuery, callback_data: FollowAir) -> None:
    lang = await language(callback.from_user.id)
    text = await sync_to_async(services.follow_air)(
        callback.from_user.id, callback_data.city_id, callback_data.threshold, lang
    )
    await reply_to_press(callback, text)
