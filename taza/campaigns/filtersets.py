"""Filter lists of events and the campaign totals; every parameter is checked."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from taza.campaigns.choices import CampaignKind
from taza.campaigns.models import Event, EventResult
from taza.core.params import BoundedNumberFilter, DayFilter, TextFilter
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


def _kind_filter(field_name: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name=field_name,
        choices=CampaignKind.choices,
        label=_("campaign"),
        error_messages={"invalid_choice": _("No such campaign kind.")},
    )


def _title_matches(prefix: str, words: str) -> Q:
    """Match words in an event's title as written or in any of its three languages."""
    match = Q()
    for field in ("title", "title_kk", "title_ru", "title_en"):
        match |= Q(**{f"{prefix}{field}__icontains": words})
    return match


class OrganiserFilterSet(django_filters.FilterSet):
    """Narrow the organiser's events by region, campaign kind and words of the title."""

    region = region_filter()
    kind = _kind_filter("campaign__kind")
    text = TextFilter(method="filter_text", label=_("words of the title"))

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_text(self, qs: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        return qs.filter(_title_matches("", value))


class ReviewFilterSet(django_filters.FilterSet):
    """Narrow the results awaiting review by the event's region, kind and title."""

    region = region_filter("event__region")
    kind = _kind_filter("event__campaign__kind")
    text = TextFilter(method="filter_text", label=_("words of the title"))

    class Meta:
        model = EventResult
        fields: list[str] = []

    def filter_text(
        self, qs: QuerySet[EventResult], name: str, value: Any
    ) -> QuerySet[EventResult]:
        return qs.filter(_title_matches("event__", value))
