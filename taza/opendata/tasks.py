"""Background work for open data: rewriting every file each night."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from taza.opendata.publish import publish_all


@db_periodic_task(crontab(minute="30", hour="2"))
def publish_open_data() -> int:
    """Rewrite every dataset in every language, so no download waits on a query."""
    return publish_all()
