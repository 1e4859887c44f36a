"""Air tasks: tell subscribers of an НМУ at once, and of AQI crossings every ten minutes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from taza.air.services import send_nmu_alerts, send_threshold_alerts


@db_task(retries=3, retry_delay=60)
def tell_nmu(warning_id: int) -> None:
    send_nmu_alerts(warning_id)


@db_periodic_task(crontab(minute="*/10"))
@lock_task("air-threshold-alerts")
def air_threshold_alerts() -> None:
    send_threshold_alerts()
