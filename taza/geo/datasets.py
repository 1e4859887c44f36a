"""Where a row of open data lies: the same four territory columns in every dataset."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from taza.core.datasets import Column, Row
from taza.geo.models import District, Region

TERRITORY_COLUMNS = (
    Column("region", _("region code")),
    Column("region_name", _("region")),
    Column("district", _("district code")),
    Column("district_name", _("district")),
)


def territory_values(region: Region, district: District | None) -> Row:
    """Return a row's territory columns, in the language active while the file is written."""
    values: dict[str, Any] = {
        "region": region.code,
        "region_name": region.name,
        "district": district.code if district else None,
        "district_name": district.name if district else None,
    }
    return values
