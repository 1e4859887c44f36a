"""Background work for the action plan: reminders before deadlines, notes of returns."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from taza.accounts.models import Role, RoleAssignment
from taza.core.urls import absolute_url
from taza.programme.choices import ReportStatus
from taza.programme.models import ExecutorReport
from taza.programme.reminders import send_reminders
from taza.programme.status import period_label


@db_periodic_task(crontab(minute="0", hour="3"))
def remind_plan_reports() -> None:

    send_reminders(timezone.localdate())


@db_task(retries=5, retry_delay=60)
def tell_executor_returned(report_id: int) -> None:
    """Write to the executor whose report an analyst returned: why, and by when to resend.

    The person who sent it is told; when they left no address, the body's operators and
    executors are, each in their own language.
    """
    report = (
        ExecutorReport.objects.select_related("measure", "body", "region", "submitted_by")
        .filter(pk=report_id, status=ReportStatus.RETURNED)
        .first()
    )
    if report is None:
        return  # sent again or accepted since: nothing to say
    sender = report.submitted_by
    people = (
        [sender]
        if sender is not None and sender.email
        else [
            a.user
            for a in RoleAssignment.objects.filter(
                body=report.body, role__in=[Role.OPERATOR, Role.EXECUTOR], user__is_active=True
            ).select_related("user")
            if a.user.email
        ]
    )
    for person in people:
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            values = {
                "number": report.measure.number,
                "period": period_label(report.year, report.period),
                "comment": report.review_comment,
                "date": report.resend_by.strftime("%d.%m.%Y") if report.resend_by else "",
                "link": absolute_url(
                    reverse("programme:measure", args=[report.measure.number]) + "#report-form"
                ),
            }
            subject = _("Your report on measure %(number)s was returned") % values
            body = (
                _(
                    "An analyst returned your report on measure %(number)s (%(period)s).\n\n"
                    "Why: %(comment)s\n\nCorrect it and send it again by %(date)s:\n%(link)s"
                    "\n\nTaza Qazaqstan"
                )
                % values
            )
        send_mail(subject, body, None, [person.email])
