"""Check that the parts the platform needs are reachable."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)
OK = "ok"
NOT_CONFIGURED = "not configured"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the log keeps the detail
        logger.error("health: database check failed", extra={"error": str(exc)})
        return "error"
    return OK


def check_broker() -> str:
    url = settings.TAZA_BROKER_URL
    if not url:
        return NOT_CONFIGURED
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # any failure means "down"; the log keeps the detail
        logger.error("health: broker check failed", extra={"error": str(exc)})
        return "error"
    return OK


def run_checks() -> dict[str, str]:
    return {"database": check_database(), "broker": check_broker()}
