"""Background work for reports: telling reporters, watching deadlines.

Huey runs these: in the embedded default in-process and at once (no broker), in
production from Redis with separate `manage.py run_huey` workers that retry failures.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from taza.core.hooks import hooks
from taza.core.urls import absolute_url
from taza.reports import pending
from taza.reports.models import Report
from taza.reports.services import process_deadlines
from taza.reports.stats import refresh_dirty_days

logger = logging.getLogger(__name__)


def step_subject(report: Report) -> str:
    """Return the subject of a mail about a report's new state, in the active language."""
    return _("Report № %(number)s: %(state)s") % {
        "number": report.public_id,
        "state": report.get_state_display(),
    }


@db_task(retries=5, retry_delay=60)
def notify_reporter(report_id: int, action: str) -> None:
    """Tell the reporter, through the channel they used, that their report moved on."""
    report = Report.objects.select_related("category").filter(pk=report_id).first()
    if report is None:
        return
    with translation.override(report.language):
        subject = step_subject(report)
        text = _(
            "Your report “%(category)s” is now: %(state)s.\n"
            "Follow it here: %(link)s\n\nTaza Qazaqstan"
        )
        values = {"category": report.category.name, "state": report.get_state_display()}
        body = text % {**values, "link": absolute_url(report)}
    if report.reporter_email:
        # Only the reporter's own mail carries the private link (to confirm or dispute).
        send_mail(
            subject, text % {**values, "link": private_link(report)}, None, [report.reporter_email]
        )
    # Channels that reach people other than by e-mail (settings.TAZA_REPORT_NOTIFIERS).
    for notifier in hooks("TAZA_REPORT_NOTIFIERS"):
        notifier(report, action, subject, body)
    logger.info("reporter notified", extra={"report": report.public_id, "action": action})


def private_link(report: Report) -> str:
    """Return the report's address with its secret: who holds it may confirm or dispute."""
    return absolute_url(f"{report.get_absolute_url()}?token={report.reporter_token}")


@db_task(retries=5, retry_delay=60)
def email_registration(report_id: int) -> None:
    """Send the reporter their report's number and the private link, at once."""
    report = Report.objects.select_related("category", "body").filter(pk=report_id).first()
    if report is None or not report.reporter_email:
        return
    with translation.override(report.language):
        subject = _("Report № %(number)s is registered") % {"number": report.public_id}
        body = _(
            "Thank you. Your report “%(category)s” is registered as № %(number)s and sent to "
            "%(body)s.\n\nKeep this private link: with it you can confirm or dispute the "
            "resolution from any device. Do not share it.\n%(link)s\n\nTaza Qazaqstan"
        ) % {
            "category": report.category.name,
            "number": report.public_id,
            "body": report.body.name,
            "link": private_link(report),
        }
    send_mail(subject, body, None, [report.reporter_email])


@db_task(retries=5, retry_delay=60)
def tell_followers(report_id: int, action: str) -> None:
    """Write to everyone who said "mine too" that the report moved on, each in their language.

    One message per person (nobody sees another's address), sent in one connection.
    """
    from django.core.mail import EmailMessage, get_connection

    report = Report.objects.select_related("category").filter(pk=report_id).first()
    if report is None:
        return
    messages = []
    for follower in report.followers.select_related("user"):
        address = follower.user.email if follower.user else follower.email
        if not address:
            continue
        with translation.override(follower.language):
            subject = step_subject(report)
            body = _(
                "The report “%(category)s” you follow is now: %(state)s.\n"
                "Follow it here: %(link)s\n\nTaza Qazaqstan"
            ) % {
                "category": report.category.name,
                "state": report.get_state_display(),
                "link": absolute_url(report),
            }
        messages.append(EmailMessage(subject, body, None, [address]))
    if messages:
        get_connection().send_messages(messages)
    logger.info("followers told", extra={"report": report.public_id, "count": len(messages)})


@db_periodic_task(crontab(minute="*/10"))
def watch_deadlines() -> None:

    result = process_deadlines()
    logger.info(
        "deadlines processed",
        extra={"overdue": result.flagged_overdue, "closed": result.closed},
    )


@db_periodic_task(crontab(minute="*"))
def refresh_statistics() -> None:

    refresh_dirty_days()


@db_periodic_task(crontab(minute="15", hour="3"))
def forget_kept_photos() -> None:
    """Delete the photos kept for failed web submits that nobody came back for."""
    deleted = pending.forget_old()
    logger.info("kept photos forgotten", extra={"deleted": deleted})
