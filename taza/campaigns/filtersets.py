"""Filter lists of events and the campaign totals; every parameter is checked."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from taza.campaigns.choices import CampaignKind
from taza.campaigns.models import Event
from taza.core.params import BoundedNumberFilter, DayFilter
from taza.geo.filtersets import TerritoryPeriodFilterSet, region_filter


class EventFilterSet(django_filters.FilterSet):
    """Narrow upcoming events by region, campaign kind and first day; read a position."""

    region = region_filter()
    kind = django_filters.ChoiceFilter(
        field_name="campaign__kind",
        choices=CampaignKind.choices,
        label=_("campaign"),
        error_messages={"invalid_choice": _("No such campaign kind.")},
    )
    lat = BoundedNumberFilter(low=-90, high=90, label=_("latitude"))
    lon = BoundedNumberFilter(low=-180, high=180, label=_("longitude"))

    class Meta:
        model = Event
        fields: list[str] = []


# The first day is asked for as "from", a Python keyword, so it is added by its name.
EventFilterSet.base_filters["from"] = DayFilter(
    field_name="starts_at", lookup_expr="date__gte", label=_("from")
)


class TotalsFilterSet(TerritoryPeriodFilterSet):
    """Read the period, region and campaign kind of the totals."""

    kind = django_filters.ChoiceFilter(
        choices=CampaignKind.choices,
        method=lambda qs, name, value: qs,
        label=_("campaign"),
        error_messages={"invalid_choice": _("No such campaign kind.")},
    )
