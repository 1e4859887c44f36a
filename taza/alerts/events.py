"""Find the events staff are alerted to, in a window of time, with where they happen.

Each event has a stable key (``report:123``), so the same event found by two runs is
told once; and the territory or body it concerns, so only the people whose work it is
hear of it. Reading is bounded by the window: a few queries, whatever the history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taza.accounts.permissions import Scope
from taza.air.models import Post
from taza.air.querysets import OFFLINE_AFTER
from taza.alerts.choices import AlertKind
from taza.core.urls import absolute_url
from taza.hazards.models import FireEvent, LevelChange
from taza.hazards.querysets import emergency_departments, routed_bodies
from taza.programme.choices import ReportStatus
from taza.programme.models import ExecutorReport
from taza.reports.choices import ReportState
from taza.reports.models import Report
from taza.sites.choices import SiteSource, SiteState
from taza.sites.models import WasteSite

# A report is "about to go overdue" this long before its deadline.
DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class Event:
    kind: str
    key: str
    at: datetime
    region_id: int | None
    district_id: int | None
    body_id: int | None
    # Called inside the reader's language, so each person reads it in theirs.
    describe: Callable[[], str]
    link: str
    # Other bodies the event goes to (a fire: the emergency service, a reserve's keepers).
    also: frozenset[int] = frozenset()

    def concerns(self, scope: Scope) -> bool:
        """Tell whether the event is the person's work: their territory or their body."""
        if scope.reads_all:
            return True
        if self.body_id is not None and self.body_id in scope.bodies:
            return True
        if self.also & scope.bodies:
            return True
        return self.region_id in scope.regions or (
            self.district_id is not None and self.district_id in scope.districts
        )


def _values(report: Report) -> dict[str, str]:
    return {"number": report.public_id, "category": report.category.name}


def _new(report: Report) -> str:
    return _("New report № %(number)s: %(category)s") % _values(report)


def _disputed(report: Report) -> str:
    return _("Report № %(number)s (%(category)s): the reporter disputes the resolution") % (
        _values(report)
    )


def _due(report: Report) -> str:
    return _("Report № %(number)s (%(category)s) is due within a day") % _values(report)


def _report_event(
    kind: str, report: Report, at: datetime, key: str, text: Callable[[Report], str]
) -> Event:
    def describe() -> str:
        return text(report)

    return Event(
        kind=kind,
        key=key,
        at=at,
        region_id=report.region_id,
        district_id=report.district_id,
        body_id=report.body_id,
        describe=describe,
        link=absolute_url(report),
    )


def events(kind: str, since: datetime, until: datetime) -> list[Event]:
    """Return the events of one kind that happened in [since, until), oldest first."""
    reports = Report.objects.select_related("category")
    if kind == AlertKind.NEW_REPORT:
        return [
            _report_event(kind, r, r.created_at, f"report:{r.pk}", _new)
            for r in reports.filter(created_at__gte=since, created_at__lt=until).order_by(
                "created_at"
            )
        ]
    if kind == AlertKind.DISPUTE:
        disputed = reports.filter(
            state=ReportState.DISPUTED, escalated_at__gte=since, escalated_at__lt=until
        )
        return [
            _report_event(
                kind,
                r,
                r.escalated_at or until,
                f"report:{r.pk}:{r.dispute_count}",
                _disputed,
            )
            for r in disputed.order_by("escalated_at")
        ]
    if kind == AlertKind.DUE_SOON:
        # Deadlines that fall within a day of the window's end; each deadline told once.
        soon = reports.open().filter(deadline_at__gte=until, deadline_at__lt=until + DUE_SOON)
        return [
            _report_event(
                kind,
                r,
                until,
                f"report:{r.pk}:{r.deadline_at:%Y%m%d%H%M}",
                _due,
            )
            for r in soon.order_by("deadline_at")
        ]
    if kind == AlertKind.RETURNED:
        returned = ExecutorReport.objects.filter(
            status=ReportStatus.RETURNED, reviewed_at__gte=since, reviewed_at__lt=until
        ).select_related("measure")
        return [_returned_event(r) for r in returned.order_by("reviewed_at")]
    if kind == AlertKind.CANDIDATE:
        found = WasteSite.objects.filter(
            state=SiteState.CANDIDATE,
            source=SiteSource.SATELLITE,
            found_at__gte=since,
            found_at__lt=until,
        ).select_related("region")
        return [_candidate_event(s) for s in found.order_by("found_at")]
    if kind == AlertKind.FIRE:
        fires = FireEvent.objects.filter(created_at__gte=since, created_at__lt=until)
        return [
            _fire_event(f)
            for f in fires.select_related("region", "protected_area").order_by("created_at")
        ]
    if kind == AlertKind.FLOOD:
        changes = LevelChange.objects.filter(at__gte=since, at__lt=until).select_related("gauge")
        emergency = emergency_departments()
        return [_flood_event(c, emergency) for c in changes.order_by("at")]
    if kind == AlertKind.AIR_POST_SILENT:
        # A post falls silent when its newest reading becomes a day old: in the window.
        fell = Post.objects.filter(
            active=True,
            sensors__last_at__gte=since - OFFLINE_AFTER,
            sensors__last_at__lt=until - OFFLINE_AFTER,
        ).exclude(sensors__last_at__gte=until - OFFLINE_AFTER)
        return [_silent_event(p) for p in fell.distinct().prefetch_related("sensors")]
    raise ValueError(f"no such alert: {kind}")


def _returned_event(report: ExecutorReport) -> Event:
    def describe() -> str:
        return _("Your report on measure %(number)s was returned: %(comment)s") % {
            "number": report.measure.number,
            "comment": report.review_comment,
        }

    return Event(
        kind=AlertKind.RETURNED,
        key=f"plan-report:{report.pk}:{report.reviewed_at:%Y%m%d%H%M%S}",
        at=report.reviewed_at or report.submitted_at,
        region_id=None,
        district_id=None,
        body_id=report.body_id,
        describe=describe,
        link=absolute_url(
            reverse("programme:measure", args=[report.measure.number]) + "#report-form"
        ),
    )


def _candidate_event(site: WasteSite) -> Event:
    def describe() -> str:
        return _("Waste-site candidate № %(number)s from space in %(region)s") % {
            "number": site.pk,
            "region": site.region.name,
        }

    return Event(
        kind=AlertKind.CANDIDATE,
        key=f"site:{site.pk}",
        at=site.found_at,
        region_id=site.region_id,
        district_id=site.district_id,
        body_id=None,
        describe=describe,
        link=absolute_url(reverse("sites:site", args=[site.pk])),
    )


def _silent_event(post: Post) -> Event:
    last = max((s.last_at for s in post.sensors.all() if s.last_at), default=None)

    def describe() -> str:
        return _("Air-monitoring post %(post)s has sent nothing for a day") % {"post": post.name}

    return Event(
        kind=AlertKind.AIR_POST_SILENT,
        key=f"air-post:{post.pk}:{last:%Y%m%d%H%M}" if last else f"air-post:{post.pk}",
        at=last + OFFLINE_AFTER if last else timezone.now(),
        region_id=post.region_id,
        district_id=post.district_id,
        body_id=post.owner_body_id,
        describe=describe,
        link=absolute_url(post),
    )


def _fire_event(fire: FireEvent) -> Event:
    def describe() -> str:
        values = {"number": fire.pk, "region": fire.region.name, "n": fire.detections}
        if fire.protected_area is not None:
            return _(
                "Fire № %(number)s seen from space in %(area)s, %(region)s (%(n)s hot spots)"
            ) % {**values, "area": fire.protected_area.name}
        return _("Fire № %(number)s seen from space in %(region)s (%(n)s hot spots)") % values

    return Event(
        kind=AlertKind.FIRE,
        key=f"fire:{fire.pk}",
        at=fire.created_at,
        region_id=fire.region_id,
        district_id=fire.district_id,
        body_id=fire.body_id,
        describe=describe,
        link=absolute_url(fire),
        also=frozenset(routed_bodies(fire)),
    )


def fire_events(fire_ids: list[int]) -> list[Event]:
    """Return the alert events of the fires given, for telling responders at once."""
    fires = FireEvent.objects.filter(pk__in=fire_ids).select_related("region", "protected_area")
    return [_fire_event(f) for f in fires.order_by("created_at")]


def _flood_event(change: LevelChange, emergency: dict[int, int]) -> Event:
    gauge = change.gauge

    def describe() -> str:
        return _("%(river)s at %(gauge)s: %(level)s, %(cm)s cm (danger mark %(danger)s cm)") % {
            "river": gauge.river,
            "gauge": gauge.name,
            "level": change.get_level_display(),
            "cm": round(change.level_cm),
            "danger": gauge.danger_cm,
        }

    return Event(
        kind=AlertKind.FLOOD,
        key=f"flood:{gauge.pk}:{change.level}:{change.at:%Y%m%d%H%M}",
        at=change.at,
        region_id=gauge.region_id,
        district_id=gauge.district_id,
        body_id=None,
        describe=describe,
        link=absolute_url(gauge),
        # The region's emergency department is told with the akimat.
        also=frozenset({emergency[gauge.region_id]} if gauge.region_id in emergency else set()),
    )


def flood_events(change_ids: list[int]) -> list[Event]:
    """Return the alert events of the gauges' level changes given, for telling at once."""
    changes = LevelChange.objects.filter(pk__in=change_ids).select_related("gauge")
    emergency = emergency_departments()
    return [_flood_event(c, emergency) for c in changes.order_by("at")]
