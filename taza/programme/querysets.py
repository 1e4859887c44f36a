"""Reusable reads of executors' reports, and who may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from taza.accounts.permissions import scope_of
from taza.programme.choices import ReportStatus
from taza.programme.models import ExecutorReport, Measure


def visible_reports(user: Any, measure: Measure) -> QuerySet[ExecutorReport]:
    """Return a measure's reports a person may read.

    Accepted reports are public; the rest only for analysts and the reporting body.
    """
    reports = (
        ExecutorReport.objects.filter(measure=measure)
        .select_related("body", "region", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("-year", "-period", "region__code", "body__code")
    )
    scope = scope_of(user)
    if scope.reads_all:
        return reports
    return reports.filter(Q(status=ReportStatus.ACCEPTED) | Q(body__in=scope.bodies))


def may_see_evidence(user: Any, report: ExecutorReport) -> bool:
    """Tell whether a person may open a report's evidence: analysts and the reporting body."""
    scope = scope_of(user)
    return scope.reads_all or report.body_id in scope.bodies
