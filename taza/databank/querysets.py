"""Figures computed from the data bank: the recycled share of municipal waste and balances.

The Concept's first target indicator, "the share of municipal waste recycled", is
computed here from the waste cadastre, not typed in: the tonnes of municipal waste
recycled over the tonnes generated, in the year, for a region or the country (the sum
over the regions), from the current records only (a corrected figure counts once, as
corrected). Municipal waste is the classifier's chapter 20 (data/waste_types.json).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from taza.databank.models import (
    FIRST_YEAR,
    Category,
    ControlMeasurement,
    Facility,
    GreenhouseEmission,
    PermitLimit,
    PermitState,
    Release,
    ReleaseTotal,
    ReminderKind,
    WasteRecord,
)

AMOUNTS = ("generated", "collected", "recycled", "recovered", "disposed")


@dataclass(frozen=True)
class Share:
    recycled: Decimal
    generated: Decimal

    @property
    def percent(self) -> Decimal | None:
        """Return the recycled share in per cent, to two places; None with nothing generated."""
        if not self.generated:
            return None
        return (self.recycled * 100 / self.generated).quantize(Decimal("0.01"))


def recycled_share_by_year() -> dict[int, Share]:
    """Return the country's recycled share of municipal waste for every year with data."""
    rows = (
        WasteRecord.objects.filter(current=True, municipal=True)
        .values("year")
        .annotate(recycled=Sum("recycled"), generated=Sum("generated"))
        .order_by("year")
    )
    return {r["year"]: Share(r["recycled"], r["generated"]) for r in rows}


def recycled_share_by_region(year: int) -> dict[int, Share]:
    """Return each region's recycled share of municipal waste in a year, by region id."""
    rows = (
        WasteRecord.objects.filter(current=True, municipal=True, year=year)
        .values("region_id")
        .annotate(recycled=Sum("recycled"), generated=Sum("generated"))
    )
    return {r["region_id"]: Share(r["recycled"], r["generated"]) for r in rows}


def regional_series() -> dict[int, dict[int, Share]]:
    """Return {region id: {year: share}} for every region and year with data."""
    rows = (
        WasteRecord.objects.filter(current=True, municipal=True)
        .values("region_id", "year")
        .annotate(recycled=Sum("recycled"), generated=Sum("generated"))
    )
    series: dict[int, dict[int, Share]] = {}
    for r in rows:
        series.setdefault(r["region_id"], {})[r["year"]] = Share(r["recycled"], r["generated"])
    return series


def balance(
    year: int, region_id: int | None = None, *, municipal: bool = True
) -> dict[str, Decimal]:
    """Return the tonnes generated, collected, recycled, recovered, disposed in a year.

    Also "uncollected" (generated less collected) and "unaccounted" (collected less what
    was recycled, recovered or disposed of: stored, or not reported), never below zero.
    """
    records = WasteRecord.objects.filter(current=True, year=year)
    if municipal:
        records = records.filter(municipal=True)
    if region_id is not None:
        records = records.filter(region_id=region_id)
    sums = records.aggregate(**{name: Sum(name) for name in AMOUNTS})
    totals = {name: sums[name] or Decimal(0) for name in AMOUNTS}
    handled = totals["recycled"] + totals["recovered"] + totals["disposed"]
    totals["uncollected"] = max(totals["generated"] - totals["collected"], Decimal(0))
    totals["unaccounted"] = max(totals["collected"] - handled, Decimal(0))
    return totals


def _distinct_years(records: QuerySet[Any]) -> list[int]:
    """Return the years of some records, latest first.

    A national register has hundreds of thousands of rows and a handful of years: asking
    the index once per possible year (a few dozen lookups) is much faster than a
    DISTINCT over every row (98 ms at 600,000 releases in bench/databank.py).
    """
    latest = timezone.localdate().year
    return [y for y in range(latest, FIRST_YEAR - 1, -1) if records.filter(year=y).exists()]


def years() -> list[int]:
    """Return the years the cadastre has current records for, latest first."""
    return _distinct_years(WasteRecord.objects.filter(current=True))


def top_emitters(
    pollutant: str, year: int, *, region_id: int | None = None, limit: int = 50
) -> list[Facility]:
    """Return the facilities releasing the most of a pollutant to air in a year, largest first.

    A facility has one current release per pollutant, year and medium (a constraint),
    so the largest releases are the largest emitters: the index on (pollutant, year,
    medium, tonnes) reads just the top ones, at any size of the register.
    """
    releases = Release.objects.filter(current=True, pollutant=pollutant, year=year, medium="air")
    if region_id is not None:
        releases = releases.filter(facility__region_id=region_id)
    top = list(
        releases.select_related("facility__region").order_by("-tonnes", "facility__code")[:limit]
    )
    found = []
    for release in top:
        facility = release.facility
        facility.tonnes = release.tonnes  # type: ignore[attr-defined]
        found.append(facility)
    return found


def totals_by(field: str, pollutant: str, year: int) -> list[dict[str, object]]:
    """Return the tonnes of a pollutant released to air in a year, by region or by sector.

    Read from the totals kept at import (``ReleaseTotal``), not from every release.
    """
    return list(
        ReleaseTotal.objects.filter(pollutant=pollutant, year=year, medium="air")
        .values(field)
        .annotate(tonnes=Sum("tonnes"))
        .order_by("-tonnes")
    )


def release_years() -> list[int]:
    """Return the years the register has current releases for, latest first."""
    return _distinct_years(Release.objects.filter(current=True))


def carbon_years() -> list[int]:
    """Return the years the carbon cadastre has current records for, latest first."""
    return _distinct_years(GreenhouseEmission.objects.filter(current=True))


def carbon_totals(year: int, by: str, *, region_id: int | None = None) -> list[dict[str, object]]:
    """Return a year's tonnes of CO2-equivalent by gas, by region or by sector, largest first.

    ``by`` is "gas", "facility__region" or "facility__sector"; each row also carries the
    tonnes of the gas itself when grouped by gas.
    """
    records = GreenhouseEmission.objects.filter(current=True, year=year)
    if region_id is not None:
        records = records.filter(facility__region_id=region_id)
    sums = {"co2e": Sum("co2e")} | ({"tonnes": Sum("tonnes")} if by == "gas" else {})
    return list(records.values(by).annotate(**sums).order_by("-co2e", by))


def top_installations(
    year: int, *, region_id: int | None = None, limit: int = 50
) -> list[dict[str, object]]:
    """Return the installations that emit the most CO2-equivalent in a year, largest first."""
    records = GreenhouseEmission.objects.filter(current=True, year=year)
    if region_id is not None:
        records = records.filter(facility__region_id=region_id)
    return list(
        records.values(
            "facility__code",
            "facility__name",
            "facility__region",
            "facility__sector",
            "installation",
        )
        .annotate(co2e=Sum("co2e"))
        .order_by("-co2e", "facility__code", "installation")[:limit]
    )


ABOVE_LIMIT = Q(value__gt=F("limit"))


def control_years() -> list[int]:
    """Return the years with current control measurements, latest first."""
    days = ControlMeasurement.objects.filter(current=True).dates("measured_on", "year")
    return sorted({day.year for day in days}, reverse=True)


def _control(year: int, region_id: int | None) -> QuerySet[ControlMeasurement]:
    records = ControlMeasurement.objects.filter(current=True, measured_on__year=year)
    if region_id is not None:
        records = records.filter(facility__region_id=region_id)
    return records


def exceedances(
    year: int, *, region_id: int | None = None, limit: int = 100
) -> QuerySet[ControlMeasurement]:
    """Return a year's measurements above their permitted limit, the latest first."""
    return (
        _control(year, region_id)
        .filter(ABOVE_LIMIT)
        .select_related("facility__region")
        .order_by("-measured_on", "facility__code", "point", "pollutant")[:limit]
    )


def control_by_facility(year: int, *, region_id: int | None = None) -> list[dict[str, object]]:
    """Count each facility's measurements and exceedances in a year, most exceedances first."""
    return list(
        _control(year, region_id)
        .values("facility__code", "facility__name", "facility__region")
        .annotate(
            measured=Count("pk"),
            exceeded=Count("pk", filter=ABOVE_LIMIT),
            last=Max("measured_on"),
        )
        .order_by("-exceeded", "facility__code")
    )


# Who must report what: the register's releases, operators of category I and II
# facilities; the carbon cadastre, category I (the installations above the reporting
# threshold are among them). A deployment that knows the list better changes it here.
MUST_REPORT = {
    ReminderKind.RELEASES: (Category.I, Category.II),
    ReminderKind.CARBON: (Category.I,),
}


def missing_reports(year: int, kind: str, *, region_id: int | None = None) -> QuerySet[Facility]:
    """Return the facilities that must report ``kind`` for ``year`` and have not, by code.

    Each carries ``reminded`` (when it was reminded of this report, or None).
    """
    reported = (Release if kind == ReminderKind.RELEASES else GreenhouseEmission).objects.filter(
        facility=OuterRef("pk"), year=year, current=True
    )
    facilities = Facility.objects.filter(category__in=MUST_REPORT[ReminderKind(kind)]).exclude(
        Exists(reported)
    )
    if region_id is not None:
        facilities = facilities.filter(region_id=region_id)
    return (
        facilities.select_related("region")
        .annotate(
            reminded=Max(
                "reminders__requested_at",
                filter=Q(reminders__year=year, reminders__kind=kind),
            )
        )
        .order_by("region__code", "code")
    )


def pollutant_series(pollutant: str) -> list[dict[str, object]]:
    """Return a pollutant's tonnes and reporting facilities by year and medium, latest first."""
    return list(
        ReleaseTotal.objects.filter(pollutant=pollutant)
        .values("year", "medium")
        .annotate(tonnes=Sum("tonnes"), facilities=Sum("facilities"))
        .order_by("-year", "medium")
    )


def pollutant_totals(year: int) -> dict[str, object]:
    """Return each pollutant's tonnes released to air in a year, by code."""
    rows = (
        ReleaseTotal.objects.filter(year=year, medium="air")
        .values("pollutant")
        .annotate(tonnes=Sum("tonnes"))
    )
    return {row["pollutant"]: row["tonnes"] for row in rows}


def permits(
    today: date, *, state: str = "", region_id: int | None = None
) -> QuerySet[PermitLimit, dict[str, Any]]:
    """Return the permits (one row each: facility, number, kind, dates, how many limits).

    ``state`` narrows them to those in force, ending within 90 days, ended or not begun
    on ``today``, as ``models.permit_state`` says; the ones ending first come first.
    """
    from taza.databank.models import EXPIRING_DAYS

    rows = PermitLimit.objects.filter(current=True)
    if region_id is not None:
        rows = rows.filter(facility__region_id=region_id)
    soon = today + timedelta(days=EXPIRING_DAYS)
    states: dict[str, dict[str, date]] = {
        PermitState.IN_FORCE: {"issued_on__lte": today, "valid_until__gt": soon},
        PermitState.EXPIRING: {
            "issued_on__lte": today,
            "valid_until__gte": today,
            "valid_until__lte": soon,
        },
        PermitState.EXPIRED: {"valid_until__lt": today},
        PermitState.NOT_YET: {"issued_on__gt": today},
    }
    rows = rows.filter(**states.get(state, {}))
    return (
        rows.values(
            "facility__code",
            "facility__name",
            "facility__region",
            "permit",
            "kind",
            "issued_on",
            "valid_until",
        )
        .annotate(limits=Count("id"))
        .order_by("valid_until", "facility__code", "permit")
    )


def limits_for(facility: Facility, years: set[int]) -> dict[tuple[str, str, int], PermitLimit]:
    """Map each (pollutant, medium, year) of the given years to the limit then in force.

    Where two permits were in force in one year (one replaced the other), the one issued
    later applies: the newer permit states what the facility may release from then on.
    """
    limits = PermitLimit.objects.filter(facility=facility, current=True).order_by("issued_on", "pk")
    found: dict[tuple[str, str, int], PermitLimit] = {}
    for limit in limits:
        for year in years:
            if limit.in_force_during(year):
                found[(limit.pollutant, limit.medium, year)] = limit
    return found
