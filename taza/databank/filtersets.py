"""Read the year and region that the data bank's pages are asked for."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from taza.core.params import DayFilter, code_choice
from taza.databank.greenhouse import gases
from taza.databank.models import (
    FIRST_YEAR,
    GreenhouseEmission,
    Medium,
    PermitLimit,
    PermitState,
    Release,
    ReminderKind,
)
from taza.databank.pollutants import pollutants
from taza.geo.filtersets import region_filter
from taza.geo.models import Region

YEAR_MESSAGE = _("Choose a year from 2000 to 2100.")
YEAR_ERRORS = {"invalid": YEAR_MESSAGE, "min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE}


class WastePageFilterSet(django_filters.FilterSet):
    """Read the year (the latest with data when none) and, optionally, a region."""

    region = region_filter()
    year = django_filters.NumberFilter(
        method=lambda qs, name, value: qs,
        min_value=FIRST_YEAR,
        max_value=2100,
        label=_("year"),
        error_messages=YEAR_ERRORS,
    )


class EmittersFilterSet(WastePageFilterSet):
    """Read the pollutant (sulphur oxides when none), the year and, optionally, a region."""

    pollutant = django_filters.ChoiceFilter(
        method=lambda qs, name, value: qs,
        choices=lambda: [(p.code, p.code) for p in pollutants().values()],
        label=_("pollutant"),
        error_messages={"invalid_choice": _("Choose a pollutant of the register.")},
    )


class MissingFilterSet(WastePageFilterSet):
    """Read which report (the register's releases when none), the year and the region."""

    kind = django_filters.ChoiceFilter(
        method=lambda qs, name, value: qs,
        choices=ReminderKind.choices,
        label=_("report"),
        error_messages={"invalid_choice": _("Choose releases or carbon.")},
    )


class PermitsFilterSet(django_filters.FilterSet):
    """Read the permits' region and state (in force, ending soon, ended, not yet begun)."""

    region = region_filter()
    state = django_filters.ChoiceFilter(
        method=lambda qs, name, value: qs,
        choices=PermitState.choices,
        label=_("state"),
        error_messages={"invalid_choice": _("Choose a state of the list.")},
    )


class FacilityReportFilterSet(django_filters.FilterSet):
    """Narrow facilities' reports by year and by the facility's region."""

    year = django_filters.NumberFilter(
        min_value=FIRST_YEAR,
        max_value=2100,
        label=_("year"),
        error_messages=YEAR_ERRORS,
    )
    region = code_choice(
        Region.objects.all(),
        field_name="facility__region",
        label=_("region"),
        message=_("No such region."),
    )


class ReleaseFilterSet(FacilityReportFilterSet):
    """Narrow the register's releases by year, pollutant, medium and the facility's region."""

    pollutant = django_filters.ChoiceFilter(
        choices=lambda: [(p.code, p.code) for p in pollutants().values()],
        label=_("pollutant"),
        error_messages={"invalid_choice": _("Choose a pollutant of the register.")},
    )
    medium = django_filters.ChoiceFilter(
        choices=Medium.choices,
        label=_("released to"),
        error_messages={"invalid_choice": _("Write air, water or land.")},
    )

    class Meta:
        model = Release
        fields: list[str] = []


class GreenhouseFilterSet(FacilityReportFilterSet):
    """Narrow the carbon cadastre by year, gas and the facility's region."""

    gas = django_filters.ChoiceFilter(
        choices=lambda: [(g.code, g.code) for g in gases().values()],
        label=_("gas"),
        error_messages={"invalid_choice": _("Not a greenhouse gas of the cadastre.")},
    )

    class Meta:
        model = GreenhouseEmission
        fields: list[str] = []


class PermitLimitFilterSet(django_filters.FilterSet):
    """Narrow permits' limits by region, pollutant, medium and a day they were in force."""

    region = code_choice(
        Region.objects.all(),
        field_name="facility__region",
        label=_("region"),
        message=_("No such region."),
    )
    pollutant = django_filters.ChoiceFilter(
        choices=lambda: [(p.code, p.code) for p in pollutants().values()],
        label=_("pollutant"),
        error_messages={"invalid_choice": _("Choose a pollutant of the register.")},
    )
    medium = django_filters.ChoiceFilter(
        choices=Medium.choices,
        label=_("released to"),
        error_messages={"invalid_choice": _("Write air, water or land.")},
    )
    in_force_on = DayFilter(method="in_force", label=_("in force on"))

    class Meta:
        model = PermitLimit
        fields: list[str] = []

    def in_force(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.filter(issued_on__lte=value, valid_until__gte=value)
