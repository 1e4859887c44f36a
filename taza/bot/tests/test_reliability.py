"""The bot under real Telegram behaviour: order, albums, stale buttons, limits, 429s, kills.

Updates go through the durable inbox as in production (``taza.bot.inbox``): a person's
updates can pile up while the bot is "down" and are handled when it drains them.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import TestCase
from django.utils import timezone

from taza.bot.inbox import Inbox
from taza.bot.models import InboundUpdate, OutboundMessage
from taza.bot.outbox import Outbox
from taza.bot.tests.test_conversation import (
    Person,
    file_a_report,
    file_a_report_until_summary,
    start_filing,
)
from taza.reports.choices import ReportState
from taza.reports.models import Report
from taza.reports.services import transition_report
from taza.reports.tests.images import photo_bytes, upload

pytestmark = pytest.mark.django_db


class QueuedPerson(Person):
    """Someone whose updates go through the inbox, as in production.

    While ``down`` is set the bot is not running: updates are stored, and handled only
    on ``drain()``.
    """

    down = False

    def _send(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        from taza.bot.tests.test_conversation import _ids

        update = {"update_id": next(_ids), kind: body}
        self.last_update = update
        async_to_sync(self._take)(update)
        if not self.down:
            self.drain()
        return update

    async def _take(self, update: dict[str, Any]) -> None:
        inbox = Inbox(self.runtime.bot, self.runtime.dp, album_wait=0)
        await inbox.take(update)

    def drain(self) -> None:
        async_to_sync(self._drain)()

    async def _drain(self) -> None:
        try:
            await Inbox(self.runtime.bot, self.runtime.dp, album_wait=0).drain_all()
        finally:
            await self.runtime.bot.session.close()


def _photo(file_id: str, album: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "photo": [{"file_id": file_id, "file_unique_id": file_id, "width": 640, "height": 480}]
    }
    if album:
        body["media_group_id"] = album
    return body


def test_a_stale_send_never_files_or_clears_the_current_draft(telegram):
    """Pressing Send under report A's old summary filed nothing of B and lost B (1)."""
    person = Person(telegram, 601)
    report_a = file_a_report(person)
    summary_a = next(
        m for m in reversed(telegram.fake.sent(601)) if "Отправить" in telegram.fake.buttons(m)
    )
    file_a_report_until_summary(person, "Отчёт Б")
    person.presses(telegram.fake.buttons(summary_a)["Отправить"], summary_a["message_id_sent"])
    assert f"№ {report_a.public_id} уже зарегистрировано" in person.last()
    # B is intact: its own summary still sends it.
    person.presses_button("Отправить")
    assert Report.objects.filter(reporter_telegram_id=601).count() == 2
    assert Report.objects.filter(description="Отчёт Б").exists()


def test_an_older_summary_of_the_same_draft_is_out_of_date(telegram):
    person = Person(telegram, 602)
    file_a_report_until_summary(person, "Первое")
    first = telegram.fake.sent(602)[-1]
    person.presses_button("Описание")
    person.says("Второе описание")
    person.presses(telegram.fake.buttons(first)["Отправить"], first["message_id_sent"])
    alerts = [p for m, p in telegram.fake.calls if m == "answerCallbackQuery" and p.get("text")]
    assert "устарела" in alerts[-1]["text"]
    assert not Report.objects.exists()
    person.presses_button("Отправить")
    assert Report.objects.get().description == "Второе описание"


def test_an_album_is_kept_whole_and_answered_once(telegram):
    """Three or four photos sent at once kept one to three, answered "1, 1, 2" (2)."""
    person = QueuedPerson(telegram, 603)
    for n in range(4):
        telegram.fake.files[f"photos/al{n}.jpg"] = photo_bytes()
    start_filing(person)
    person.down = True  # the four updates arrive together, as an album does
    for n in range(4):
        person.message(**_photo(f"al{n}", album="g1"))
    person.down = False
    person.drain()
    acknowledgements = [t for t in person.texts() if "получено" in t]
    assert acknowledgements == ["Фото 4 получено. Отправьте ещё или нажмите «Готово»."]
    person.presses_button("Готово")
    person.says("Свалка у реки")
    person.says("Пропустить")
    person.presses_button("Отправить")
    assert Report.objects.get(reporter_telegram_id=603).photos.count() == 4


def test_updates_sent_while_the_bot_was_down_are_read_in_order(telegram):
    """A photo, Done and a description sent during a restart: the description was lost (3)."""
    person = QueuedPerson(telegram, 604)
    telegram.fake.files["photos/p1.jpg"] = photo_bytes()
    start_filing(person)
    done = telegram.fake.buttons(telegram.fake.sent(604)[-1])["Готово"]
    person.down = True
    person.message(**_photo("p1"))
    person.presses(done)  # the photos step's button, pressed after the photo
    person.says("Горит мусор во дворе")
    person.says("Пропустить")
    assert InboundUpdate.objects.filter(handled_at__isnull=True).count() == 4
    person.down = False
    person.drain()
    assert "Описание: Горит мусор во дворе" in person.last()
    assert not InboundUpdate.objects.filter(handled_at__isnull=True).exists()


def test_a_text_the_client_split_in_two_is_joined(telegram):
    """Over 4,096 characters, clients send two messages; only the last part was kept (3)."""
    person = Person(telegram, 605)
    start_filing(person)
    person.presses_button("Пропустить")
    first, rest = "а" * 4096, "б" * 300
    now = int(time.time())
    person.message(text=first, date=now)
    person.message(text=rest, date=now + 1)
    person.says("Пропустить")
    person.presses_button("Отправить")
    assert Report.objects.get().description == first + rest


def test_a_long_description_still_gets_its_summary_and_buttons(telegram):
    """A 4,000-character description made the summary too long: no summary, no Send (4)."""
    person = Person(telegram, 606)
    file_a_report_until_summary(person, "Длинное описание. " * 222)
    summary = telegram.fake.sent(606)[-1]
    assert "Отправить" in telegram.fake.buttons(summary)
    assert not telegram.fake.refused
    person.presses_button("Отправить")
    assert len(Report.objects.get().description) > 3900  # filed whole


@pytest.mark.parametrize("method", ["sendMessage", "answerCallbackQuery", "getFile"])
def test_a_429_is_waited_out_and_retried_not_dropped(telegram, method):
    """A 429 lost a prompt, dropped a step, or lost the report at Send (5)."""
    person = Person(telegram, 607)
    telegram.fake.flood[method] = [1]
    report = file_a_report(person)
    assert [m for m, _p in telegram.fake.refused] == [method]
    assert report.photos.count() == 1


def test_notifications_wait_in_the_outbox_through_429s_and_arrive_once(telegram, cast):
    """A notification that met a 429 was requeued and never delivered without a broker (5)."""
    person = Person(telegram, 608)
    report = file_a_report(person)
    telegram.fake.flood["sendMessage"] = [1]
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition_report(report, action="accept", actor=cast.astana_operator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition_report(report, action="reject", actor=cast.astana_operator, note="Не наша")
    assert OutboundMessage.objects.count() == 2
    before = len(telegram.fake.sent(608))
    assert telegram.deliver() == 1  # the first met the 429 and waits its retry_after
    time.sleep(1.1)
    assert telegram.deliver() == 1
    assert telegram.deliver() == 0
    texts = [m["text"] for m in telegram.fake.sent(608)[before:]]
    assert len(texts) == 2 and any("отклонено" in t and "Не наша" in t for t in texts)
    assert not OutboundMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_resolution_arrives_with_its_proof_photo_and_buttons(telegram, cast):
    person = Person(telegram, 609)
    report = file_a_report(person)
    transition_report(report, action="accept", actor=cast.astana_operator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition_report(
            report, action="resolve", actor=cast.astana_operator, proof=upload(photo_bytes())
        )
    person.last()
    method, params = telegram.fake.calls[-1]
    assert method == "sendPhoto" and report.public_id in params["caption"]
    assert set(telegram.fake.buttons(params)) == {"Да, решено", "Нет, открыть снова"}


def test_a_bot_killed_after_filing_files_nothing_twice_on_restart(telegram):
    """The update of Send was stored; the process died after filing, before marking it."""
    person = QueuedPerson(telegram, 610)
    telegram.fake.files["photos/ph1.jpg"] = photo_bytes()
    file_a_report(person)
    assert Report.objects.filter(reporter_telegram_id=610).count() == 1
    send = InboundUpdate.objects.order_by("-update_id").first()
    assert send is not None
    InboundUpdate.objects.filter(pk=send.pk).update(handled_at=None)  # as if killed there
    sent = len(telegram.fake.sent(610))
    telegram.restart()
    person.drain()
    assert Report.objects.filter(reporter_telegram_id=610).count() == 1
    assert len(telegram.fake.sent(610)) == sent  # recognised as handled: no second effect
    assert not InboundUpdate.objects.filter(handled_at__isnull=True).exists()


def test_a_redelivered_update_is_stored_once(telegram):
    person = QueuedPerson(telegram, 611)
    update = person.says("/start")
    async_to_sync(person._take)(update)
    assert InboundUpdate.objects.filter(update_id=update["update_id"]).count() == 1


def test_a_client_in_english_gets_english_without_choosing(telegram):
    person = Person(telegram, 612, "en")
    person.says("/new")
    person.presses_button("Illegal dump")
    assert person.last().startswith("Send the location")


def test_a_client_in_another_language_gets_russian(telegram):
    person = Person(telegram, 613, "uk")
    person.says("/new")
    assert person.last() == "Что случилось? Выберите категорию."


def test_commands_work_in_the_middle_of_a_step(telegram):
    person = Person(telegram, 614)
    start_filing(person, location=None)
    person.says("/my")
    assert "координаты" not in person.last()
    person.says("/help")
    assert "/new" in person.last()


def test_a_rejected_report_and_its_outbox_survive_a_restart(telegram, cast):
    person = Person(telegram, 615)
    report = file_a_report(person)
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition_report(report, action="reject", actor=cast.astana_operator, note="Дубль")
    telegram.restart()  # nothing delivered yet: the outbox is in the database
    assert "Дубль" in person.last()
    report.refresh_from_db()
    assert report.state == ReportState.REJECTED


def test_the_outbox_paces_one_chat_at_a_message_a_second(telegram):
    from taza.bot import outbox

    for n in range(3):
        outbox.enqueue(key=f"k{n}", chat_id=616, text=f"сообщение {n}")

    async def one_round() -> int:
        try:
            return await Outbox(telegram.bot).deliver_due()
        finally:
            await telegram.bot.session.close()

    assert async_to_sync(one_round)() == 1
    assert outbox.enqueue(key="k0", chat_id=616, text="again") is False  # keyed: once


def test_two_deliverers_at_once_send_each_message_once(telegram):
    """The bot process and a task worker may both deliver: a claimed row is not taken."""
    from taza.bot import outbox

    for chat in range(620, 630):
        outbox.enqueue(key=f"both:{chat}", chat_id=chat, text=f"для {chat}")

    async def both() -> list[int]:
        try:
            first, second = Outbox(telegram.bot), Outbox(telegram.bot)
            return list(await asyncio.gather(first.deliver_due(), second.deliver_due()))
        finally:
            await telegram.bot.session.close()

    assert sum(async_to_sync(both)()) == 10
    assert all(len(telegram.fake.sent(chat)) == 1 for chat in range(620, 630))
    assert not OutboundMessage.objects.filter(claimed_until__isnull=False).exists()


def test_a_claim_is_released_when_its_deliverer_dies(telegram):
    from taza.bot import outbox

    outbox.enqueue(key="dies", chat_id=631, text="после сбоя")
    assert [row.key for row in outbox.due(10)] == ["dies"]  # claimed, then the process dies
    assert outbox.due(10) == [] and outbox.due_count() == 0
    OutboundMessage.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert [row.key for row in outbox.due(10)] == ["dies"]


def test_sent_messages_are_forgotten_after_a_month(telegram):
    from taza.bot import outbox

    outbox.enqueue(key="old", chat_id=632, text="старое")
    outbox.enqueue(key="new", chat_id=633, text="новое")
    OutboundMessage.objects.filter(key="old").update(sent_at=timezone.now() - timedelta(days=31))
    assert outbox.forget_done() == 1
    assert list(OutboundMessage.objects.values_list("key", flat=True)) == ["new"]


def test_coordinates_with_a_decimal_comma_or_swapped_are_understood(telegram):
    person = Person(telegram, 617)
    start_filing(person, location=None)
    person.says("71,4491 51,1694")
    assert "Байконыр" in "".join(person.texts()[-2:]) or "фото" in person.last()
    data = telegram.fake.sent(617)
    assert any(m.get("reply_markup", {}).get("keyboard") for m in data)  # "Send my location"


def test_someone_elses_contact_is_refused_and_a_typed_phone_taken(telegram):
    person = Person(telegram, 618)
    start_filing(person)
    person.presses_button("Пропустить")
    person.says("Свалка")
    person.shares_contact("+77010000000", own=False)
    assert "чужой контакт" in person.last()
    person.says("+7 701 234 56 78")
    assert "Телефон: +7 701 234 56 78" in person.last()


def test_a_main_menu_keyboard_follows_the_language_choice_and_a_filed_report(telegram):
    person = Person(telegram, 619)
    report = file_a_report(person)
    assert report is not None
    keyboards = [
        m["reply_markup"]["keyboard"]
        for m in telegram.fake.sent(619)
        if isinstance(m.get("reply_markup"), dict) and "keyboard" in m["reply_markup"]
    ]
    menus = [k for k in keyboards if k[0][0]["text"] == "📝 Новое обращение"]
    assert len(menus) >= 3  # at /start, after choosing the language, and after Send


@pytest.mark.parametrize(
    ("content", "accepted"), [(b"not a picture at all", False), (photo_bytes(), True)]
)
def test_a_document_is_checked_when_it_arrives_and_named_if_refused(telegram, content, accepted):
    """A non-image file sent as a document was refused only at Send, unnamed."""
    person = Person(telegram, 620)
    telegram.fake.files["photos/doc1.jpg"] = content
    start_filing(person)
    person.message(
        document={
            "file_id": "doc1",
            "file_unique_id": "doc1",
            "file_name": "IMG_2041.jpg",
            "mime_type": "image/jpeg",
            "file_size": len(content),
        }
    )
    if accepted:
        assert person.last().startswith("Фото 1 получено")
    else:
        assert person.last().startswith("«IMG_2041.jpg» — это не фото")
