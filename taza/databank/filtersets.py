"""Read the year and region that the data bank's pages are asked for."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from taza.databank.models import ReminderKind
from taza.databank.pollutants import pollutants
from taza.databank.services import FIRST_YEAR
from taza.geo.filtersets import region_filter

YEAR_MESSAGE = _("Choose a year from 2000 to 2100.")


class WastePageFilterSet(django_filters.FilterSet):
    """Read the year (the latest with data when none) and, optionally, a region."""

    region = region_filter()
    year = django_filters.NumberFilter(
        method=lambda qs, name, value: qs,
        min_value=FIRST_YEAR,
        max_value=2100,
        label=_("year"),
        error_messages={
            "invalid": YEAR_MESSAGE,
            "min_value": YEAR_MESSAGE,
            "max_value": YEAR_MESSAGE,
        },
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
