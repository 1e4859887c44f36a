"""Filter lists of waste sites (the registry map and its data) and of satellite scans."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from taza.geo.filtersets import region_filter
from taza.sites.choices import ScanStatus, SiteKind, SiteSource, SiteState
from taza.sites.models import ScanJob, WasteSite


class SiteFilterSet(django_filters.FilterSet):
    """Narrow sites by state, kind, source and region."""

    state = django_filters.ChoiceFilter(
        choices=SiteState.choices,
        label=_("state"),
        error_messages={"invalid_choice": _("No such state.")},
    )
    kind = django_filters.ChoiceFilter(
        choices=SiteKind.choices,
        label=_("kind"),
        error_messages={"invalid_choice": _("No such kind of site.")},
    )
    source = django_filters.ChoiceFilter(
        choices=SiteSource.choices,
        label=_("found by"),
        error_messages={"invalid_choice": _("No such source.")},
    )
    region = region_filter()

    class Meta:
        model = WasteSite
        fields: list[str] = []


class ScanFilterSet(django_filters.FilterSet):
    """Narrow the history of satellite scans by status and region."""

    status = django_filters.ChoiceFilter(
        choices=ScanStatus.choices,
        label=_("status"),
        error_messages={"invalid_choice": _("No such status.")},
    )
    region = region_filter()

    class Meta:
        model = ScanJob
        fields: list[str] = []
