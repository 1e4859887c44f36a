"""Filter by territory: the region parameter every territorial list shares."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from taza.core.params import PeriodFilterSet, code_choice
from taza.geo.models import Region


def region_filter(field_name: str = "region") -> object:
    """Make the filter that takes a region by its code (KZ71) and refuses unknown ones."""
    return code_choice(
        Region.objects.all(), field_name=field_name, label=_("region"), message=_("No such region.")
    )


class TerritoryPeriodFilterSet(PeriodFilterSet):
    """Read a period of local days and, optionally, a region."""

    region = region_filter()
