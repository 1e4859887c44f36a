"""Background work for the action plan: reminders before reporting deadlines."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from taza.programme.reminders import send_reminders


@db_periodic_task(crontab(minute="0", hour="3"))
def remind_plan_reports() -> None:

    send_reminders(timezone.localdate())
