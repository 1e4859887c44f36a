"""Benchmark the Telegram bot against a local Bot API server, beside that server's echo.

    .venv/bin/python -m bench.bot [--chats 200] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Makes a fresh database (SQLite in a temporary folder, or ``taza_bench_bot`` on
PostgreSQL), loads the reference data, and starts the test suite's local Bot API server
(``taza/bot/tests/fake_telegram.py``). Then, in the same run:

1. **Reference**: the server's raw rate, ``sendMessage`` round trips from one aiohttp
   client with as many requests in flight as there are chats.
2. **The bot**: ``--chats`` people each file a whole report (``/new``, category,
   location typed, photos skipped, description, phone skipped, Send): every update goes
   through the durable inbox and the dispatcher as in production, chats in parallel, each
   chat in order. Updates handled per second and reports filed per second.
3. **The outbox**: three messages for each of ``--chats`` chats, with 10% of
   ``sendMessage`` calls refused with 429 (retry after 1 s), delivered at the cadence of
   ``Outbox.deliver_forever`` (at most 25 a second, one a second per chat: inside
   Telegram's limits on purpose). Messages delivered per second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB = "taza_bench_bot"


def _setup(postgres: str | None) -> None:
    if postgres:
        import psycopg

        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB}")
            conn.execute(f"CREATE DATABASE {DB}")
        os.environ["DATABASE_URL"] = postgres.rsplit("/", 1)[0] + f"/{DB}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taza.settings")
    os.environ["TAZA_BOT_TOKEN"] = "7000001:BENCH"  # noqa: S105 (the local server's)
    os.environ["LOG_LEVEL"] = "ERROR"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories
    from taza.reports.catalogue import load_categories

    call_command("migrate", verbosity=0)
    load_territories()
    load_bodies()
    load_categories()


async def _echo_rate(url: str, requests: int, in_flight: int) -> float:
    import aiohttp

    semaphore = asyncio.Semaphore(in_flight)
    async with aiohttp.ClientSession() as session:

        async def one(n: int) -> None:
            async with (
                semaphore,
                session.post(
                    f"{url}/bot7000001:BENCH/sendMessage", json={"chat_id": n, "text": "echo"}
                ) as response,
            ):
                await response.read()

        start = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(requests)))
        return requests / (time.perf_counter() - start)


_ids = iter(range(10_000, 10**9))


def _message(chat: int, **content: Any) -> dict[str, Any]:
    message = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private"},
        "from": {"id": chat, "is_bot": False, "first_name": "B", "language_code": "ru"},
        **content,
    }
    text = str(content.get("text", ""))
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": next(_ids), "message": message}


def _press(chat: int, data: str, message_id: int) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": {"id": chat, "is_bot": False, "first_name": "B", "language_code": "ru"},
            "chat_instance": "c",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private"},
                "text": "…",
            },
        },
    }


async def _conversations(fake: Any, chats: list[int]) -> tuple[int, float]:
    from taza.bot.handlers.callbacks import ChooseCategory, PhotosDone
    from taza.bot.inbox import Inbox
    from taza.bot.runtime import make_bot, make_dispatcher

    bot = make_bot("7000001:BENCH", fake.url)
    inbox = Inbox(bot, make_dispatcher(), album_wait=0)

    def last(chat: int) -> dict[str, Any]:
        message: dict[str, Any] = fake.sent(chat)[-1]
        return message

    phases: list[Callable[[int], dict[str, Any]]] = [
        lambda c: _message(c, text="/new"),
        lambda c: _press(c, ChooseCategory(code="illegal_dump").pack(), last(c)["message_id_sent"]),
        lambda c: _message(c, text="51.1694, 71.4491"),
        lambda c: _press(c, PhotosDone().pack(), last(c)["message_id_sent"]),
        lambda c: _message(c, text="Свалка строительного мусора у дороги"),
        lambda c: _message(c, text="Пропустить"),
        lambda c: _press(c, fake.buttons(last(c))["Отправить"], last(c)["message_id_sent"]),
    ]
    handled = 0
    start = time.perf_counter()
    for phase in phases:
        for chat in chats:
            await inbox.take(phase(chat))
            inbox.schedule(chat)
            handled += 1
        await inbox.settle()
    elapsed = time.perf_counter() - start
    await bot.session.close()
    return handled, elapsed


async def _outbox(fake: Any, chats: list[int], rounds: int) -> tuple[int, float, int]:
    from asgiref.sync import sync_to_async

    from taza.bot import outbox
    from taza.bot.runtime import make_bot

    for n in range(rounds):
        for chat in chats:
            await sync_to_async(outbox.enqueue)(key=f"bench:{n}:{chat}", chat_id=chat, text="x")
    bot = make_bot("7000001:BENCH", fake.url)
    box = outbox.Outbox(bot)
    fake.flood_share = 0.10
    refused_before = len(fake.refused)
    start = time.perf_counter()
    delivered = 0
    while await sync_to_async(outbox.pending_count)():
        delivered += await box.deliver_due()
        await asyncio.sleep(1.0)  # the cadence of Outbox.deliver_forever
    elapsed = time.perf_counter() - start
    fake.flood_share = 0.0
    await bot.session.close()
    return delivered, elapsed, len(fake.refused) - refused_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    _setup(args.postgres)
    from django.db import connection

    from taza.bot.tests.fake_telegram import FakeTelegram
    from taza.reports.models import Report

    fake = FakeTelegram().start()
    chats = list(range(1, args.chats + 1))
    echo = asyncio.run(_echo_rate(fake.url, args.chats * 7, args.chats))
    fake.calls.clear()
    handled, elapsed = asyncio.run(_conversations(fake, chats))
    filed = Report.objects.count()
    delivered, outbox_elapsed, refused = asyncio.run(_outbox(fake, chats, 3))
    fake.stop()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {connection.vendor}"
    )
    print(f"{'what':<58}{'per second':>12}")
    print(f"{'local Bot API server, raw sendMessage round trips':<58}{echo:>12,.0f}")
    print(
        f"{'bot: updates handled (7 per report, chats in parallel)':<58}{handled / elapsed:>12,.1f}"
    )
    print(f"{'bot: reports filed':<58}{filed / elapsed:>12,.1f}   ({filed} of {len(chats)})")
    print(
        f"{'outbox: messages delivered, 10% answered 429':<58}"
        f"{delivered / outbox_elapsed:>12,.1f}   ({delivered} sent, {refused} refused with 429)"
    )


if __name__ == "__main__":
    main()
