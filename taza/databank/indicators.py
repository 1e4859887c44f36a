"""The data bank's indicators: each a documented formula over the bank's current data.

Every indicator is a ratio of two counts or tonnages the bank holds for a year and a
region (or the country), returned with both terms so that a reader can check it. The
first is the Concept's target indicator (the recycled share of municipal waste); the
others say how complete and how compliant the reports are. What each does not show is
said in docs/databank.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from taza.databank.models import Facility, PermitLimit, Release, ReminderKind
from taza.databank.querysets import MUST_REPORT, balance


@dataclass(frozen=True)
class Value:
    numerator: Decimal
    denominator: Decimal

    @property
    def percent(self) -> Decimal | None:
        """Return the ratio in per cent to two places; None where nothing was counted."""
        if not self.denominator:
            return None
        return (self.numerator * 100 / self.denominator).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Indicator:
    code: str
    name: object
    formula: object
    compute: Callable[[int, int | None], Value]


def _recycled(year: int, region_id: int | None) -> Value:
    totals = balance(year, region_id)
    return Value(totals["recycled"], totals["generated"])


def _collected(year: int, region_id: int | None) -> Value:
    totals = balance(year, region_id)
    return Value(totals["collected"], totals["generated"])


def _reported(year: int, region_id: int | None) -> Value:
    owing = Facility.objects.filter(category__in=MUST_REPORT[ReminderKind.RELEASES])
    if region_id is not None:
        owing = owing.filter(region_id=region_id)
    reported = owing.filter(
        Exists(Release.objects.filter(facility=OuterRef("pk"), year=year, current=True))
    )
    return Value(Decimal(reported.count()), Decimal(owing.count()))


def _within_permit(year: int, region_id: int | None) -> Value:
    in_force = PermitLimit.objects.filter(
        facility=OuterRef("facility"),
        pollutant=OuterRef("pollutant"),
        medium=OuterRef("medium"),
        current=True,
        issued_on__year__lte=year,
        valid_until__year__gte=year,
    ).order_by("-issued_on", "-pk")
    releases = Release.objects.filter(current=True, year=year).annotate(
        limit=Subquery(in_force.values("tonnes")[:1])
    )
    if region_id is not None:
        releases = releases.filter(facility__region_id=region_id)
    limited = releases.filter(limit__isnull=False)
    within = limited.filter(tonnes__lte=F("limit"))
    return Value(Decimal(within.count()), Decimal(limited.count()))


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "recycled-share",
        _("Share of municipal waste recycled"),
        _("Municipal waste recycled ÷ municipal waste generated, tonnes, waste cadastre."),
        _recycled,
    ),
    Indicator(
        "collected-share",
        _("Share of municipal waste collected"),
        _("Municipal waste collected ÷ municipal waste generated, tonnes, waste cadastre."),
        _collected,
    ),
    Indicator(
        "reported-share",
        _("Share of facilities that reported their releases"),
        _(
            "Facilities of categories I and II with a release report for the year ÷ all "
            "facilities of categories I and II in the register."
        ),
        _reported,
    ),
    Indicator(
        "within-permit-share",
        _("Share of releases within their permit"),
        _(
            "Releases of the year at or below the limit of the permit in force that year ÷ "
            "releases of the year that have such a limit."
        ),
        _within_permit,
    ),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
