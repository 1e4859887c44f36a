"""Background work for the bot: delivering the outbox from the task queue.

The bot process delivers the outbox itself (``Runner.start``), which is all the embedded
default has. With a broker (TAZA_BROKER_URL) the task queue delivers it too: once a
minute, and right after a message is written (``outbox.enqueue``), so a notification goes
out while the bot process is down, restarting or busy. Both may run at once: each row is
claimed before it is sent, so none goes twice.
"""

from __future__ import annotations

import asyncio
import logging
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from taza.bot.outbox import Outbox, due_count, forget_done
from taza.bot.runtime import make_bot

logger = logging.getLogger(__name__)

# A round of the task stops after this long, before the next minute's round starts.
ROUND_SECONDS = 50.0


@db_periodic_task(crontab(minute="*"))
def deliver_outbox() -> int:
    """Deliver what is due, for up to ROUND_SECONDS; return how many messages went."""
    if not settings.TAZA_BOT_TOKEN:
        return 0
    sent = asyncio.run(_deliver_for(ROUND_SECONDS))
    if sent:
        logger.info("outbox delivered", extra={"sent": sent})
    return sent


def deliver_soon() -> None:
    """Have a task worker deliver the outbox once the current transaction commits.

    Only with a broker: in the embedded default a task would run inside the web request
    and wait on Telegram there, and the bot process delivers within a second anyway.
    """
    if not HUEY.immediate and settings.TAZA_BOT_TOKEN:
        transaction.on_commit(deliver_outbox)


async def _deliver_for(seconds: float) -> int:
    bot = make_bot()
    outbox = Outbox(bot)
    deadline = time.monotonic() + seconds
    sent = 0
    try:
        while True:
            sent += await outbox.deliver_due()
            if time.monotonic() > deadline or not await sync_to_async(due_count)():
                return sent
            await asyncio.sleep(1.0)  # the next message to a paced chat, or after a 429
    finally:
        await bot.session.close()


@db_periodic_task(crontab(minute="30", hour="4"))
def forget_delivered() -> int:
    """Delete old sent messages every night, also where no bot process restarts."""
    return forget_done()
