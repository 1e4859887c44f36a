"""Reusable reads of reports, taking plain arguments, never a request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.db.models.functions import Now

from taza.audit.models import AuditAction, AuditEntry
from taza.audit.querysets import history_for, notes_for
from taza.reports.choices import CLOSED_STATES, OPEN_STATES

if TYPE_CHECKING:
    from taza.reports.models import Report

# A search term this long or longer is a number, an address or words, never all three.
MIN_SEARCH = 2
NUMBER_LENGTH = 8


class ReportQuerySet(QuerySet["Report"]):
    """Select reports by the rules every page, API and channel shares."""

    def public(self) -> ReportQuerySet:
        """Join what a public list shows, in one query plus one for the photos."""
        return self.select_related(
            "category", "body", "region", "district", "duplicate_of"
        ).prefetch_related("photos")

    def for_console(self) -> ReportQuerySet:
        """Join what the staff's console shows; fetch the assignee and crew apart.

        Each join more costs PostgreSQL's planner more than the query itself: with the
        public list's joins plus the person, the crew and the duplicate, planning took
        39 ms of a 47 ms page query at 300,000 reports; with four joins, 2 ms
        (bench/README.md, "Work queues"). The person and crew are two small queries by id.
        """
        return self.select_related("category", "body", "region", "district").prefetch_related(
            "assignee", "assigned_crew"
        )

    def open(self) -> ReportQuerySet:
        """Keep reports on which the responsible body owes the next step."""
        return self.filter(state__in=OPEN_STATES)

    def closed(self) -> ReportQuerySet:
        """Keep reports that are resolved, closed or rejected."""
        return self.filter(state__in=CLOSED_STATES)

    def overdue(self) -> ReportQuerySet:
        """Keep open reports past their deadline, however recently it passed.

        The deadline itself decides, not the ``is_overdue`` flag that the periodic task
        sets, so a list never shows as on time what is already late.
        """
        return self.open().filter(deadline_at__lt=Now())

    def matching(self, text: str) -> ReportQuerySet:
        """Find reports by number, or by words of the address or the description."""
        text = text.strip().lstrip("№").strip()
        if len(text) < MIN_SEARCH:
            return self
        if len(text) == NUMBER_LENGTH and text.isascii() and text.isdigit():
            # A report's number: one lookup in the unique index, not a scan of every text.
            return self.filter(public_id=text)
        return self.filter(Q(address__icontains=text) | Q(description__icontains=text))


def public_history(report: Report) -> list[AuditEntry]:
    """Return the report's changes of state, oldest first, with no personal data."""
    return list(history_for(report).filter(action__in=[AuditAction.CREATE, AuditAction.TRANSITION]))


def last_notes(reports: Iterable[Report]) -> dict[int, str]:
    """Return the latest public note of each report, in one query for the whole list."""
    return notes_for(reports, action=AuditAction.TRANSITION)
