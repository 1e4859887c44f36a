"""Whole conversations through the real aiogram library against a local fake Bot API."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from aiogram.types import Update
from asgiref.sync import async_to_sync
from django.test import TestCase

from taza.bot.models import BotConversation, SeenUpdate
from taza.bot.runtime import make_bot, make_dispatcher
from taza.bot.tests.fake_telegram import FakeTelegram
from taza.reports.choices import ReportState
from taza.reports.models import Report
from taza.reports.photos import MAX_BYTES
from taza.reports.services import transition_report
from taza.reports.tests.images import photo_bytes, upload

pytestmark = pytest.mark.django_db

TOKEN = "7000001:TEST-TOKEN"
_ids = itertools.count(100)


class Runtime:
    """The bot process: a bot and a dispatcher; restarting makes new ones."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.start()

    def start(self) -> None:
        self.bot = make_bot(TOKEN, self.fake.url)
        self.dp = make_dispatcher()

    def close(self) -> None:
        async_to_sync(self.bot.session.close)()

    def restart(self) -> None:
        self.close()
        self.start()

    def deliver(self) -> int:
        """Deliver the outbox as the bot process does, without the per-chat pause."""
        return int(async_to_sync(self._deliver)())

    async def _deliver(self) -> int:
        from taza.bot.outbox import Outbox

        try:
            return await Outbox(self.bot, per_chat_seconds=0).deliver_due()
        finally:
            await self.bot.session.close()

    def feed(self, update: dict[str, Any]) -> None:
        parsed = Update.model_validate(update, context={"bot": self.bot})
        async_to_sync(self._feed)(parsed)

    async def _feed(self, update: Update) -> None:
        # Each feed runs in its own event loop (async_to_sync keeps the test's database
        # connection in this thread); the HTTP session must not outlive its loop.
        try:
            await self.dp.feed_update(self.bot, update)
        finally:
            await self.bot.session.close()


class Person:
    """Somebody chatting with the bot: each call is one update from them."""

    def __init__(self, runtime: Runtime, user_id: int, language_code: str = "ru") -> None:
        self.runtime, self.id = runtime, user_id
        self.user = {
            "id": user_id,
            "is_bot": False,
            "first_name": "Айгерим",
            "language_code": language_code,
        }
        self.last_update: dict[str, Any] = {}

    def _send(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(_ids), kind: body}
        self.last_update = update
        self.runtime.feed(update)
        return update

    def message(self, **content: Any) -> dict[str, Any]:
        return self._send(
            "message",
            {
                "message_id": next(_ids),
                "date": int(time.time()),
                "chat": {"id": self.id, "type": "private"},
                "from": self.user,
                **content,
            },
        )

    def says(self, text: str) -> dict[str, Any]:
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.message(text=text, **({"entities": entities} if text.startswith("/") else {}))

    def shares_location(self, lat: float, lon: float) -> dict[str, Any]:
        return self.message(location={"latitude": lat, "longitude": lon})

    def sends_photo(self, file_id: str, size: int | None = None) -> dict[str, Any]:
        data = self.runtime.fake.files.get(f"photos/{file_id}.jpg", b"")
        return self.message(
            photo=[
                {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "width": 640,
                    "height": 480,
                    "file_size": size or len(data),
                }
            ]
        )

    def shares_contact(self, phone: str, own: bool = True) -> dict[str, Any]:
        return self.message(
            contact={
                "phone_number": phone,
                "first_name": "Айгерим",
                "user_id": self.id if own else 1,
            }
        )

    def presses(self, data: str, message_id: int | None = None) -> dict[str, Any]:
        return self._send(
            "callback_query",
            {
                "id": str(next(_ids)),
                "from": self.user,
                "chat_instance": "c",
                "data": data,
                "message": {
                    "message_id": message_id or next(_ids),
                    "date": int(time.time()),
                    "chat": {"id": self.id, "type": "private"},
                    "text": "…",
                },
            },
        )

    def presses_button(self, label: str) -> dict[str, Any]:
        """Press a button, by its text, in the latest message that has it."""
        self.runtime.deliver()
        for message in reversed(self.runtime.fake.sent(self.id)):
            data = self.runtime.fake.buttons(message).get(label)
            if data:
                return self.presses(data, message["message_id_sent"])
        raise AssertionError(f"no button {label!r} in {self.texts()[-3:]}")

    def texts(self) -> list[str]:
        self.runtime.deliver()  # what the outbox holds for the chat arrives first
        return [str(m["text"]) for m in self.runtime.fake.sent(self.id)]

    def last(self) -> str:
        return self.texts()[-1]


def file_a_report(person: Person, *, language_button: str = "Русский") -> Report:
    fake = person.runtime.fake
    fake.files["photos/ph1.jpg"] = photo_bytes(camera="Xiaomi", gps=(51.17, 71.45))
    person.says("/start")
    person.presses_button(language_button)
    person.says("/new")
    person.presses_button("Несанкционированная свалка")
    person.shares_location(51.1694, 71.4491)
    person.sends_photo("ph1")
    person.presses_button("Готово")
    person.says("Свалка строительного мусора за гаражами")
    person.shares_contact("+77015550000")
    person.presses_button("Отправить")
    return Report.objects.get(reporter_telegram_id=person.id)


def start_filing(
    person: Person,
    category: str = "Сжигание мусора",
    location: tuple[float, float] | None = (51.1694, 71.4491),
) -> None:
    """Choose Russian, start a report, pick the category and, unless None, the place."""
    person.says("/start")
    person.presses_button("Русский")
    person.says("/new")
    person.presses_button(category)
    if location is not None:
        person.shares_location(*location)


def file_a_report_until_summary(person: Person, description: str = "Первое описание") -> None:
    start_filing(person)
    person.presses_button("Пропустить")
    person.says(description)
    person.says("Пропустить")


def test_a_scripted_conversation_files_a_report_with_photo_and_location(telegram):
    person = Person(telegram, 501)
    report = file_a_report(person)
    assert report.channel == "telegram"
    assert (report.region.code, report.body.code) == ("KZ71", "AKIMAT-KZ711410")
    assert report.reporter_phone == "+77015550000"
    assert report.photos.count() == 1
    assert b"Xiaomi" not in report.photos.get().image.read()
    assert (
        f"№ {report.public_id}" in person.last()
        and f"/reports/{report.public_id}/" in person.last()
    )
    summary = next(t for t in person.texts() if t.startswith("Пожалуйста, проверьте"))
    assert "Байконырский район, город Астана" in summary and "Фото: 1" in summary
    assert not BotConversation.objects.exclude(state="").exists()


def test_the_category_keyboard_comes_from_the_live_catalogue(telegram):
    from taza.reports.models import ServiceCategory

    ServiceCategory.objects.filter(code="waste_burning").update(is_active=False)
    person = Person(telegram, 502, "en")
    person.says("/start")
    person.presses_button("English")
    person.says("/new")
    labels = telegram.fake.buttons(telegram.fake.sent(502)[-1])
    assert "Illegal dump" in labels and "Burning of waste" not in labels


def test_a_kazakh_conversation_with_typed_coordinates_and_no_contact(telegram):
    person = Person(telegram, 503, "kk")
    person.says("/start")
    person.presses_button("Қазақша")
    assert "Taza Qazaqstan" in person.last() and "/new" in person.last()
    person.says("/new")
    person.presses_button("Толып кеткен контейнер")
    person.says("43.1575, 77.0586")
    person.presses_button("Өткізу")
    person.says("Контейнер толып кетті")
    person.says("Өткізу")
    person.presses_button("Жіберу")
    report = Report.objects.get(reporter_telegram_id=503)
    assert report.body.code == "AKIMAT-KZ751710" and report.language == "kk"
    assert report.photos.count() == 0 and report.reporter_phone == ""
    assert "тіркелді" in person.last()


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("outside", "за пределами Казахстана"),
        ("gibberish", "Не удалось прочитать координаты"),
        ("text_for_photo", "Пожалуйста, отправьте фото"),
        ("huge_photo", "слишком большая"),
        ("pdf_for_photo", "«act.pdf» — это не фото"),
    ],
)
def test_each_step_validates_and_asks_again(telegram, step, expected):
    person = Person(telegram, 504)
    start_filing(person, location=None)
    if step == "outside":
        person.shares_location(55.75, 37.61)  # Moscow
    elif step == "gibberish":
        person.says("у магазина")
    else:
        person.shares_location(51.1694, 71.4491)
        if step == "text_for_photo":
            person.says("вот")
        elif step == "huge_photo":
            person.sends_photo("big", size=MAX_BYTES + 1)
        else:
            person.message(
                document={
                    "file_id": "d1",
                    "file_unique_id": "d1",
                    "file_name": "act.pdf",
                    "mime_type": "application/pdf",
                    "file_size": 100,
                }
            )
    assert expected in person.last()
    assert not Report.objects.exists()


def test_a_stale_button_is_refused_politely(telegram):
    person = Person(telegram, 505)
    person.says("/start")
    person.presses_button("Русский")
    person.presses("cat:illegal_dump", 1)  # from a conversation that no longer runs
    answers = [p for m, p in telegram.fake.calls if m == "answerCallbackQuery"]
    assert answers[-1].get("text") == "Эта кнопка устарела."
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("join:abc", "Эта кнопка устарела."),
        ("lang", "Эта кнопка устарела."),
        ("card", "Эта кнопка устарела."),
        ("edit", "Эта кнопка устарела."),
        ("x" * 64, "Эта кнопка устарела."),
        ("confirm:", "Это не ваше обращение."),
        ("confirm:A-0000", "Это не ваше обращение."),
    ],
)
def test_a_forged_or_malformed_button_is_refused_without_a_change(telegram, data, expected):
    person = Person(telegram, 507)
    person.says("/start")
    person.presses_button("Русский")
    person.presses(data)
    answers = [p for m, p in telegram.fake.calls if m == "answerCallbackQuery"]
    assert answers[-1].get("text") == expected
    assert not Report.objects.exists()


def test_a_repeated_delivery_is_handled_once(telegram):
    person = Person(telegram, 506)
    person.says("/start")
    sent = len(telegram.fake.sent(506))
    telegram.feed(person.last_update)  # Telegram delivers the same update again
    assert len(telegram.fake.sent(506)) == sent
    assert SeenUpdate.objects.count() == 1


def test_pressing_send_twice_makes_one_report(telegram):
    person = Person(telegram, 507)
    file_a_report(person)
    person.presses_button("Отправить")  # the same button, a second time
    assert Report.objects.count() == 1
    assert "уже зарегистрировано" in person.last()


def test_a_network_failure_then_retry_files_one_report(telegram):
    person = Person(telegram, 508)
    file_a_report_until_summary(person, "Горит мусор")
    summary = telegram.fake.sent(508)[-1]
    send = telegram.fake.buttons(summary)["Отправить"]
    telegram.fake.fail_next = 1  # the bot's first call while sending never arrives
    with pytest.raises(Exception):  # noqa: B017 (the library's network error)
        person.presses(send, summary["message_id_sent"])
    telegram.feed(person.last_update)  # Telegram redelivers the unanswered update
    assert Report.objects.count() == 1
    assert "№ " in person.last()


def test_the_conversation_survives_a_restart(telegram):
    person = Person(telegram, 509)
    start_filing(person)
    telegram.restart()  # a new process: new bot, new dispatcher, same database
    person.presses_button("Пропустить")
    person.says("Жгут листья")
    person.says("Пропустить")
    person.presses_button("Отправить")
    assert Report.objects.get().description == "Жгут листья"


def test_cancel_works_at_any_step(telegram):
    person = Person(telegram, 510)
    start_filing(person, location=None)
    person.says("/cancel")
    assert "Отменено" in person.last()
    person.says("51.1694, 71.4491")
    assert "Отправьте /new" in person.last()
    assert not Report.objects.exists()


def test_editing_a_field_from_the_summary(telegram):
    person = Person(telegram, 511)
    file_a_report_until_summary(person)
    person.presses_button("Описание")
    person.says("Исправленное описание")
    assert person.last().startswith("Пожалуйста, проверьте")
    assert "Исправленное описание" in person.last()
    person.presses_button("Отправить")
    assert Report.objects.get().description == "Исправленное описание"


def test_a_flood_is_answered_once_and_an_album_counts_as_one_message(telegram, settings):
    from django.core.cache import cache

    cache.clear()
    settings.TAZA_BOT_MESSAGES_PER_MINUTE = 10  # five messages in ten seconds
    person = Person(telegram, 512)
    for _ in range(12):
        person.says("привет")
    warnings = [t for t in person.texts() if t.startswith("Слишком много сообщений")]
    assert warnings == ["Слишком много сообщений сразу; подождите несколько секунд."]
    cache.clear()
    flooded = len(telegram.fake.sent(512))
    for n in range(8):
        person.message(
            media_group_id="album-1",
            photo=[{"file_id": f"a{n}", "file_unique_id": f"a{n}", "width": 9, "height": 9}],
        )
    assert not any(t.startswith("Слишком много") for t in person.texts()[flooded:])
    cache.clear()


def test_my_reports_and_a_reports_card(telegram):
    person = Person(telegram, 513)
    report = file_a_report(person)
    person.says("/my")
    person.presses_button(f"№ {report.public_id} — новое")
    assert f"№ {report.public_id}" in person.last() and "Статус: новое" in person.last()


def test_a_bot_report_reaches_the_console_and_the_map_and_its_resolution_the_chat(
    telegram, cast, client
):
    person = Person(telegram, 514)
    report = file_a_report(person)
    client.force_login(cast.astana_operator)
    assert report.public_id in client.get("/console/").content.decode()
    pins = client.get("/api/v1/map/", {"zoom": 15, "bbox": "71.44,51.16,71.46,51.18"}).json()
    assert report.public_id in [item.get("public_id") for item in pins["items"]]
    action = f"/reports/{report.public_id}/action/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(action, {"action": "accept"})
    assert "принято" in person.last()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(action, {"action": "resolve", "proof": upload(photo_bytes())})
    assert "решено" in person.last()
    assert set(telegram.fake.buttons(telegram.fake.sent(514)[-1])) == {
        "Да, решено",
        "Нет, открыть снова",
    }
    person.presses_button("Да, решено")
    report.refresh_from_db()
    assert report.state == ReportState.CLOSED
    assert "закрыто" in person.last()


def test_the_reporter_disputes_from_the_chat(telegram, cast):
    person = Person(telegram, 515)
    report = file_a_report(person)
    transition_report(report, action="accept", actor=cast.astana_operator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition_report(
            report, action="resolve", actor=cast.astana_operator, proof=upload(photo_bytes())
        )
    person.presses_button("Нет, открыть снова")
    person.says("Мусор так и лежит")
    report.refresh_from_db()
    assert report.state == ReportState.DISPUTED and report.dispute_count == 1
    assert "областной акимат" in person.last()


def test_someone_else_cannot_confirm_anothers_report(telegram, cast):
    owner, stranger = Person(telegram, 516), Person(telegram, 517)
    report = file_a_report(owner)
    transition_report(report, action="accept", actor=cast.astana_operator)
    transition_report(
        report, action="resolve", actor=cast.astana_operator, proof=upload(photo_bytes())
    )
    stranger.says("/start")
    stranger.presses_button("Русский")
    stranger.presses(f"confirm:{report.public_id}", 1)
    report.refresh_from_db()
    assert report.state == ReportState.RESOLVED


def test_the_webhook_checks_telegrams_secret_token(telegram, settings):
    from aiohttp.test_utils import TestClient, TestServer

    from taza.bot.runner import WEBHOOK_PATH, Runner

    settings.TAZA_BOT_WEBHOOK_SECRET = "s3cret-token"
    update = {
        "update_id": next(_ids),
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": 520, "type": "private"},
            "from": {"id": 520, "is_bot": False, "first_name": "A"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }

    async def scenario() -> tuple[int, int]:
        runner = Runner(telegram.bot, telegram.dp)
        async with TestClient(TestServer(runner.webhook_app())) as client:
            forged = await client.post(
                WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            real = await client.post(
                WEBHOOK_PATH,
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
            )
            await runner.inbox.settle()  # answered once stored; handled right after
        await telegram.bot.session.close()
        return forged.status, real.status

    forged, real = async_to_sync(scenario)()
    assert forged == 401 and real == 200
    assert telegram.fake.sent(520)[-1]["text"].startswith("Тілді таңдаңыз")
    assert len(telegram.fake.sent(520)) == 2  # greeting and languages: the forged one ignored


def test_the_bot_talks_to_the_configured_api_server(fake):
    bot = make_bot(TOKEN, fake.url)
    me = async_to_sync(_me)(bot)
    assert me.username == "TazaQazBot"
    assert ("getMe", {}) in fake.calls


async def _me(bot):
    try:
        return await bot.get_me()
    finally:
        await bot.session.close()
