"""Tell a citizen something they subscribed to, by e-mail or in their Telegram chat.

A subscription belongs to a signed-in person (told by e-mail) or to a Telegram user of
the bot (told in their chat). The domains that keep subscriptions (air, hazards) sit
below the bot, so the chat is reached through the functions named in
``TAZA_CHAT_SENDERS`` (``taza.bot.notify.send_to_chat``: the bot's outbox, delivered
with retries, keyed so that a message written twice goes once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from taza.core.actors import Actor, person
from taza.core.errors import Forbidden
from taza.core.hooks import hooks


class Subscriber(models.Model):
    """Who a subscription belongs to: a signed-in person or a Telegram user, never both.

    Both are personal data: the audit trail records that they were set, not who.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(app_label)s_subscriptions",
    )
    telegram = models.ForeignKey(
        "bot.TelegramProfile",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(app_label)s_subscriptions",
    )

    audit_personal = frozenset({"user", "telegram"})

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_person",
                condition=(Q(user__isnull=False) & Q(telegram__isnull=True))
                | (Q(user__isnull=True) & Q(telegram__isnull=False)),
            )
        ]


def subscriber_of(actor: Actor, telegram: Any = None) -> dict[str, Any]:
    """Return who subscribes, as a Subscriber's lookup.

    The Telegram user given (someone in the bot, without an account), else the
    signed-in person; Forbidden for neither.
    """
    if telegram is not None:
        return {"telegram": telegram}
    user = person(actor)
    if user is None:
        raise Forbidden(_("Sign in to subscribe."))
    return {"user": user}


def language_of(subscriber: Any) -> str:
    """Return the language a subscriber reads: their chosen one, else the site's default."""
    chosen = getattr(subscriber, "preferred_language", "") or getattr(subscriber, "language", "")
    return chosen or settings.LANGUAGE_CODE


def tell(*, user: Any, telegram: Any, key: str, compose: Callable[[], tuple[str, str]]) -> bool:
    """Write the message in the person's language (``compose`` runs in it) and send it.

    ``user`` is told by e-mail (when they have an address), ``telegram`` (a
    ``bot.TelegramProfile``) in their chat, the subject on the first line. Return
    whether the message went out or was put in the outbox.
    """
    person = user if user is not None else telegram
    if person is None:
        return False
    with translation.override(language_of(person)):
        subject, body = compose()
        subject, body = str(subject), str(body)
    if user is not None:
        if not user.email:
            return False
        send_mail(subject, body + "\n\nTaza Qazaqstan", None, [user.email])
        return True
    sent = False
    for send in hooks("TAZA_CHAT_SENDERS"):
        sent = bool(send(chat_id=telegram.pk, key=key, text=f"{subject}\n\n{body}")) or sent
    return sent
