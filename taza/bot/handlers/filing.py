"""File a report step by step: category, place, photos, description, phone, send."""

from __future__ import annotations

import re
import secrets
from typing import Any

from aiogram import Bot, F
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from asgiref.sync import sync_to_async
from django.utils.translation import gettext_noop

from taza.bot import services
from taza.bot.delivery import shorten
from taza.bot.handlers.callbacks import (
    Cancel,
    ChooseCategory,
    EditField,
    PhotosDone,
    SendReport,
)
from taza.bot.handlers.common import (
    Asked,
    Filing,
    Handlers,
    buttons,
    language,
    main_menu,
    refuse,
    tr,
)
from taza.geo.lookup import LocationError
from taza.reports.models import MAX_DESCRIPTION
from taza.reports.photos import MAX_BYTES, PhotoError, check_photo
from taza.reports.services import MAX_PHOTOS, ReportError

HANDLERS = Handlers("filing")
OUT_OF_DATE = gettext_noop("This summary is out of date: use the buttons under the latest one.")
SUMMARY_DESCRIPTION = 1000  # the full text is kept and filed; the summary shows its start
SPLIT_PART = 4000
SPLIT_WINDOW_SECONDS = 3
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{8,18}[0-9]")


async def ask_category(message: Message, state: FSMContext, lang: str) -> None:
    cats = await sync_to_async(services.categories)(lang)
    rows: list[list[tuple[str, str | CallbackData]]] = [
        [(name, ChooseCategory(code=code))] for code, name in cats
    ]
    rows.append([(tr(lang, gettext_noop("Cancel")), Cancel())])
    await state.set_state(Filing.category)
    await message.answer(
        tr(lang, gettext_noop("What is the problem? Choose a category.")),
        reply_markup=buttons(rows),
    )


@HANDLERS.on("message", Asked("new"))
async def new_report(message: Message, state: FSMContext) -> None:
    if message.from_user is None:
        return
    lang = await language(message.from_user.id, message.from_user.language_code)
    await state.clear()
    await state.set_data({"photos": [], "draft": secrets.token_hex(4), "version": 0})
    await ask_category(message, state, lang)


@HANDLERS.on("message", Filing.category)
async def category_not_chosen(message: Message) -> None:
    """Say what to press when anything but a button comes while the categories are shown."""
    lang = await language(message.chat.id)
    await message.answer(
        tr(lang, gettext_noop("Choose a category with the buttons above, or send /cancel."))
    )


@HANDLERS.on("callback_query", Filing.category, ChooseCategory.filter())
async def choose_category(
    callback: CallbackQuery, callback_data: ChooseCategory, state: FSMContext
) -> None:
    lang = await language(callback.from_user.id)
    code = callback_data.code
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
            ),
            reply_markup=ReplyKeyboardMarkup(
                keyboard=[
                    [
                        KeyboardButton(
                            text=tr(lang, gettext_noop("Send my location")),
                            request_location=True,
                        )
                    ]
                ],
                resize_keyboard=True,
                one_time_keyboard=True,
            ),
        )
    elif step == Filing.photos:
        await message.answer(
            tr(lang, gettext_noop("Send one or more photos of the problem, then press “Done”.")),
            reply_markup=buttons(
                [
                    [
                        (tr(lang, gettext_noop("Done")), PhotosDone()),
                        (tr(lang, gettext_noop("Skip")), PhotosDone()),
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


@HANDLERS.on("message", Filing.location, F.location)
async def location_shared(message: Message, state: FSMContext) -> None:
    if message.location is None:
        return
    await take_point(message, state, message.location.latitude, message.location.longitude)


@HANDLERS.on("message", Filing.location, F.text)
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


@HANDLERS.on("message", Filing.location)
async def location_other(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(tr(lang, gettext_noop("Please send a location.")))


@HANDLERS.on("message", Filing.photos, F.photo | F.document)
async def photo_received(
    message: Message, state: FSMContext, bot: Bot, album_more: bool = False
) -> None:
    """Keep a photo; of an album, answer once, after its last photo."""
    lang = await language(message.chat.id)
    if message.photo:
        file_id, size = message.photo[-1].file_id, message.photo[-1].file_size or 0
    else:
        document = message.document
        if document is None:
            return
        file_id, size = document.file_id, document.file_size or 0
        # Refused by its declared type, or else by its content, when it arrives.
        if not (document.mime_type or "").startswith("image/") or (
            size <= MAX_BYTES and not await is_photo(bot, file_id)
        ):
            await message.answer(
                tr(
                    lang,
                    gettext_noop(
                        "“%(name)s” is not a photo. Send a photo (JPEG, PNG, WebP or HEIC), "
                        "or press “Done”."
                    ),
                    name=(document.file_name or "?")[:64],
                )
            )
            return
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
    if album_more:
        return
    await message.answer(
        tr(lang, gettext_noop("Photo %(n)d received. Send more, or press “Done”."), n=len(photos)),
        reply_markup=buttons([[(tr(lang, gettext_noop("Done")), PhotosDone())]]),
    )


async def is_photo(bot: Bot, file_id: str) -> bool:
    """Download a file sent as a document and tell whether it is a photo we accept."""
    file = await bot.get_file(file_id)
    if not file.file_path:
        return False
    stream = await bot.download_file(file.file_path)
    if stream is None:
        return False
    try:
        await sync_to_async(check_photo)(stream)
    except PhotoError:
        return False
    return True


@HANDLERS.on("message", Filing.photos)
async def photo_expected(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(tr(lang, gettext_noop("Please send a photo, or press “Done”.")))


@HANDLERS.on("callback_query", Filing.photos, PhotosDone.filter())
async def photos_done(callback: CallbackQuery, state: FSMContext) -> None:
    lang = await language(callback.from_user.id)
    await callback.answer()
    if not isinstance(callback.message, Message):
        return
    await next_step(callback.message, state, lang, Filing.description)


@HANDLERS.on("message", Filing.description, F.text)
async def description_received(message: Message, state: FSMContext) -> None:
    lang = await language(message.chat.id)
    text = (message.text or "").strip()
    if not text or text.startswith("/"):
        await message.answer(tr(lang, gettext_noop("Describe the problem in a few words.")))
        return
    if len(text) > MAX_DESCRIPTION:
        await too_long(message, lang)
        return
    await state.update_data(description=text, described_at=message.date.timestamp())
    await next_step(message, state, lang, Filing.contact)


async def too_long(message: Message, lang: str) -> None:
    await message.answer(
        tr(
            lang,
            gettext_noop(
                "The description is too long: at most %(n)d characters. Please shorten it "
                "and send it again."
            ),
            n=MAX_DESCRIPTION,
        )
    )


def continues_description(data: dict[str, Any], message: Message) -> bool:
    """Tell whether a text is the rest of a description the client split in two.

    Telegram clients cut a text longer than 4,096 characters into several messages sent
    within a second or two; the first part is then close to the limit.
    """
    described_at = data.get("described_at")
    return (
        bool(message.text)
        and described_at is not None
        and len(data.get("description", "")) >= SPLIT_PART
        and 0 <= message.date.timestamp() - described_at <= SPLIT_WINDOW_SECONDS
    )


@HANDLERS.on("message", Filing.description)
async def description_expected(message: Message) -> None:
    lang = await language(message.chat.id)
    await message.answer(tr(lang, gettext_noop("Describe the problem in a few words.")))


@HANDLERS.on("message", Filing.contact, F.contact)
async def contact_shared(message: Message, state: FSMContext) -> None:
    if message.contact is None or message.from_user is None:
        return
    lang = await language(message.chat.id)
    if message.contact.user_id != message.from_user.id:  # a friend's card, not their own
        await message.answer(
            tr(
                lang,
                gettext_noop(
                    "That is someone else's contact. Press “Share my phone” to share your "
                    "own number, or “Skip”."
                ),
            )
        )
        return
    await state.update_data(phone=message.contact.phone_number)
    await sync_to_async(services.remember_phone)(message.from_user.id, message.contact.phone_number)
    await show_summary(message, state, lang)


@HANDLERS.on("message", Filing.contact)
async def contact_skipped(message: Message, state: FSMContext) -> None:
    lang = await language(message.chat.id)
    data = await state.get_data()
    if continues_description(data, message) and message.text != tr(lang, gettext_noop("Skip")):
        joined = data["description"] + (message.text or "")
        if len(joined) > MAX_DESCRIPTION:
            await state.set_state(Filing.description)
            await too_long(message, lang)
            return
        await state.update_data(description=joined, described_at=message.date.timestamp())
        return  # the contact question was already asked after the first part
    typed = (message.text or "").strip()
    if PHONE.fullmatch(typed):  # a number typed instead of shared is taken as it is
        await state.update_data(phone=typed)
    await show_summary(message, state, lang)


async def show_summary(message: Message, state: FSMContext, lang: str) -> None:
    data = await state.get_data()
    draft, version = str(data.get("draft", "")), int(data.get("version", 0)) + 1
    await state.update_data(editing=False, version=version)
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
        description=shorten(data.get("description", "—"), SUMMARY_DESCRIPTION),
        phone=data.get("phone") or "—",
    )
    await message.answer(tr(lang, gettext_noop("Almost done.")), reply_markup=ReplyKeyboardRemove())
    await message.answer(
        text,
        reply_markup=buttons(
            [
                [(tr(lang, gettext_noop("Send")), SendReport(draft=draft, version=version))],
                [
                    (tr(lang, gettext_noop("Category")), edit("category", draft, version)),
                    (tr(lang, gettext_noop("Location")), edit("location", draft, version)),
                ],
                [
                    (tr(lang, gettext_noop("Photos")), edit("photos", draft, version)),
                    (tr(lang, gettext_noop("Description")), edit("description", draft, version)),
                ],
                [(tr(lang, gettext_noop("Cancel")), Cancel())],
            ]
        ),
    )


def edit(field: str, draft: str, version: int) -> EditField:
    return EditField(field=field, draft=draft, version=version)


def is_current(data: dict[str, Any], draft: str, version: int) -> bool:
    """Tell whether a summary's button belongs to the summary now on screen."""
    return str(data.get("draft", "")) == draft and int(data.get("version", 0)) == version


@HANDLERS.on("message", Filing.confirm)
async def summary_not_answered(message: Message, state: FSMContext) -> None:
    """Take a message while the summary waits: the rest of a split description, or remind.

    The report is sent only by its Send button; a stray message must not look sent.
    """
    lang = await language(message.chat.id)
    data = await state.get_data()
    if continues_description(data, message):  # an edited description the client split
        joined = data["description"] + (message.text or "")
        if len(joined) > MAX_DESCRIPTION:
            await state.set_state(Filing.description)
            await too_long(message, lang)
            return
        await state.update_data(description=joined, described_at=message.date.timestamp())
        await show_summary(message, state, lang)
        return
    await message.answer(
        tr(
            lang,
            gettext_noop(
                "Your report is not sent yet. Check the summary above and press Send, "
                "change a field with its button, or send /cancel."
            ),
        )
    )


@HANDLERS.on("callback_query", Filing.confirm, EditField.filter())
async def edit_field(callback: CallbackQuery, callback_data: EditField, state: FSMContext) -> None:
    lang = await language(callback.from_user.id)
    if not is_current(await state.get_data(), callback_data.draft, callback_data.version):
        await callback.answer(tr(lang, OUT_OF_DATE), show_alert=True)
        return
    await callback.answer()
    if not isinstance(callback.message, Message):
        return
    field = callback_data.field
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


@HANDLERS.on("callback_query", SendReport.filter())
async def send_report(
    callback: CallbackQuery, callback_data: SendReport, state: FSMContext, bot: Bot
) -> None:
    lang = await language(callback.from_user.id)
    summary = callback.message
    if not isinstance(summary, Message):
        return
    # A second tap, or a retry after this summary's report was filed: say which it was.
    number = await sync_to_async(services.filed_earlier)(summary.chat.id, summary.message_id)
    if number:
        await callback.answer()
        await summary.answer(
            tr(lang, gettext_noop("Report № %(number)s is already registered."), number=number)
        )
        return
    data = await state.get_data()
    if await state.get_state() != Filing.confirm.state or not is_current(
        data, callback_data.draft, callback_data.version
    ):
        # The button of an older summary, or of another draft: it never sends this one.
        await callback.answer(tr(lang, OUT_OF_DATE), show_alert=True)
        return
    await callback.answer()
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
        prefix = tr(lang, gettext_noop("The report was not sent: %(why)s"), why="")
        await refuse(summary, exc, prefix)
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
        ),
        reply_markup=main_menu(lang),
    )
