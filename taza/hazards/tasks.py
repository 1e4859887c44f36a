"""Hazards tasks: tell responders of new fires at once, and fetch FIRMS every 30 minutes."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from taza.hazards.firms import SOURCES, FirmsError, fetch, parse
from taza.hazards.services import ingest, learn_heat_sources, notify, notify_floods
from taza.hazards.services import tell_people_near as tell_near

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=30)
def tell_fires(event_ids: list[int]) -> None:
    notify(event_ids)


@db_task(retries=3, retry_delay=30)
def tell_floods(change_ids: list[int]) -> None:
    notify_floods(change_ids)


@db_periodic_task(crontab(minute="*/30"))
@lock_task("hazards-firms")
def fetch_firms() -> None:
    """Fetch every FIRMS source's last day over Kazakhstan, when a map key is set."""
    if not (settings.TAZA_FIRMS_URL and settings.TAZA_FIRMS_MAP_KEY):
        return
    for source in SOURCES:
        try:
            text = fetch(settings.TAZA_FIRMS_URL, settings.TAZA_FIRMS_MAP_KEY, source, days=1)
        except FirmsError:
            log.warning("FIRMS fetch refused", extra={"source": source})
            continue
        ingest(parse(text).hotspots, source=source)


@db_periodic_task(crontab(hour="3", minute="40"))
@lock_task("hazards-heat-sources")
def learn_heat_sources_daily() -> None:
    learn_heat_sources()


@db_task(retries=3, retry_delay=30)
def tell_people_near(event_id: int) -> None:
    tell_near(event_id)
