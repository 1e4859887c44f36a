"""Read the region and year that the programme's pages and API are asked for."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from taza.geo.filtersets import region_filter
from taza.programme.choices import Period
from taza.programme.models import FIRST_YEAR, LAST_YEAR

YEAR_MESSAGE = _("Choose a year from 2024 to 2029.")


class PlanFilterSet(django_filters.FilterSet):
    """Read the region (for the country when none) and the year of a programme page."""

    region = region_filter()
    year = django_filters.NumberFilter(
        method=lambda qs, name, value: qs,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        label=_("year"),
        error_messages={
            "invalid": YEAR_MESSAGE,
            "min_value": YEAR_MESSAGE,
            "max_value": YEAR_MESSAGE,
        },
    )
    # The consolidated export covers a year or its first half.
    period = django_filters.ChoiceFilter(
        method=lambda qs, name, value: qs,
        choices=Period.choices,
        label=_("period"),
        error_messages={"invalid_choice": _("Choose the year or its first half.")},
    )
