"""Remind executors of reports coming due, and tell them when one is overdue.

Run daily (a Huey periodic task, or ``manage.py remind_plan_reports`` from cron).
Each executor gets one message per deadline and step: 7 days before, 1 day before,
and the day after when still missing. A second run on the same day sends nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from taza.accounts.models import Role, RoleAssignment
from taza.core.urls import absolute_url
from taza.programme.models import ReportReminder
from taza.programme.status import PlanSnapshot, period_label

logger = logging.getLogger(__name__)
STEPS = (7, 1, -1)  # days before the deadline; -1 is the day after


def send_reminders(today: date) -> int:
    """Send what is due today; return how many reminders were sent."""
    snap = PlanSnapshot.load(today)
    pending: dict[tuple[int, int | None, date, int], list[list[Any]]] = defaultdict(list)
    for owed in snap.obligations(today - timedelta(days=1), today + timedelta(days=max(STEPS))):
        step = (owed.due - today).days
        if step in STEPS and owed.report is None:
            key = (owed.body_id, owed.region_id, owed.due, step)
            pending[key].append([owed.measure.number, owed.year, owed.period])
    sent = 0
    for (body_id, region_id, due, step), measures in sorted(pending.items(), key=str):
        try:
            with transaction.atomic():
                reminder = ReportReminder.objects.create(
                    body_id=body_id,
                    region_id=region_id,
                    due=due,
                    days_before=step,
                    measures=measures,
                )
        except IntegrityError:
            continue  # already sent today
        reminder.recipients = _notify(reminder)
        reminder.save(update_fields=["recipients"])
        sent += 1
    logger.info("plan reminders sent", extra={"sent": sent, "day": today.isoformat()})
    return sent


def _notify(reminder: ReportReminder) -> int:
    staff = RoleAssignment.objects.filter(
        body_id=reminder.body_id, role__in=[Role.OPERATOR, Role.EXECUTOR], user__is_active=True
    ).select_related("user")
    told = 0
    for assignment in staff:
        user = assignment.user
        if not user.email:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            values = {
                "date": reminder.due.strftime("%d.%m.%Y"),
                "measures": ", ".join(
                    f"{number} ({period_label(year, period)})"
                    for number, year, period in reminder.measures
                ),
                "link": absolute_url(reverse("programme:reporting")),
            }
            if reminder.days_before < 0:
                subject = _("Overdue: action plan reports were due on %(date)s") % values
            else:
                subject = _("Action plan reports are due on %(date)s") % values
            body = (
                _(
                    "Reports on these measures of the “Taza Qazaqstan” action plan are due on "
                    "%(date)s and have not been sent yet: %(measures)s.\n"
                    "Download the template and upload it here: %(link)s\n\nTaza Qazaqstan"
                )
                % values
            )
        send_mail(subject, body, None, [user.email])
        told += 1
    return told
