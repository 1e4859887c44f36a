"""Load the territories from the shipped boundary files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop
from pyproj import Geod
from shapely.geometry import shape

from taza.audit.services import upsert_audited
from taza.core.actors import SYSTEM, Actor
from taza.geo.lookup import ADM1_FILE, ADM2_FILE
from taza.geo.models import District, Region
from taza.geo.names import REGION_NAMES, district_names

REASON = gettext_noop("Reference data: administrative boundaries (geokz 2024)")
_GEOD = Geod(ellps="WGS84")


@dataclass
class LoadResult:
    created: int = 0
    unchanged_or_updated: int = 0


def _area_km2(geometry: dict[str, Any]) -> float:
    area, _perimeter = _GEOD.geometry_area_perimeter(shape(geometry))
    return round(abs(area) / 1e6, 1)


def _features(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        features: list[dict[str, Any]] = json.load(fh)["features"]
    return features


@transaction.atomic
def load_territories(*, actor: Actor = SYSTEM) -> LoadResult:
    """Create or bring up to date all regions and districts; safe to run again."""
    result = LoadResult()
    regions: dict[str, Region] = {}
    for feature in _features(ADM1_FILE):
        p = feature["properties"]
        kk, ru, en, _genitive = REGION_NAMES[p["ADM1_PCODE"]]
        region, created = upsert_audited(
            Region,
            lookup={"code": p["ADM1_PCODE"]},
            values={
                "iso_code": p["ISO_3166_2_CURRENT"],
                "kato": p["KATO"],
                "kind": p["ADM1_TYPE"],
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "area_km2": _area_km2(feature["geometry"]),
            },
            actor=actor,
            reason=REASON,
        )
        regions[region.code] = region
        result.created += created
        result.unchanged_or_updated += not created
    for feature in _features(ADM2_FILE):
        p = feature["properties"]
        names = district_names(p["ADM1_PCODE"], p["KATO"], p["ADM2_KK"], p["ADM2_RU"], p["ADM2_EN"])
        _district, created = upsert_audited(
            District,
            lookup={"code": p["ADM2_PCODE"]},
            values={
                "kato": p["KATO"],
                "region": regions[p["ADM1_PCODE"]],
                "kind": names.kind,
                "name_kk": names.name_kk,
                "name_ru": names.name_ru,
                "name_en": names.name_en,
                "area_km2": _area_km2(feature["geometry"]),
            },
            actor=actor,
            reason=REASON,
        )
        result.created += created
        result.unchanged_or_updated += not created
    return result
