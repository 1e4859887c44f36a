"""Send staff alerts from the task queue: at once every five minutes, the digest daily."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from taza.alerts.enterprises import tell_enterprises
from taza.alerts.services import send_digests, send_immediate


@db_periodic_task(crontab(minute="*/5"))
@lock_task("alerts-immediate")
def alert_at_once() -> None:
    send_immediate()


# Tried every hour: before DIGEST_HOUR it does nothing, after it each person's digest of
# the day goes once, so a worker that was down at eight catches up when it is back.
@db_periodic_task(crontab(minute="5"))
@lock_task("alerts-digest")
def alert_daily_digest() -> None:
    send_digests()


@db_periodic_task(crontab(minute="*/5"))
@lock_task("alerts-nmu-enterprises")
def nmu_to_enterprises() -> None:
    tell_enterprises()
