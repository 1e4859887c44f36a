"""Background work for the data bank: reminders to operators, through the task queue."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from taza.databank.reminders import deliver, remind_overdue


@db_task(retries=5, retry_delay=60)
def send_operator_reminder(reminder_id: int) -> None:
    """Send one reminder to an operator; a retry after it went out sends nothing."""
    deliver(reminder_id)


@db_periodic_task(crontab(hour="6", minute="15"))
@lock_task("databank-overdue-reminders")
def remind_overdue_daily() -> None:
    """Remind the operators whose last year's reports are past due, once each."""
    remind_overdue(timezone.localdate(), settings.TAZA_REPORT_DEADLINE)
