"""The bot's dealings with the rest of Taza, as plain synchronous functions.

Handlers call these through ``sync_to_async``; every rule lives in the reports
services, so the bot only translates chat messages into their calls.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from taza.air.choices import ADVICE
from taza.air.models import City
from taza.air.models import Subscription as AirSubscription
from taza.air.querysets import cities_with_posts, city_aqi, posts_now, warnings_for
from taza.air.services import subscribe as subscribe_air
from taza.air.services import unsubscribe as unsubscribe_air
from taza.alerts.services import link_chat, unlink_telegram
from taza.bot.models import SeenUpdate, TelegramProfile
from taza.campaigns.choices import RegistrationStatus
from taza.campaigns.models import Event, Registration
from taza.campaigns.querysets import nearest_first, upcoming_events
from taza.campaigns.services import CampaignError, cancel_registration, register
from taza.core.actors import SYSTEM
from taza.core.errors import DomainError
from taza.core.urls import absolute_url
from taza.geo.lookup import locate
from taza.geo.models import District, Region
from taza.hazards.choices import RiskStatus
from taza.hazards.models import Settlement
from taza.hazards.services import subscribe_place, subscribe_settlement
from taza.hazards.services import unsubscribe as unsubscribe_hazards
from taza.reports.choices import Channel, ReportState
from taza.reports.models import Report, ServiceCategory
from taza.reports.querysets import public_history
from taza.reports.services import (
    IntakeResult,
    ReportError,
    Submission,
    submit_report,
    transition_report,
)

LANGUAGES = ("kk", "ru", "en")


def seen(update_id: int) -> bool:
    """Tell whether an update was handled before (Telegram delivered it again)."""
    return SeenUpdate.objects.filter(update_id=update_id).exists()


def mark_seen(update_id: int) -> None:
    """Record a handled update. Only after success: a failed one must be redelivered."""
    SeenUpdate.objects.bulk_create([SeenUpdate(update_id=update_id)], ignore_conflicts=True)


RATE_WINDOW_SECONDS = 10


def over_rate(telegram_id: int, album: str = "") -> int:
    """Count one message from a person; return by how many they are over the limit.

    The limit is half of TAZA_BOT_MESSAGES_PER_MINUTE in any window of ten seconds (a
    person typing fast stays well under it), so a burst is cut off but nobody is held
    back for more than a few seconds after it; the photos of one album count as one.
    0: within the limit; 1: the first one over (answer it); more: later ones in the same
    window (stay silent).
    """
    if album and not cache.add(f"bot-album:{telegram_id}:{album}", 1, timeout=60):
        return 0
    limit = max(5, settings.TAZA_BOT_MESSAGES_PER_MINUTE // 2)
    key = f"bot-rate:{telegram_id}"
    if cache.add(key, 1, timeout=RATE_WINDOW_SECONDS):
        return 0
    try:
        count = int(cache.incr(key))
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=RATE_WINDOW_SECONDS)
        return 0
    return max(0, count - limit)


def language_of(telegram_id: int, hint: str | None = None) -> str:
    """Return the person's chosen language, else their Telegram client's, else Kazakh.

    A client in Kazakh, Russian or English gets that language; a client in another
    language (Ukrainian, Uzbek, Kyrgyz…) gets Russian, the language most of them read;
    a client that says nothing gets Kazakh, the state language.
    """
    profile = TelegramProfile.objects.filter(telegram_id=telegram_id).first()
    if profile and profile.language:
        return profile.language
    guess = (hint or "").lower()[:2]
    if not guess:
        return "kk"
    return guess if guess in LANGUAGES else "ru"


def set_language(telegram_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(language)
    TelegramProfile.objects.update_or_create(
        telegram_id=telegram_id, defaults={"language": language}
    )


def categories(language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        return [(c.code, c.name) for c in ServiceCategory.objects.filter(is_active=True)]


def category_name(code: str, language: str) -> str:
    category = ServiceCategory.objects.filter(code=code, is_active=True).first()
    if category is None:
        return ""
    with translation.override(language):
        return category.name


def place_name(lat: float, lon: float, language: str) -> str:
    """Return "district, region" of a point, or raise LocationError."""
    found = locate(lat, lon)
    with translation.override(language):
        region = Region.objects.get(code=found.region_code).name
        district = District.objects.filter(code=found.district_code).first()
        return f"{district.name}, {region}" if district else region


COORDINATE = re.compile(r"-?\d{1,3}(?:[.,]\d+)?")


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """Read two numbers as latitude and longitude; None when there are not two.

    Accepts "51.17, 71.45", "51.17 71.45", "51,1694 71,4491" (a decimal comma) and
    "51,1694; 71,4491". Kazakhstan lies between 40° and 56° north and 46° and 88° east,
    so a pair given longitude first ("71.45, 51.17") is put in order.
    """
    numbers = COORDINATE.findall(text)
    if len(numbers) != 2:
        return None
    try:
        first, second = (float(n.replace(",", ".")) for n in numbers)
    except ValueError:
        return None
    if first > 56 and 40 <= second <= 56:
        first, second = second, first
    return first, second


@dataclass(frozen=True)
class Filed:
    number: str
    body: str
    link: str
    created: bool


def file_report(
    *,
    telegram_id: int,
    chat_id: int,
    summary_message_id: int,
    data: dict[str, Any],
    photos: list[bytes],
    language: str,
) -> Filed:
    """File the report gathered in the conversation; the summary message keys retries."""
    profile = TelegramProfile.objects.filter(telegram_id=telegram_id).first()
    submission = Submission(
        channel=Channel.TELEGRAM,
        category_code=data.get("category", ""),
        description=data.get("description", ""),
        lat=data.get("lat"),
        lon=data.get("lon"),
        photos=[io.BytesIO(p) for p in photos],
        channel_message_id=f"{chat_id}:{summary_message_id}",
        reporter_phone=data.get("phone", "") or (profile.phone if profile else ""),
        reporter_telegram_id=telegram_id,
        language=language,
    )
    with translation.override(language):
        result: IntakeResult = submit_report(submission)
        report = result.report
        return Filed(
            number=report.public_id,
            body=report.body.name,
            link=absolute_url(report),
            created=result.created,
        )


def filed_earlier(chat_id: int, summary_message_id: int) -> str | None:
    report = Report.objects.filter(
        channel=Channel.TELEGRAM, channel_message_id=f"{chat_id}:{summary_message_id}"
    ).first()
    return report.public_id if report else None


def my_reports(telegram_id: int, language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        return [
            (r.public_id, r.get_state_display())
            for r in Report.objects.filter(reporter_telegram_id=telegram_id).order_by(
                "-created_at"
            )[:20]
        ]


def report_card(telegram_id: int, number: str, language: str) -> str | None:
    """Describe one of the person's reports: its state and its history, in their language.

    Each step of the history shows the state it led to (translated), in local time, with
    the akimat's note; nothing in it is a code.
    """
    report = Report.objects.filter(public_id=number, reporter_telegram_id=telegram_id).first()
    if report is None:
        return None
    with translation.override(language):
        lines = [
            _("№ %(number)s · %(category)s")
            % {"number": report.public_id, "category": report.category.name},
            _("State: %(state)s") % {"state": report.get_state_display()},
            "",
        ]
        for entry in public_history(report):
            state = entry.changes.get("state", [None, ReportState.NEW])[1]
            label = ReportState(state).label if state in ReportState.values else str(state)
            note = f" — {_(entry.reason)}" if entry.reason and "action" in entry.changes else ""
            lines.append(f"{timezone.localtime(entry.at):%d.%m.%Y %H:%M} {label}{note}")
        return "\n".join(lines)


def reporter_action(telegram_id: int, number: str, action: str, note: str, language: str) -> str:
    """Confirm or dispute a resolution for the person who reported it; return the new state."""
    report = Report.objects.filter(public_id=number, reporter_telegram_id=telegram_id).first()
    with translation.override(language):
        if report is None:
            raise ReportError(_("This report is not yours."), "actor")
        # The bot has checked who is writing: it speaks for the reporter.
        report = transition_report(
            report, action=action, note=note, reporter_token=report.reporter_token
        )
        return report.get_state_display()


def remember_phone(telegram_id: int, phone: str) -> None:
    TelegramProfile.objects.update_or_create(telegram_id=telegram_id, defaults={"phone": phone})


# -- events ------------------------------------------------------------------------------


def events_near(lat: float, lon: float, language: str, limit: int = 5) -> list[tuple[int, str]]:
    """Return the nearest upcoming events as (id, a line to show), soonest first.

    The ``limit`` nearest are taken, then shown in date order, with the year, the local
    time and the region's name in the person's language. A point outside Kazakhstan
    raises LocationError: there is nothing near it to offer.
    """
    locate(lat, lon)
    nearest = nearest_first(list(upcoming_events()[:2000]), lat, lon)[:limit]
    with translation.override(language):
        return [
            (e.pk, f"{timezone_day(e.starts_at)} · {e.display_title} · {e.region.name}")
            for e in sorted(nearest, key=lambda e: e.starts_at)
        ]


def my_registrations(telegram_id: int, language: str) -> list[tuple[int, str]]:
    """Return the person's places at upcoming events, soonest first."""
    registrations = (
        Registration.objects.filter(
            telegram__telegram_id=telegram_id,
            status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED),
            event__starts_at__gte=timezone.now(),
        )
        .select_related("event")
        .order_by("event__starts_at")
    )
    with translation.override(language):
        return [
            (r.event_id, f"{timezone_day(r.event.starts_at)} · {r.event.display_title}")
            for r in registrations
        ]


def leave_event(telegram_id: int, event_id: int, language: str) -> str:
    """Give up the person's place at an event; return the message to show."""
    registration = Registration.objects.filter(
        telegram__telegram_id=telegram_id,
        event_id=event_id,
        status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED),
    ).first()
    with translation.override(language):
        if registration is None:
            return _("You are not registered for this event.")
        try:
            cancel_registration(registration)
        except CampaignError as exc:
            return exc.message
        return _("Your registration for “%(event)s” is cancelled.") % {
            "event": registration.event.display_title
        }


def join_event(telegram_id: int, event_id: int, language: str) -> str:
    """Register the Telegram user for the event; return the message to show."""
    event = Event.objects.filter(pk=event_id).first()
    with translation.override(language):
        if event is None:
            return _("This event no longer exists.")
        profile, _created = TelegramProfile.objects.get_or_create(telegram_id=telegram_id)
        try:
            registration = register(event, telegram=profile, channel="bot")
        except CampaignError as exc:
            return exc.message
        if registration.status == RegistrationStatus.WAITLISTED:
            return _("“%(event)s” is full: you are on the waiting list.") % {
                "event": event.display_title
            }
        return _("You are registered for “%(event)s” on %(day)s. See you there!") % {
            "event": event.display_title,
            "day": timezone_day(event.starts_at),
        }


def timezone_day(moment: Any) -> str:

    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M}"


# -- air and hazards: what a person follows ----------------------------------------------


def _profile(telegram_id: int, language: str) -> TelegramProfile:
    """Return the person's profile, keeping the language they read the bot in for alerts."""
    profile, _created = TelegramProfile.objects.get_or_create(
        telegram_id=telegram_id, defaults={"language": language}
    )
    if not profile.language:  # alerts come later, outside the conversation: keep it now
        profile.language = language
        profile.save(update_fields=["language"])
    return profile


def air_cities(language: str) -> list[tuple[int, str]]:
    """Return the cities with posts in service as (id, name in the person's language)."""
    with translation.override(language):
        return [(city.pk, city.name) for city in cities_with_posts()]


def air_card(telegram_id: int, city_id: int, language: str) -> tuple[str, int | None] | None:
    """Return a city's air now and the threshold the person follows it at, if they do.

    The text has the AQI with its band and advice, the posts not reporting and any НМУ;
    None for a city that is not on the list.
    """
    city = City.objects.filter(pk=city_id).first()
    if city is None:
        return None
    states = posts_now(city.posts.filter(active=True).select_related("city"))
    level = city_aqi(states)
    following = (
        AirSubscription.objects.filter(telegram_id=telegram_id, city=city)
        .values_list("threshold", flat=True)
        .first()
    )
    with translation.override(language):
        if level is None:
            lines = [_("%(city)s: no post has reported in the last hours.") % {"city": city.name}]
        else:
            lines = [
                _("%(city)s: AQI %(aqi)s, %(band)s.")
                % {"city": city.name, "aqi": level.value, "band": level.band.label},
                str(ADVICE[level.band]),
            ]
        silent = sum(1 for s in states if s.state != "online")
        if silent:
            lines.append(
                ngettext(
                    "%(count)s post of %(total)s is not reporting now.",
                    "%(count)s posts of %(total)s are not reporting now.",
                    silent,
                )
                % {"count": silent, "total": len(states)}
            )
        for warning in warnings_for(city):
            lines.append(
                _("НМУ (%(degree)s) until %(end)s.")
                % {"degree": warning.get_degree_display(), "end": timezone_day(warning.ends_at)}
            )
        if following:
            lines.append(_("You get an alert when the AQI reaches %(t)s.") % {"t": following})
        lines.append(absolute_url(city))
    return "\n\n".join(lines), following


def follow_air(telegram_id: int, city_id: int, threshold: int, language: str) -> str:
    """Subscribe the person to a city's alerts at a threshold, or stop them (threshold 0)."""
    city = City.objects.filter(pk=city_id).first()
    with translation.override(language):
        if city is None:
            return _("This city is no longer on the list.")
        profile = _profile(telegram_id, language)
        if threshold == 0:
            unsubscribe_air(actor=SYSTEM, city=city, telegram=profile)
            return _("Alerts for %(city)s are off.") % {"city": city.name}
        try:
            subscribe_air(actor=SYSTEM, city=city, threshold=threshold, telegram=profile)
        except DomainError as exc:
            return exc.message
        return _(
            "Done: I will tell you once when the AQI in %(city)s reaches %(t)s, and of "
            "every НМУ warning there."
        ) % {"city": city.name, "t": threshold}


def hazard_places(lat: float, lon: float, language: str) -> list[tuple[int, str]]:
    """Return the settlements at flood risk in the district of a place (else its region).

    A point outside Kazakhstan raises LocationError.
    """
    where = locate(lat, lon)
    settlements = Settlement.objects.exclude(status=RiskStatus.ELIMINATED).filter(
        gauge__isnull=False
    )
    nearest = settlements.filter(district__code=where.district_code)
    if where.district_code and nearest.exists():
        settlements = nearest
    else:
        settlements = settlements.filter(region__code=where.region_code)
    with translation.override(language):
        return [(s.pk, s.name) for s in settlements.order_by("name")[:8]]


def follow_fires(telegram_id: int, lat: float, lon: float, radius_km: int, language: str) -> str:
    """Subscribe the person to confirmed fires within a radius of a place."""
    with translation.override(language):
        try:
            subscribe_place(
                actor=SYSTEM,
                lat=lat,
                lon=lon,
                radius_km=radius_km,
                telegram=_profile(telegram_id, language),
            )
        except DomainError as exc:
            return exc.message
        return _(
            "Done: I will tell you of every fire confirmed within %(km)s km of this place. "
            "Send /hazards again to move the place."
        ) % {"km": radius_km}


def follow_settlement(telegram_id: int, settlement_id: int, language: str) -> str:
    """Subscribe the person to a settlement's flood warnings."""
    settlement = Settlement.objects.filter(pk=settlement_id).first()
    with translation.override(language):
        if settlement is None:
            return _("This settlement is no longer on the list.")
        subscribe_settlement(
            actor=SYSTEM, settlement=settlement, telegram=_profile(telegram_id, language)
        )
        return _(
            "Done: I will tell you when the river's level threatens %(place)s, once for "
            "each rise, with what to do."
        ) % {"place": settlement.name}


def stop_hazards(telegram_id: int, language: str) -> str:
    """Stop every fire and flood alert of the person."""
    profile = TelegramProfile.objects.filter(telegram_id=telegram_id).first()
    stopped = unsubscribe_hazards(actor=SYSTEM, telegram=profile) if profile is not None else 0
    with translation.override(language):
        if not stopped:
            return _("You do not follow any fires or floods.")
        return _("Fire and flood alerts are off.")


# -- staff: alerts in their chat ---------------------------------------------------------


def link_staff(telegram_id: int, code: str, language: str) -> str:
    """Link this chat to the staff member whose alerts-page code this is; say what happened."""
    with translation.override(language):
        if not code.strip():
            return _(
                "Staff link their chat with the code from their alerts page on the site: "
                "send /link and the code."
            )
        user = link_chat(code, _profile(telegram_id, language))
        if user is None:
            return _(
                "This code is unknown, used or expired: ask for a new one on your alerts page."
            )
        return _(
            "Linked: the alerts of %(name)s now come to this chat as well. Stop them with "
            "/unlink or on your alerts page."
        ) % {"name": user.get_username()}


def unlink_staff(telegram_id: int, language: str) -> str:
    """Stop staff alerts to this chat; say whether any were coming."""
    profile = TelegramProfile.objects.filter(telegram_id=telegram_id).first()
    stopped = unlink_telegram(profile) if profile is not None else False
    with translation.override(language):
        if not stopped:
            return _("No staff alerts come to this chat.")
        return _("Staff alerts no longer come to this chat.")
