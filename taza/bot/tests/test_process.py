"""The real bot process, killed with SIGKILL in the middle of a conversation and of Send.

``manage.py run_bot`` polls the local Bot API server as it would Telegram. The person's
updates wait on the server; the process is killed while it downloads the photo during
Send, started again, and must end with one report, every update acknowledged, and
nothing sent twice but the one answer the kill interrupted.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from taza.bot.models import InboundUpdate, OutboundMessage
from taza.bot.tests.fake_telegram import FakeTelegram
from taza.bot.tests.test_conversation import TOKEN
from taza.reports.models import Report
from taza.reports.tests.images import photo_bytes

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]
_ids = itertools.count(1_000)


def _database_url() -> str:
    data = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{data['NAME']}"
    user, host = data.get("USER") or "postgres", data.get("HOST") or "127.0.0.1"
    password = f":{quote(data['PASSWORD'])}" if data.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{data.get('PORT') or 5432}/{data['NAME']}"


def _bot_process(fake: FakeTelegram) -> subprocess.Popen[bytes]:
    return _process(["run_bot"], TAZA_BOT_TOKEN=TOKEN, TAZA_BOT_API_URL=fake.url)


def _process(command: list[str], **env: str) -> subprocess.Popen[bytes]:
    """Start a manage.py command on the test database, quietly."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _database_url(), "LOG_LEVEL": "WARNING", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def _update(chat: int, **content: Any) -> dict[str, Any]:
    user = {"id": chat, "is_bot": False, "first_name": "Ainur", "language_code": "ru"}
    if "data" in content:
        return {
            "update_id": next(_ids),
            "callback_query": {
                "id": str(next(_ids)),
                "from": user,
                "chat_instance": "c",
                "data": content["data"],
                "message": {
                    "message_id": content["message_id"],
                    "date": int(time.time()),
                    "chat": {"id": chat, "type": "private"},
                    "text": "…",
                },
            },
        }
    message = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private"},
        "from": user,
        **content,
    }
    if str(content.get("text", "")).startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(content["text"])}]
    return {"update_id": next(_ids), "message": message}


def _answers(fake: FakeTelegram) -> int:
    return sum(1 for method, _params in fake.calls if method == "answerCallbackQuery")


def _last_buttons(fake: FakeTelegram, chat: int) -> tuple[dict[str, str], int]:
    message = fake.sent(chat)[-1]
    return fake.buttons(message), int(message["message_id_sent"])


def test_a_bot_killed_mid_send_files_one_report_and_loses_nothing():
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories
    from taza.reports.catalogue import load_categories

    load_territories()
    load_bodies()
    load_categories()
    fake = FakeTelegram().start()
    fake.files["photos/k1.jpg"] = photo_bytes()
    chat = 700
    bot = _bot_process(fake)
    try:
        fake.updates.append(_update(chat, text="/new"))
        _wait(lambda: bool(fake.sent(chat)))
        buttons, message_id = _last_buttons(fake, chat)
        fake.updates.append(
            _update(chat, data=buttons["Несанкционированная свалка"], message_id=message_id)
        )
        _wait(lambda: len(fake.sent(chat)) >= 2)
        fake.updates.append(_update(chat, location={"latitude": 51.1694, "longitude": 71.4491}))
        _wait(lambda: len(fake.sent(chat)) >= 3)
        photo = [{"file_id": "k1", "file_unique_id": "k1", "width": 9, "height": 9}]
        fake.updates.append(_update(chat, photo=photo))
        _wait(lambda: len(fake.sent(chat)) >= 4)
        buttons, message_id = _last_buttons(fake, chat)
        fake.updates.append(_update(chat, data=buttons["Готово"], message_id=message_id))
        fake.updates.append(_update(chat, text="Свалка у остановки"))
        fake.updates.append(_update(chat, text="Пропустить"))
        _wait(lambda: "Отправить" in fake.buttons(fake.sent(chat)[-1]))
        buttons, message_id = _last_buttons(fake, chat)
        fake.stall["getFile"] = 5  # Send will hang downloading the photo…
        answered = _answers(fake)
        fake.updates.append(_update(chat, data=buttons["Отправить"], message_id=message_id))
        _wait(lambda: _answers(fake) > answered)
        time.sleep(0.5)
        bot.send_signal(signal.SIGKILL)  # …and the process dies there
        bot.wait(timeout=10)
        assert not Report.objects.filter(reporter_telegram_id=chat).exists()
        fake.stall.clear()
        bot = _bot_process(fake)
        _wait(lambda: Report.objects.filter(reporter_telegram_id=chat).exists())
        _wait(lambda: not InboundUpdate.objects.filter(handled_at__isnull=True).exists())
        _wait(lambda: not fake.updates)  # every update acknowledged by a later offset
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)
        fake.stop()
    report = Report.objects.get(reporter_telegram_id=chat)
    assert report.description == "Свалка у остановки" and report.photos.count() == 1
    registered = [t["text"] for t in fake.sent(chat) if "зарегистрировано" in t["text"]]
    assert len(registered) == 1 and report.public_id in registered[0]


@pytest.fixture
def territories():
    """Load what a transactional test's database starts without (the others get it once)."""
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories
    from taza.reports.catalogue import load_categories

    load_territories()
    load_bodies()
    load_categories()


def test_with_a_broker_the_task_queue_delivers_a_notification_while_the_bot_is_down(
    territories, cast, redis_url
):
    """Production: a state change goes through Redis to a worker, which sends it once.

    No bot process runs. The operator's action (in one process) queues the reporter's
    notification in Redis; a `run_huey` worker (another process) writes it to the outbox,
    which queues the delivery, which the worker sends to the Bot API server.
    """
    from taza.reports.services import Submission, submit_report

    report = submit_report(
        Submission(
            channel="telegram",
            category_code="illegal_dump",
            description="Свалка у остановки",
            lat=51.1694,
            lon=71.4491,
            reporter_telegram_id=711,
            language="ru",
        )
    ).report
    fake = FakeTelegram().start()
    broker = {
        "TAZA_BROKER_URL": redis_url,
        "TAZA_QUEUE_NAME": f"taza-test-{os.getpid()}-{next(_ids)}",
        "TAZA_BOT_TOKEN": TOKEN,
        "TAZA_BOT_API_URL": fake.url,
    }
    worker = _process(["run_huey", "--workers", "2", "--no-periodic"], **broker)
    try:
        accept = (
            "from taza.accounts.models import User; from taza.reports.models import Report;"
            "from taza.reports.services import transition_report;"
            f"transition_report(Report.objects.get(pk={report.pk}), action='accept',"
            " actor=User.objects.get(username='astana'))"
        )
        assert _process(["shell", "-c", accept], **broker).wait(timeout=60) == 0
        _wait(lambda: bool(fake.sent(711)), seconds=60)
        time.sleep(1.5)  # a second delivery, were there one, would come now
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        fake.stop()
    texts = [message["text"] for message in fake.sent(711)]
    assert len(texts) == 1 and report.public_id in texts[0] and "принято" in texts[0]
    assert OutboundMessage.objects.get().sent_at is not None
