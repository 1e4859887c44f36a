"""Follow one's reports: list them, open one, confirm or dispute a resolution."""

from __future__ import annotations

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    Message,
)
from asgiref.sync import sync_to_async
from django.utils.translation import gettext_noop

from taza.bot import services
from taza.bot.handlers.callbacks import (
    ConfirmResolution,
    DisputeResolution,
    ReportCard,
)
from taza.bot.handlers.common import (
    Asked,
    Filing,
    Handlers,
    buttons,
    language,
    refuse,
    reply_to_press,
    tr,
)
from taza.reports.services import ReportError

HANDLERS = Handlers("my_reports")


@HANDLERS.on("message", Asked("my"))
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
            [[(f"№ {number} — {state}", ReportCard(number=number))] for number, state in rows]
        ),
    )


@HANDLERS.on("callback_query", ReportCard.filter())
async def report_card(callback: CallbackQuery, callback_data: ReportCard) -> None:
    lang = await language(callback.from_user.id)
    card = await sync_to_async(services.report_card)(
        callback.from_user.id, callback_data.number, lang
    )
    await reply_to_press(callback, card or tr(lang, gettext_noop("This button is out of date.")))


@HANDLERS.on("callback_query", ConfirmResolution.filter())
async def confirm_resolution(callback: CallbackQuery, callback_data: ConfirmResolution) -> None:
    lang = await language(callback.from_user.id)
    number = callback_data.number
    try:
        await sync_to_async(services.reporter_action)(
            callback.from_user.id, number, "confirm", "", lang
        )
    except ReportError as exc:
        await refuse(callback, exc)
        return
    await reply_to_press(
        callback, tr(lang, gettext_noop("Thank you! Report № %(number)s is closed."), number=number)
    )


@HANDLERS.on("callback_query", DisputeResolution.filter())
async def start_dispute(
    callback: CallbackQuery, callback_data: DisputeResolution, state: FSMContext
) -> None:
    lang = await language(callback.from_user.id)
    await state.set_state(Filing.disputing)
    await state.update_data(disputing=callback_data.number)
    await reply_to_press(
        callback, tr(lang, gettext_noop("Tell us in one message what is still wrong."))
    )


@HANDLERS.on("message", Filing.disputing, F.text)
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
        await refuse(message, exc)
        return
    await message.answer(
        tr(
            lang,
            gettext_noop("Your dispute of report № %(number)s is sent to the regional akimat."),
            number=number,
        )
    )
