"""Tell a reporter who wrote through the bot that their report moved on.

The message goes into the outbox (``outbox.py``), which the bot process delivers with
retries; writing it twice for one change (a retried task) is harmless, as it is keyed
by the change's audit entry. It says the report's number, the new state in the
reporter's language, the akimat's reason or note, and on "resolved" it carries the
proof photo and the buttons to confirm or dispute.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from taza.bot import outbox
from taza.bot.handlers.callbacks import ConfirmResolution, DisputeResolution
from taza.bot.tasks import deliver_soon
from taza.core.urls import absolute_url
from taza.reports.choices import PhotoKind, ReportState
from taza.reports.models import Report
from taza.reports.querysets import public_history


def notify_telegram(report: Report, action: str, subject: str, body: str) -> None:
    """Put the change in the outbox for the reporter's chat (a TAZA_REPORT_NOTIFIERS hook)."""
    if not report.reporter_telegram_id or not settings.TAZA_BOT_TOKEN:
        return
    history = public_history(report)
    last = history[-1] if history else None
    markup = None
    photo = ""
    with translation.override(report.language):
        lines = [
            _("Report № %(number)s: %(state)s")
            % {"number": report.public_id, "state": report.get_state_display()},
            report.category.name,
        ]
        if last is not None and last.reason:
            lines.append(_("The akimat's note: %(note)s") % {"note": _(last.reason)})
        if report.state == ReportState.RESOLVED:
            lines.append(_("The akimat says the problem is resolved. Is it?"))
            markup = InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        InlineKeyboardButton(
                            text=_("Yes, it is fixed"),
                            callback_data=ConfirmResolution(number=report.public_id).pack(),
                        ),
                        InlineKeyboardButton(
                            text=_("No, reopen it"),
                            callback_data=DisputeResolution(number=report.public_id).pack(),
                        ),
                    ]
                ]
            )
            proof = report.photos.filter(kind=PhotoKind.PROOF).order_by("-pk").first()
            photo = proof.image.path if proof and proof.image else ""
        lines.append(_("Follow it: %(link)s") % {"link": absolute_url(report)})
    written = outbox.enqueue(
        key=f"report:{report.pk}:{last.pk if last else action}",
        chat_id=report.reporter_telegram_id,
        text="\n\n".join(lines),
        markup=markup,
        photo=photo,
    )
    if written:
        deliver_soon()


def send_to_chat(*, chat_id: int, key: str, text: str) -> bool:
    """Put a subscriber's alert in the outbox for their chat (a TAZA_CHAT_SENDERS hook).

    The key names the alert (``air:…``, ``fire:…``), so writing it twice sends it once.
    """
    if not settings.TAZA_BOT_TOKEN:
        return False
    written = outbox.enqueue(key=key, chat_id=chat_id, text=text)
    if written:
        deliver_soon()
    return written
