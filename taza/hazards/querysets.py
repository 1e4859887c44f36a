"""Read fires as pages show them: what the public sees, what a responder works on."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from taza.accounts.permissions import scope_of
from taza.hazards.choices import FireState
from taza.hazards.models import FireEvent

PUBLIC_STATES = (FireState.NEW, FireState.CONFIRMED, FireState.EXTINGUISHED)


def visible_fires(user: Any) -> QuerySet[FireEvent]:
    """Return the fires a person may see: all but false alarms, and their own territory's.

    The public sees new, confirmed and extinguished fires; staff also see the false
    alarms of their territory, analysts everyone's.
    """
    fires = FireEvent.objects.select_related("region", "district", "body")
    scope = scope_of(user)
    if scope.reads_all:
        return fires
    public = fires.filter(state__in=PUBLIC_STATES)
    if scope.regions or scope.districts:
        own = fires.filter(region_id__in=scope.regions) | fires.filter(
            district_id__in=scope.districts
        )
        return public | own
    return public
