"""Remind operators of reports they owe the data bank: once per facility, year and report.

An analyst asks for the reminders from the list of missing reports; each reminder is
recorded first (one per facility, year and report, so asking twice sends nothing new)
and sent by the task queue, which marks it delivered, so a retried task does not send
it again. The letter is in Kazakh and Russian, as official letters to operators are.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taza.accounts.permissions import scope_of
from taza.audit.services import record_created
from taza.core.actors import SYSTEM, Actor, is_system, person
from taza.core.errors import Forbidden
from taza.core.letters import send_bilingual
from taza.core.urls import absolute_url
from taza.databank.models import OperatorReminder, ReminderKind, report_deadline
from taza.databank.querysets import missing_reports


def remind_operators(year: int, kind: str, *, actor: Actor, region_id: int | None = None) -> int:
    """Record and queue a reminder to each operator that owes ``kind`` for ``year``.

    Only facilities with a reporting e-mail and not reminded of this report before are
    written to; return how many reminders were queued.
    """
    if not (is_system(actor) or scope_of(actor).reads_all):
        raise Forbidden(_("Only monitoring analysts send reminders to operators."))
    from taza.databank.tasks import send_operator_reminder  # the task calls back here

    queued: list[OperatorReminder] = []
    for facility in missing_reports(year, kind, region_id=region_id):
        if not facility.email or getattr(facility, "reminded", None) is not None:
            continue
        try:
            with transaction.atomic():
                reminder = OperatorReminder.objects.create(
                    facility=facility, year=year, kind=kind, requested_by=person(actor)
                )
        except IntegrityError:
            continue  # another analyst asked at the same moment: one reminder
        queued.append(reminder)
    record_created(queued, reason="reminder to report", fields=("year", "kind"), actor=actor)
    for reminder in queued:
        transaction.on_commit(partial(send_operator_reminder, reminder.pk))
    return len(queued)


def remind_overdue(today: date, deadline: str) -> int:
    """Remind, once each, every operator whose last year's report is past its deadline.

    Run every day by the task queue: from the day after the deadline until the year
    ends, each facility that owes the register or the carbon cadastre for last year
    and was not reminded of it gets one reminder (a facility registered later gets
    its own the next day). Before the deadline nobody is written to. Return how many.
    """
    year = today.year - 1
    if today <= report_deadline(year, deadline):
        return 0
    return sum(remind_operators(year, kind, actor=SYSTEM) for kind in ReminderKind.values)


def deliver(reminder_id: int) -> bool:
    """Send one reminder unless it went out already; return whether it was sent now."""
    with transaction.atomic():
        reminder = (
            OperatorReminder.objects.select_for_update()
            .select_related("facility")
            .filter(pk=reminder_id, delivered_at__isnull=True)
            .first()
        )
        if reminder is None or not reminder.facility.email:
            return False
        values = {
            "year": reminder.year,
            "facility": reminder.facility.name,
            "code": reminder.facility.code,
            "link": absolute_url(reverse("databank:import")),
        }

        def compose() -> tuple[str, str]:
            named = values | {"report": str(ReminderKind(reminder.kind).label)}
            return (
                _("Report due: %(report)s for %(year)s") % named,
                _(
                    "The data bank has no report on %(report)s for %(year)s from the "
                    "facility %(facility)s (register number %(code)s). Please send it "
                    "through your reporting channel; the templates are at %(link)s."
                )
                % named,
            )

        send_bilingual(reminder.facility.email, compose)
        reminder.delivered_at = timezone.now()
        reminder.save(update_fields=["delivered_at"])
    return True
