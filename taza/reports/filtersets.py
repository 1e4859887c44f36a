"""Filter lists of reports: one FilterSet for the console, the REST list, Open311 and the map."""

from __future__ import annotations

import math
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from taza.core.params import MomentFilter, TextFilter, YesNoFilter, code_choice
from taza.geo.models import Region
from taza.reports.choices import ReportState
from taza.reports.models import Report, ServiceCategory
from taza.reports.querysets import ReportQuerySet

# A state, or one of the two groups every channel offers.
OPEN, CLOSED = "open", "closed"
MAX_ZOOM = 22
STATE_CHOICES = [(OPEN, _("open")), (CLOSED, _("closed")), *ReportState.choices]


MAX_NUMBERS = 100


class NumbersField(forms.CharField):
    """Read up to MAX_NUMBERS report numbers (eight digits each), comma-separated."""

    default_error_messages = {
        "invalid": _("Give up to 100 report numbers of eight digits, separated by commas.")
    }

    def to_python(self, value: Any) -> list[str] | None:  # type: ignore[override]
        """Split and check the numbers, refusing anything that is not one."""
        text = super().to_python(value)
        if not text:
            return None
        numbers = text.split(",")
        if len(numbers) > MAX_NUMBERS or not all(
            len(n) == 8 and n.isascii() and n.isdigit() for n in numbers
        ):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return numbers


class NumbersFilter(django_filters.Filter):
    """Keep the reports whose numbers a comma-separated list gives."""

    field_class = NumbersField

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        """Narrow the queryset to the given numbers."""
        return qs if not value else qs.filter(**{f"{self.field_name}__in": value})


class ReportFilterSet(django_filters.FilterSet):
    """Narrow reports by number, category, state, region, period and lateness."""

    ids = NumbersFilter(field_name="public_id", label=_("numbers"))
    category = code_choice(
        ServiceCategory.objects.all(),
        field_name="category",
        label=_("category"),
        message=_("No such category."),
    )
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES,
        method="filter_state",
        label=_("state"),
        error_messages={"invalid_choice": _("No such state.")},
    )
    region = code_choice(
        Region.objects.all(), field_name="region", label=_("region"), message=_("No such region.")
    )
    since = MomentFilter(field_name="created_at", label=_("since"))
    until = MomentFilter(field_name="created_at", end=True, label=_("until"))
    overdue = YesNoFilter(method="filter_overdue", label=_("overdue only"))
    text = TextFilter(method="filter_text", label=_("search"))
    mine = YesNoFilter(method="filter_mine", label=_("assigned to me"))

    class Meta:
        model = Report
        fields: list[str] = []

    def filter_state(self, qs: ReportQuerySet, name: str, value: str) -> ReportQuerySet:
        """Keep reports in one state, or in the open or closed group."""
        if value == OPEN:
            return qs.open()
        if value == CLOSED:
            return qs.closed()
        return qs.filter(state=value)

    def filter_overdue(self, qs: ReportQuerySet, name: str, value: Any) -> ReportQuerySet:
        """Keep open reports past their deadline when asked."""
        return qs.overdue() if value else qs

    def filter_mine(self, qs: ReportQuerySet, name: str, value: Any) -> ReportQuerySet:
        """Keep the reports assigned to the person asking or to a crew of theirs, when asked."""
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return qs
        return qs.filter(Q(assignee=user) | Q(assigned_crew__in=user.crews.values("pk")))

    def filter_text(self, qs: ReportQuerySet, name: str, value: str) -> ReportQuerySet:
        """Find a report by its number, or by words of its address or description."""
        return qs.matching(value)


class BboxField(forms.CharField):
    """Read ``min lon,min lat,max lon,max lat`` as four finite numbers in range."""

    default_error_messages = {
        "invalid": _("bbox is four numbers: min lon,min lat,max lon,max lat.")
    }

    def to_python(self, value: Any) -> tuple[float, float, float, float] | None:  # type: ignore[override]
        """Parse the four numbers, refusing anything else."""
        text = super().to_python(value)
        if not text:
            return None
        try:
            parts = [float(v) for v in text.split(",")]
        except ValueError:
            parts = []
        if len(parts) != 4 or not all(math.isfinite(v) for v in parts):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        # A map that wraps around the world reports longitudes beyond ±180: the box is
        # clipped to the globe rather than refused, and its corners put in order.
        west, east = sorted(max(-180.0, min(180.0, v)) for v in (parts[0], parts[2]))
        south, north = sorted(max(-90.0, min(90.0, v)) for v in (parts[1], parts[3]))
        return (west, south, east, north)


class BboxFilter(django_filters.Filter):
    """Keep reports inside a longitude/latitude box."""

    field_class = BboxField

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        """Narrow the queryset to the box."""
        if not value:
            return qs
        min_lon, min_lat, max_lon, max_lat = value
        return qs.filter(lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon)


class MapFilterSet(ReportFilterSet):
    """Add the map's zoom level and view box to the filters every list of reports has."""

    zoom = django_filters.NumberFilter(
        method="keep",
        label=_("zoom"),
        min_value=0,
        max_value=MAX_ZOOM,
        decimal_places=0,
        error_messages={"invalid": _("zoom must be a whole number from 0 to 22.")},
    )
    bbox = BboxFilter(label=_("view box"))

    def keep(self, qs: QuerySet[Report], name: str, value: Any) -> QuerySet[Report]:
        """Leave the queryset alone: the zoom chooses how to aggregate, not what to keep."""
        return qs
