"""Filter the list of fires: the one reading of its query, for the page and the map."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from taza.core.params import code_choice
from taza.geo.models import Region
from taza.hazards.choices import FireState, WarningLevel
from taza.hazards.models import FireEvent, Gauge


class FireFilterSet(django_filters.FilterSet):
    """Narrow fires by state and region."""

    state = django_filters.ChoiceFilter(
        choices=FireState.choices,
        label=_("state"),
        error_messages={"invalid_choice": _("No such state.")},
    )
    region = code_choice(
        Region.objects.all(), field_name="region", label=_("region"), message=_("No such region.")
    )

    class Meta:
        model = FireEvent
        fields: list[str] = []


class FloodFilterSet(django_filters.FilterSet):
    """Narrow gauges by region and warning level."""

    region = code_choice(
        Region.objects.all(), field_name="region", label=_("region"), message=_("No such region.")
    )
    level = django_filters.ChoiceFilter(
        choices=WarningLevel.choices,
        label=_("warning level"),
        error_messages={"invalid_choice": _("No such warning level.")},
    )

    class Meta:
        model = Gauge
        fields: list[str] = []
