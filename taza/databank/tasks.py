"""Background work for the data bank: reminders to operators, through the task queue."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from taza.databank.reminders import deliver


@db_task(retries=5, retry_delay=60)
def send_operator_reminder(reminder_id: int) -> None:
    """Send one reminder to an operator; a retry after it went out sends nothing."""
    deliver(reminder_id)
