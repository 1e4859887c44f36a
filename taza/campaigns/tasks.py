"""Background work for campaigns: telling people a place became free."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from taza.campaigns.models import Registration
from taza.core.urls import absolute_url


@db_task(retries=5, retry_delay=60)
def tell_place_freed(registration_id: int) -> None:
    registration = (
        Registration.objects.select_related("event", "user").filter(pk=registration_id).first()
    )
    if registration is None or registration.user is None or not registration.user.email:
        return
    user = registration.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("A place is yours: %(event)s") % {"event": registration.event.display_title}
        body = _(
            "A place became free at “%(event)s” on %(day)s, and it is now yours.\n"
            "If you cannot come, cancel here so that the next person can: %(link)s\n\n"
            "Taza Qazaqstan"
        ) % {
            "event": registration.event.display_title,
            "day": registration.event.starts_at.strftime("%d.%m.%Y %H:%M"),
            "link": absolute_url(registration.event),
        }
    send_mail(subject, body, None, [user.email])
