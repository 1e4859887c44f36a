"""Filter the lists of fires, gauges and settlements: one reading each, for every channel."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from taza.core.params import DayFilter
from taza.geo.filtersets import region_filter
from taza.hazards.choices import FireState, RiskStatus, WarningLevel
from taza.hazards.models import FireEvent, Gauge, Settlement


class FireFilterSet(django_filters.FilterSet):
    """Narrow fires by state, region and period, for the fires now and past seasons.

    ``since``: seen on or after that day; ``until``: first seen by that day.
    """

    state = django_filters.ChoiceFilter(
        choices=FireState.choices,
        label=_("state"),
        error_messages={"invalid_choice": _("No such state.")},
    )
    region = region_filter()
    since = DayFilter(field_name="last_seen", lookup_expr="date__gte", label=_("since"))
    until = DayFilter(field_name="first_seen", lookup_expr="date__lte", label=_("until"))

    class Meta:
        model = FireEvent
        fields: list[str] = []


class FloodFilterSet(django_filters.FilterSet):
    """Narrow gauges by region and warning level."""

    region = region_filter()
    level = django_filters.ChoiceFilter(
        choices=WarningLevel.choices,
        label=_("warning level"),
        error_messages={"invalid_choice": _("No such warning level.")},
    )

    class Meta:
        model = Gauge
        fields: list[str] = []


class SettlementFilterSet(django_filters.FilterSet):
    """Narrow settlements at flood risk by region and status."""

    region = region_filter()
    status = django_filters.ChoiceFilter(
        choices=RiskStatus.choices,
        label=_("status"),
        error_messages={"invalid_choice": _("No such status.")},
    )

    class Meta:
        model = Settlement
        fields: list[str] = []
