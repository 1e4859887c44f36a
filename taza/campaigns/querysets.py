"""Reads shared by the pages, the API and the bot."""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from taza.campaigns.models import Event, EventStatus


def upcoming_events() -> QuerySet[Event]:
    """Events still open for registration (it closes when an event starts), soonest first."""
    return (
        Event.objects.filter(starts_at__gt=timezone.now(), status=EventStatus.SCHEDULED)
        .select_related("campaign", "region")
        .order_by("starts_at")
    )


def nearest_first(events: Iterable[Event], lat: float, lon: float) -> list[Event]:
    """Sort by distance from a point (degrees of longitude shrunk by the latitude)."""
    shrink = math.cos(math.radians(lat))
    return sorted(events, key=lambda e: (e.lat - lat) ** 2 + ((e.lon - lon) * shrink) ** 2)
