"""Send staff their alerts: at once for what they asked to hear at once, else daily.

Both runs find events in a bounded window (``events.py``) and keep only each person's
own work. "At once" claims every (person, event) in ``AlertSent`` before the mail goes:
the unique key makes a second run, or a second worker, skip it; if the mail fails the
claims are released so the next run tries again. The digest claims (person, day) the
same way. So an event is told to a person once, and never lost to a failed send.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from taza.accounts.models import Role, User
from taza.accounts.permissions import scope_of
from taza.alerts.choices import DEFAULT_MODE, AlertKind, AlertMode
from taza.alerts.events import Event, events, fire_events, flood_events
from taza.alerts.models import AlertPreference, AlertSent, ChatLink, DigestSent
from taza.audit.services import create_audited, update_audited
from taza.core.actors import Actor
from taza.core.hooks import hooks
from taza.core.urls import absolute_url
from taza.core.values import hash_token

log = logging.getLogger(__name__)

STAFF_ROLES = (Role.OPERATOR, Role.EXECUTOR, Role.ANALYST, Role.ADMIN)
# "At once" looks this far back, so a run missed while workers were down is caught up.
LOOKBACK = timedelta(hours=24)
# The digest goes out at this local hour and covers the 24 hours before it.
DIGEST_HOUR = 8
# A digest lists this many events of each kind; the rest are counted.
DIGEST_ITEMS = 20
# A code to link a Telegram chat is good for this long, once.
CODE_MINUTES = 30


def modes_of(user: Actor) -> dict[str, str]:
    """Return how the person hears of each kind: their choice, or the default."""
    chosen = dict(
        AlertPreference.objects.filter(user_id=getattr(user, "pk", None) or 0).values_list(
            "kind", "mode"
        )
    )
    return {kind: chosen.get(kind, DEFAULT_MODE) for kind in AlertKind.values}


@transaction.atomic
def set_modes(user: User, modes: dict[str, str]) -> None:
    """Keep the person's choices, one per kind of event."""
    for kind, mode in modes.items():
        if kind not in AlertKind.values or mode not in AlertMode.values:
            raise ValueError(f"{kind}: {mode}")
        AlertPreference.objects.update_or_create(user=user, kind=kind, defaults={"mode": mode})


def _staff() -> list[User]:
    """Return the active staff with an e-mail address or a linked chat: who alerts go to."""
    return list(
        User.objects.filter(is_active=True, role_assignments__role__in=STAFF_ROLES)
        .filter(Q(email__gt="") | Q(chat_link__telegram__isnull=False))
        .select_related("chat_link")
        .distinct()
    )


def chat_link_of(user: User) -> ChatLink | None:
    """Return the person's Telegram link (linked or waiting for its code), if any."""
    try:
        return user.chat_link
    except ChatLink.DoesNotExist:
        return None


@transaction.atomic
def issue_chat_code(user: User) -> str:
    """Make a one-time code the person sends to the bot to link their chat; keep its hash.

    URL-safe, so it also fits a ``t.me/<bot>?start=link_<code>`` link; a new code
    replaces the last one.
    """
    code = secrets.token_urlsafe(9)
    values: dict[str, Any] = {
        "token_hash": hash_token(code),
        "code_expires_at": timezone.now() + timedelta(minutes=CODE_MINUTES),
    }
    link = chat_link_of(user)
    if link is None:
        create_audited(ChatLink, actor=user, user=user, **values)
    else:
        update_audited(link, actor=user, **values)
    return code


@transaction.atomic
def link_chat(code: str, telegram: Any) -> User | None:
    """Link a Telegram user (``bot.TelegramProfile``) to the person whose code it is.

    Return the person, or None for a code unknown, used or expired. A chat serves one
    person: linked to someone else before, it moves.
    """
    code = code.strip()
    if not code:
        return None
    link = (
        ChatLink.objects.select_for_update()
        .filter(token_hash=hash_token(code), code_expires_at__gt=timezone.now())
        .select_related("user")
        .first()
    )
    if link is None:
        return None
    for other in ChatLink.objects.filter(telegram=telegram).exclude(pk=link.pk):
        update_audited(
            other, actor=link.user, telegram=None, linked_at=None, reason="linked to another"
        )
    update_audited(
        link,
        actor=link.user,
        telegram=telegram,
        linked_at=timezone.now(),
        token_hash="",
        code_expires_at=None,
        reason="linked from Telegram",
    )
    return link.user


@transaction.atomic
def unlink_chat(user: User, *, actor: Actor) -> bool:
    """Stop alerts to the person's chat; return whether one was linked."""
    link = chat_link_of(user)
    if link is None or link.telegram_id is None:
        return False
    update_audited(link, actor=actor, telegram=None, linked_at=None)
    return True


def unlink_telegram(telegram: Any) -> bool:
    """Stop staff alerts to this Telegram user's chat (``/unlink`` in the bot)."""
    link = ChatLink.objects.filter(telegram=telegram).select_related("user").first()
    return unlink_chat(link.user, actor=link.user) if link is not None else False


def keep_email(user: User, send_email: bool) -> None:
    """Keep whether a person with a linked chat also gets their alerts by e-mail."""
    link = chat_link_of(user)
    if link is not None and link.email_alerts != send_email:
        update_audited(link, actor=user, email_alerts=send_email)


def _chosen(user: User, found: dict[str, list[Event]], way: str) -> list[Event]:
    """Return the events the person hears of this way: kinds they chose, their own work."""
    scope = scope_of(user)
    return [
        event
        for kind, mode in modes_of(user).items()
        if mode == way
        for event in found[kind]
        if event.concerns(scope)
    ]


def send_immediate(now: datetime | None = None) -> int:
    """Tell each person at once of their new events; return how many people were written to."""
    now = now or timezone.now()
    since = now - LOOKBACK
    found = {kind: events(kind, since, now) for kind in AlertKind.values}
    written = 0
    for user in _staff():
        fresh = _chosen(user, found, AlertMode.IMMEDIATE)
        claimed, claims = _claim(user, fresh)
        if not claimed:
            continue
        try:
            _send(user, claimed, digest=False)
        except Exception:
            # Released, so the next run tells them: an alert is late rather than lost.
            log.exception("alert mail failed", extra={"user": user.pk})
            AlertSent.objects.filter(pk__in=claims).delete()
            continue
        written += 1
    return written


def send_fires_now(fire_ids: list[int]) -> int:
    """Tell the people of the territory of new fires at once (TAZA_FIRE_NOTIFIERS)."""
    return _send_urgent(AlertKind.FIRE, fire_events(fire_ids))


def send_floods_now(change_ids: list[int]) -> int:
    """Tell the people of the territory of gauges nearing danger at once."""
    return _send_urgent(AlertKind.FLOOD, flood_events(change_ids))


def _send_urgent(kind: str, found: list[Event]) -> int:
    """Tell every person whose territory the events are in, at once, unless they chose never.

    Fires and floods cannot wait for the next run or the digest: this is called right
    after what made them is stored. The claim is the same as the five-minute run's, so
    nobody hears of an event twice.
    """
    written = 0
    for user in _staff():
        if modes_of(user).get(kind) == AlertMode.OFF:
            continue
        scope = scope_of(user)
        claimed, claims = _claim(user, [e for e in found if e.concerns(scope)])
        if not claimed:
            continue
        try:
            _send(user, claimed, digest=False)
        except Exception:
            log.exception("urgent alert mail failed", extra={"user": user.pk, "kind": kind})
            AlertSent.objects.filter(pk__in=claims).delete()
            continue
        written += 1
    return written


def _claim(user: User, found: list[Event]) -> tuple[list[Event], list[int]]:
    """Claim each event for the person; return those no earlier run or worker took."""
    claimed, claims = [], []
    for event in found:
        try:
            with transaction.atomic():
                claim = AlertSent.objects.create(user=user, kind=event.kind, key=event.key)
        except IntegrityError:
            continue
        claimed.append(event)
        claims.append(claim.pk)
    return claimed, claims


def digest_window(day: datetime) -> tuple[datetime, datetime]:
    """Return the 24 hours a digest sent on that day covers, ending at DIGEST_HOUR."""
    end = timezone.make_aware(datetime.combine(day.date(), time(DIGEST_HOUR)))
    return end - timedelta(days=1), end


def send_digests(now: datetime | None = None) -> int:
    """Send each person their daily digest once; return how many were sent."""
    now = timezone.localtime(now or timezone.now())
    since, until = digest_window(now)
    if now < until:
        return 0  # not yet the hour
    found = {kind: events(kind, since, until) for kind in AlertKind.values}
    sent = 0
    for user in _staff():
        items = _chosen(user, found, AlertMode.DIGEST)
        try:
            with transaction.atomic():
                claim = DigestSent.objects.create(user=user, day=until.date(), items=len(items))
        except IntegrityError:
            continue  # sent already today
        if not items:
            continue
        try:
            _send(user, items, digest=True, day=until.date().isoformat())
        except Exception:
            log.exception("digest mail failed", extra={"user": user.pk})
            claim.delete()  # the next run tries again
            continue
        sent += 1
    return sent


def _send(user: User, items: list[Event], *, digest: bool, day: str = "") -> None:
    """Write the events to the person, in their language, grouped by kind.

    By e-mail, and to their Telegram chat when they linked one (the e-mail then only if
    they kept it). The chat's message is keyed by the person and the events (or the
    digest's day), so a run that retries after a failed mail does not write it twice.
    """
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        by_kind: dict[str, list[Event]] = defaultdict(list)
        for event in items:
            by_kind[event.kind].append(event)
        lines = []
        for kind in AlertKind.values:
            group = by_kind.get(kind, [])
            if not group:
                continue
            lines.append(f"{AlertKind(kind).label} ({len(group)}):")
            shown = group[:DIGEST_ITEMS] if digest else group
            lines += [f"- {e.describe()}\n  {e.link}" for e in shown]
            if len(group) > len(shown):
                lines.append(
                    ngettext("…and %(n)d more.", "…and %(n)d more.", len(group) - len(shown))
                    % {"n": len(group) - len(shown)}
                )
            lines.append("")
        lines.append(
            _("Choose what you hear of, and how: %(link)s")
            % {"link": absolute_url(reverse("alerts:preferences"))}
        )
        subject = (
            _("Taza: your daily digest (%(n)d)") % {"n": len(items)}
            if digest
            else ngettext("Taza: %(n)d new event", "Taza: %(n)d new events", len(items))
            % {"n": len(items)}
        )
        body = "\n".join(lines)
    link = chat_link_of(user)
    chat = link.telegram_id if link is not None else None
    if chat is not None:
        events_key = hashlib.sha256(
            "|".join(sorted(f"{e.kind}:{e.key}" for e in items)).encode()
        ).hexdigest()[:24]
        key = f"alerts:{user.pk}:" + (f"digest:{day}" if digest else events_key)
        for send in hooks("TAZA_CHAT_SENDERS"):
            send(chat_id=chat, key=key, text=f"{subject}\n\n{body}")
    if user.email and (chat is None or link is None or link.email_alerts):
        send_mail(subject, body + "\n\nTaza Qazaqstan", None, [user.email])
