"""Air tasks: НМУ and AQI alerts to subscribers, and the hourly OpenAQ import."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from taza.air.openaq import Client, import_locations, import_measurements
from taza.air.services import send_nmu_alerts, send_threshold_alerts
from taza.core.actors import SYSTEM


@db_task(retries=3, retry_delay=60)
def tell_nmu(warning_id: int) -> None:
    send_nmu_alerts(warning_id)


@db_periodic_task(crontab(minute="*/10"))
@lock_task("air-threshold-alerts")
def air_threshold_alerts() -> None:
    send_threshold_alerts()


# Measurements arrive late at OpenAQ: each hourly run asks for the last six hours, and
# ingest keeps each reading once.
OPENAQ_HOURS_BACK = 6


@db_periodic_task(crontab(minute="20"))
@lock_task("air-openaq")
def air_openaq_hourly() -> None:
    if not (settings.TAZA_OPENAQ_URL and settings.TAZA_OPENAQ_KEY):
        return
    client = Client(settings.TAZA_OPENAQ_URL, settings.TAZA_OPENAQ_KEY)
    try:
        import_locations(client, actor=SYSTEM)
        now = timezone.now()
        import_measurements(client, since=now - timedelta(hours=OPENAQ_HOURS_BACK), until=now)
    finally:
        client.close()
