"""Campaigns and events for tests: one open campaign, events at known places."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from taza.campaigns.choices import CampaignKind
from taza.campaigns.models import Campaign, Event
from taza.campaigns.services import EventInput, create_event

ASTANA = (51.1694, 71.4491)  # Esil district of Astana


def open_campaign(kind: str = CampaignKind.TAZA_QAZAQSTAN, code: str = "test-open") -> Campaign:
    today = timezone.localdate()
    campaign, _created = Campaign.objects.get_or_create(
        code=code,
        defaults={
            "name_kk": "Сынақ акциясы",
            "name_ru": "Тестовая акция",
            "name_en": "Test campaign",
            "kind": kind,
            "starts_on": today - timedelta(days=60),
            "ends_on": today + timedelta(days=200),
        },
    )
    return campaign


def new_event(
    organiser: Any, *, capacity: int | None = None, days: int = 7, **changes: Any
) -> Event:
    starts = timezone.now() + timedelta(days=days)
    data = {
        "campaign": open_campaign(),
        "title": "Сенбілік на набережной Есиля",
        "organiser_kind": "volunteers",
        "organiser_name": "Эко-волонтёры Астаны",
        "lat": ASTANA[0],
        "lon": ASTANA[1],
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=4),
        "capacity": capacity,
    }
    data.update(changes)
    return create_event(EventInput(**data), actor=organiser)


def make_over(event: Event, *, days_ago: int = 1) -> Event:
    """Move an event into the past, as time would."""
    starts = timezone.now() - timedelta(days=days_ago, hours=5)
    Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=4))
    event.refresh_from_db()
    return event
