"""The conversation: a thin channel over the reports services, in kk, ru and en."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    TelegramObject,
    Update,
)
from asgiref.sync import sync_to_async
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from taza.bot import services
from taza.geo.lookup import LocationError
from taza.reports.models import MAX_DESCRIPTION
from taza.reports.photos import MAX_BYTES
from taza.reports.services import MAX_PHOTOS, ReportError

# Handlers in the order they are tried; build_router attaches them to a fresh router, so
# every dispatcher (a restart, a test) gets its own.
HANDLERS: list[tuple[str, tuple[Any, ...], Callable[..., Awaitable[Any]]]] = []


def on(kind: str, *filters: Any) -> Callable[[Any], Any]:
    def register(handler: Any) -> Any:
        HANDLERS.append((kind, filters, handler))
        return handler

    return register


def build_router() -> Router:
    router = Router(name="taza")
    for kind, filters, handler in HANDLERS:
        getattr(router, kind).register(handler, *filters)
    return router


class Filing(StatesGroup):
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


async def language(user_id: int, hint: str | None = None) -> str:
    return await sync_to_async(services.language_of)(user_id, hint)


def buttons(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t, callback_data=d) for t, d in row] for row in rows
        ]
    )


# -- middlewares: repeated deliveries and floods ------------------------------------------


async def drop_repeated_updates(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    update: TelegramObject,
    data: dict[str, Any],
) -> Any:
    """Handle each update once, however many times Telegram delivers it.

    An update is marked as handled only when its handler succeeded, so one that failed
    half-way (a network error) is handled again when Telegram redelivers it; filing a
    report is itself idempotent, so the retry cannot make a second one.
    """
    if not isinstance(update, Update):
        return await handler(update, data)
    if await sync_to_async(services.seen)(update.update_id):
        return None
    result = await handler(update, data)
    await sync_to_async(services.mark_seen)(update.update_id)
    return result


async def limit_rate(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    message: TelegramObject,
    data: dict[str, Any],
) -> Any:
    if (
        isinstance(message, Message)
        and message.from_user
        and await sync_to_async(services.over_rate)(message.from_user.id)
    ):
        lang = await language(message.from_user.id, message.from_user.language_code)
        await message.answer(tr(lang, gettext_noop("Too many messages; please wait a minute.")))
        return None
    return await handler(message, data)


# -- start, language, cancel --------------------------------------------------------------

LANGUAGE_BUTTONS = buttons(
    [[("Қазақша", "lang:kk"), ("Русский", "lang:ru"), ("English", "lang:en")]]
)


@on("message", CommandStart())
async def start(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(
        "Тілді таңдаңыз · Выберите язык · Choose your language", reply_markup=LANGUAGE_BUTTONS
    )


@on("callback_query", F.data.startswith("lang:"))
async def choose_language(callback: CallbackQuery) -> None:
    chosen = (callback.data or "")[5:]
    if chosen not in services.LANGUAGES:
        await callback.answer()
        return
    await sync_to_async(services.set_language)(callback.from_user.id, chosen)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(
            tr(
                chosen,
                gettext_noop(
                    "Welcome to Taza Qazaqstan! Report a problem with /new, see your reports with "
                    "/my, stop at any time with /cancel."
                ),
            )
        )


@on("message", Command("cancel"))
async def cancel(message: Message, state: FSMContext) -> None:
    lang = await language(message.chat.id)
    await state.clear()
    await message.answer(
        tr(lang, gettext_noop("Cancelled. Start again with /new.")),
        reply_markup=ReplyKeyboardRemove(),
    )


@on("callback_query", F.data == "cancel")
async def cancel_button(callback: CallbackQuery, state: FSMContext) -> None:
    lang = await language(callback.from_user.id)
    await state.clear()
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(
            tr(lang, gettext_noop("Cancelled. Start again with /new.")),
            reply_markup=ReplyKeyboardRemove(),
        )


# -- filing a report, step by step --------------------------------------------------------


async def ask_category(message: Message, state: FSMContext, lang: str) -> None:
    cats = await sync_to_async(services.categories)(lang)
    rows = [[(name, f"cat:{code}")] for code, name in cats]
    rows.append([(tr(lang, gettext_noop("Cancel")), "cancel")])
    await state.set_state(Filing.category)
    await message.answer(
        tr(lang, gettext_noop("What is the problem? Choose a category.")),
        reply_markup=buttons(rows),
    )


@on("message", Command("new"))
async def new_report(message: Message, state: FSMContext) -> None:
    if message.from_user is None:
        return
    lang = await language(message.from_user.id, message.from_user.language_code)
    await state.clear()
    await state.set_data({"photos": []})
    await ask_category(message, state, lang)


@on("callback_query", Filing.category, F.data.startswith("cat:"))
async def choose_category(callback: CallbackQuery, state: FSMContext) -> None:
    lang = await language(callback.from_user.id)
    code = (callback.data or "")[4:]
    if not await sync_to_async(services.category_name)(code, lang):
        await callback.answer(
            tr(lang, gettext_noop("This button is out of date.")), show_alert=True
        )
        return
    await state.update_data(category=code)
    await callback.answer()
    if not isinstance(callback.message, Message):
        return
    await next_step(callback.message, state, lang, Filing.location)


async def next_step(message: Message, state: FSMContext, lang: str, step: State) -> None:
    """Go to a step, or back to the summary when the person is editing one field."""
    if (await state.get_data()).get("editing"):
        await show_summary(message, state, lang)
        return
    await state.set_state(step)
    if step == Filing.location:
        await message.answer(
            tr(
                lang,
                gettext_noop(
                    "Send the location: the paperclip → Location, or type the coordinates "
                    "as “51.17, 71.45”."
                ),
            )
        )
    elif step == Filing.photos:
        await message.answer(
            tr(lang, gettext_noop("Send one or more photos of the problem, then press “Done”.")),
            reply_markup=buttons(
                [
                    [
                        (tr(lang, gettext_noop("Done")), "photos:done"),
                        (tr(lang, gettext_noop("Skip")), "photos:done"),
                    ]
                ]
            ),
        )
    elif step == Filing.description:
        await message.answer(tr(lang, gettext_noop("Describe the problem in a few words.")))
    elif step == Filing.contact:
        keyboard = ReplyKeyboardMarkup(
            keyboard=[
                [
                    KeyboardButton(
                        text=tr(lang, gettext_noop("Share my phone")), request_contact=True
                    )
                ],
                [KeyboardButton(text=tr(lang, gettext_noop("Skip")))],
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        await message.answer(
            tr(
                lang,
                gettext_noop(
                    "Share your phone number so the akimat can call you back, or press "
                    "“Skip”. It is never published."
                ),
            ),
            reply_markup=keyboard,
        )


async def take_point(message: Message, state: FSMContext, lat: float, lon: float) -> None:
    lang = await language(message.chat.id)
    try:
        place = await sync_to_async(services.place_name)(lat, lon, lang)
    except LocationError:
        await message.answer(
            tr(
                lang,
                gettext_noop("That point is outside Kazakhstan. Send a location in Kazakhstan."),
            )
        )
        return
    await state.update_data(lat=lat, lon=lon, place=place)
    await next_step(message, state, lang, Filing.photos)


@on("message", Filing.location, F.location)
async def location_shared(message: Message, state: FSMContext) -> None:
    if message.location is None:
        return
    await take_point(message, state, message.location.latitude, message.location.longitude)


@on("message", Filing.location, F.text)
async def location_typed(message: Message, state: FSMContext) -> None:
    point = services.parse_coordinates(message.text or "")
    if point is None:
        lang = await language(message.chat.id)
        await message.answer(
            tr(
                lang,
                gettext_noop(
                    "I could not read coordinates. Send a location, or type them as “51.17, 71.45”."
                ),
            )
        )
        return
    await take_point(message, state, *point)


@on("message", Filing.location)
async def location_other(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(tr(lang, gettext_noop("Please send a location.")))


@on("message", Filing.photos, F.photo | F.document)
async def photo_received(message: Message, state: FSMContext) -> None:
    lang = await language(message.chat.id)
    if message.photo:
        file_id, size = message.photo[-1].file_id, message.photo[-1].file_size or 0
    else:
        document = message.document
        if document is None:
            return
        if not (document.mime_type or "").startswith("image/"):
            await message.answer(tr(lang, gettext_noop("Please send a photo, or press “Done”.")))
            return
        file_id, size = document.file_id, document.file_size or 0
    if size > MAX_BYTES:
        await message.answer(
            tr(
                lang,
                gettext_noop("This photo is too large: the limit is %(mb)d MB."),
                mb=MAX_BYTES // 2**20,
            )
        )
        return
    photos = list((await state.get_data()).get("photos", []))
    if len(photos) >= MAX_PHOTOS:
        await message.answer(tr(lang, gettext_noop("That is enough photos. Press “Done”.")))
        return
    photos.append(file_id)
    await state.update_data(photos=photos)
    await message.answer(
        tr(lang, gettext_noop("Photo %(n)d received. Send more, or press “Done”."), n=len(photos)),
        reply_markup=buttons([[(tr(lang, gettext_noop("Done")), "photos:done")]]),
    )


@on("message", Filing.photos)
async def photo_expected(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(tr(lang, gettext_noop("Please send a photo, or press “Done”.")))


@on("callback_query", Filing.photos, F.data == "photos:done")
async def photos_done(callback: CallbackQuery, state: FSMContext) -> None:
    lang = await language(callback.from_user.id)
    await callback.answer()
    if not isinstance(callback.message, Message):
        return
    await next_step(callback.message, state, lang, Filing.description)


@on("message", Filing.description, F.text)
async def description_received(message: Message, state: FSMContext) -> None:
    lang = await language(message.chat.id)
    text = (message.text or "").strip()
    if not text or text.startswith("/"):
        await message.answer(tr(lang, gettext_noop("Describe the problem in a few words.")))
        return
    await state.update_data(description=text[:MAX_DESCRIPTION])
    await next_step(message, state, lang, Filing.contact)


@on("message", Filing.description)
async def description_expected(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(tr(lang, gettext_noop("Describe the problem in a few words.")))


@on("message", Filing.contact, F.contact)
async def contact_shared(message: Message, state: FSMContext) -> None:
    if message.contact is None or message.from_user is None:
        return
    if message.contact.user_id == message.from_user.id:  # their own number, not a friend's
        await state.update_data(phone=message.contact.phone_number)
        await sync_to_async(services.remember_phone)(
            message.from_user.id, message.contact.phone_number
        )
    lang = await language(message.chat.id)
    await show_summary(message, state, lang)


@on("message", Filing.contact)
async def contact_skipped(message: Message, state: FSMContext) -> None:
    lang = await language(message.chat.id)
    await show_summary(message, state, lang)


async def show_summary(message: Message, state: FSMContext, lang: str) -> None:
    data = await state.get_data()
    await state.update_data(editing=False)
    await state.set_state(Filing.confirm)
    name = await sync_to_async(services.category_name)(data.get("category", ""), lang)
    text = tr(
        lang,
        gettext_noop(
            "Please check your report:\nCategory: %(category)s\nPlace: %(place)s\n"
            "Photos: %(photos)d\nDescription: %(description)s\nPhone: %(phone)s"
        ),
        category=name,
        place=data.get("place", "—"),
        photos=len(data.get("photos", [])),
        description=data.get("description", "—"),
        phone=data.get("phone") or "—",
    )
    await message.answer(tr(lang, gettext_noop("Almost done.")), reply_markup=ReplyKeyboardRemove())
    await message.answer(
        text,
        reply_markup=buttons(
            [
                [(tr(lang, gettext_noop("Send")), "send")],
                [
                    (tr(lang, gettext_noop("Category")), "edit:category"),
                    (tr(lang, gettext_noop("Location")), "edit:location"),
                ],
                [
                    (tr(lang, gettext_noop("Photos")), "edit:photos"),
                    (tr(lang, gettext_noop("Description")), "edit:description"),
                ],
                [(tr(lang, gettext_noop("Cancel")), "cancel")],
            ]
        ),
    )


@on("callback_query", Filing.confirm, F.data.startswith("edit:"))
async def edit_field(callback: CallbackQuery, state: FSMContext) -> None:
    lang = await language(callback.from_user.id)
    await callback.answer()
    if not isinstance(callback.message, Message):
        return
    field = (callback.data or "")[5:]
    if field == "category":
        await ask_category(callback.message, state, lang)
    else:
        step = {
            "location": Filing.location,
            "photos": Filing.photos,
            "description": Filing.description,
        }.get(field)
        if step is None:
            return
        if field == "photos":
            await state.update_data(photos=[])
        await next_step(callback.message, state, lang, step)
    await state.update_data(editing=True)


@on("callback_query", F.data == "send")
async def send_report(callback: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    lang = await language(callback.from_user.id)
    summary = callback.message
    if not isinstance(summary, Message):
        return
    if await state.get_state() != Filing.confirm.state:
        # A second tap, or a retry after the report was filed: say which report it was.
        number = await sync_to_async(services.filed_earlier)(summary.chat.id, summary.message_id)
        await callback.answer()
        if number:
            await summary.answer(
                tr(lang, gettext_noop("Report № %(number)s is already registered."), number=number)
            )
        else:
            await summary.answer(tr(lang, gettext_noop("This button is out of date.")))
        return
    await callback.answer()
    data = await state.get_data()
    photos = []
    for file_id in data.get("photos", []):
        file = await bot.get_file(file_id)
        if file.file_path:
            stream = await bot.download_file(file.file_path)
            if stream is not None:
                photos.append(stream.read())
    try:
        filed = await sync_to_async(services.file_report)(
            telegram_id=callback.from_user.id,
            chat_id=summary.chat.id,
            summary_message_id=summary.message_id,
            data=data,
            photos=photos,
            language=lang,
        )
    except ReportError as exc:
        await summary.answer(
            tr(lang, gettext_noop("The report was not sent: %(why)s"), why=str(exc))
        )
        return
    await state.clear()
    await summary.answer(
        tr(
            lang,
            gettext_noop(
                "Report № %(number)s is registered and sent to: %(body)s.\nFollow it: %(link)s"
            ),
            number=filed.number,
            body=filed.body,
            link=filed.link,
        )
    )


# -- following one's reports --------------------------------------------------------------


@on("message", Command("my"))
async def my_reports(message: Message) -> None:
    if message.from_user is None:
        return
    lang = await language(message.from_user.id, message.from_user.language_code)
    rows = await sync_to_async(services.my_reports)(message.from_user.id, lang)
    if not rows:
        await message.answer(
            tr(lang, gettext_noop("You have no reports yet. Send /new to report a problem."))
        )
        return
    await message.answer(
        tr(lang, gettext_noop("Your reports:")),
        reply_markup=buttons(
            [[(f"№ {number} — {state}", f"card:{number}")] for number, state in rows]
        ),
    )


@on("callback_query", F.data.startswith("card:"))
async def report_card(callback: CallbackQuery) -> None:
    lang = await language(callback.from_user.id)
    card = await sync_to_async(services.report_card)(
        callback.from_user.id, (callback.data or "")[5:], lang
    )
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(card or tr(lang, gettext_noop("This button is out of date.")))


@on("callback_query", F.data.startswith("confirm:"))
async def confirm_resolution(callback: CallbackQuery) -> None:
    lang = await language(callback.from_user.id)
    number = (callback.data or "")[8:]
    try:
        await sync_to_async(services.reporter_action)(
            callback.from_user.id, number, "confirm", "", lang
        )
    except ReportError as exc:
        await callback.answer(str(exc), show_alert=True)
        return
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(
            tr(lang, gettext_noop("Thank you! Report № %(number)s is closed."), number=number)
        )


@on("callback_query", F.data.startswith("dispute:"))
async def start_dispute(callback: CallbackQuery, state: FSMContext) -> None:
    lang = await language(callback.from_user.id)
    await state.set_state(Filing.disputing)
    await state.update_data(disputing=(callback.data or "")[8:])
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(
            tr(lang, gettext_noop("Tell us in one message what is still wrong."))
        )


@on("message", Filing.disputing, F.text)
async def dispute_reason(message: Message, state: FSMContext) -> None:
    if message.from_user is None:
        return
    lang = await language(message.from_user.id)
    number = (await state.get_data()).get("disputing", "")
    await state.clear()
    try:
        await sync_to_async(services.reporter_action)(
            message.from_user.id, number, "dispute", message.text or "", lang
        )
    except ReportError as exc:
        await message.answer(str(exc))
        return
    await message.answer(
        tr(
            lang,
            gettext_noop("Your dispute of report № %(number)s is sent to the regional akimat."),
            number=number,
        )
    )


# -- events: find one near you and join it -----------------------------------------------


class Joining(StatesGroup):
    location = State()


@on("message", Command("events"))
async def find_events(message: Message, state: FSMContext) -> None:
    if message.from_user is None:
        return
    lang = await language(message.from_user.id, message.from_user.language_code)
    await state.clear()
    await state.set_state(Joining.location)
    keyboard = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=tr(lang, gettext_noop("Send my location")), request_location=True)]
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await message.answer(
        tr(
            lang,
            gettext_noop(
                "Send your location, and I will show the clean-ups and plantings nearest to you."
            ),
        ),
        reply_markup=keyboard,
    )


@on("message", Joining.location, F.location)
async def events_near_location(message: Message, state: FSMContext) -> None:
    if message.location is None:
        return
    lang = await language(message.chat.id)
    await state.clear()
    found = await sync_to_async(services.events_near)(
        message.location.latitude, message.location.longitude
    )
    if not found:
        await message.answer(
            tr(lang, gettext_noop("No upcoming events yet. Try again in a few days.")),
            reply_markup=ReplyKeyboardRemove(),
        )
        return
    await message.answer(
        tr(lang, gettext_noop("The nearest events. Press one to register:")),
        reply_markup=buttons([[(line[:60], f"join:{event_id}")] for event_id, line in found]),
    )


@on("message", Joining.location)
async def events_location_other(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(tr(lang, gettext_noop("Please send a location.")))


@on("callback_query", F.data.startswith("join:"))
async def join_event(callback: CallbackQuery) -> None:
    lang = await language(callback.from_user.id)
    event_id = (callback.data or "").removeprefix("join:")
    if not event_id.isdigit():
        await callback.answer()
        return
    text = await sync_to_async(services.join_event)(callback.from_user.id, int(event_id), lang)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(text)


@on("callback_query")
async def stale_button(callback: CallbackQuery) -> None:
    """Any button that fits no step now: from an old message, or a finished conversation."""
    lang = await language(callback.from_user.id)
    await callback.answer(tr(lang, gettext_noop("This button is out of date.")), show_alert=True)


@on("message")
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
