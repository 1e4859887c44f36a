"""Turn local calendar days into moments, the one way every list and statistic does it.

A period ``since``–``until`` given as days is inclusive at both ends and in local time
(Asia/Almaty by default): 1–31 March means from the first moment of 1 March to the
first moment of 1 April, exclusive.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_start(day: date) -> datetime:
    """Return the first moment of a local day."""
    return timezone.make_aware(datetime.combine(day, time.min))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the first moment of a local day and of the day after it."""
    start = day_start(day)
    return start, day_start(day + timedelta(days=1))


def local_day_range(
    since: date | None, until: date | None
) -> tuple[datetime | None, datetime | None]:
    """Turn an inclusive range of local days into [start, end) moments; None is open."""
    return (
        day_start(since) if since else None,
        day_start(until + timedelta(days=1)) if until else None,
    )


def local_day(moment: datetime) -> date:
    """Return the local calendar day of a moment."""
    return timezone.localtime(moment).date()
