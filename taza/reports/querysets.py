"""Reusable reads of reports, taking plain arguments."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from taza.audit.models import AuditAction, AuditEntry
from taza.audit.querysets import history_for
from taza.reports.models import Report

CLOSED_FOR_OPEN311 = ("resolved", "closed", "rejected")


def public_reports() -> QuerySet[Report]:
    return Report.objects.select_related("category", "body", "region", "district").prefetch_related(
        "photos"
    )


def filter_reports(
    qs: QuerySet[Report],
    *,
    public_ids: list[str] | None = None,
    category_code: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    is_open: bool | None = None,
) -> QuerySet[Report]:
    if public_ids:
        qs = qs.filter(public_id__in=public_ids)
    if category_code:
        qs = qs.filter(category__code=category_code)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lte=until)
    if is_open is True:
        qs = qs.exclude(state__in=CLOSED_FOR_OPEN311)
    elif is_open is False:
        qs = qs.filter(state__in=CLOSED_FOR_OPEN311)
    return qs


def public_history(report: Report) -> list[AuditEntry]:
    """Return the report's changes of state, oldest first, with no personal data."""
    return list(history_for(report).filter(action__in=[AuditAction.CREATE, AuditAction.TRANSITION]))


def last_note(report: Report) -> str:
    entry = history_for(report).filter(action=AuditAction.TRANSITION).exclude(reason="").last()
    return entry.reason if entry else ""
