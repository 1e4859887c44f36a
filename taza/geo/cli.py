"""The `python -m taza locate LAT LON` command: no database needed."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any

from taza.geo.lookup import ADM1_FILE, ADM2_FILE, LocationError, locate
from taza.geo.names import REGION_NAMES, district_names

USAGE = "usage: python -m taza locate LAT LON   (decimal degrees, WGS 84; e.g. 51.1694 71.4491)"


@cache
def _names() -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {}
    for feature in json.loads(ADM1_FILE.read_text(encoding="utf-8"))["features"]:
        p = feature["properties"]
        kk, ru, en, _genitive = REGION_NAMES[p["ADM1_PCODE"]]
        names[p["ADM1_PCODE"]] = {
            "code": p["ADM1_PCODE"],
            "iso_code": p["ISO_3166_2_CURRENT"],
            "kato": p["KATO"],
            "name_kk": kk,
            "name_ru": ru,
            "name_en": en,
        }
    for feature in json.loads(ADM2_FILE.read_text(encoding="utf-8"))["features"]:
        p = feature["properties"]
        n = district_names(p["ADM1_PCODE"], p["KATO"], p["ADM2_KK"], p["ADM2_RU"], p["ADM2_EN"])
        names[p["ADM2_PCODE"]] = {
            "code": p["ADM2_PCODE"],
            "kato": p["KATO"],
            "kind": n.kind,
            "name_kk": n.name_kk,
            "name_ru": n.name_ru,
            "name_en": n.name_en,
        }
    return names


def describe(lat: float, lon: float) -> dict[str, Any]:
    """Return the territory of a point as a JSON-ready dict, or raise LocationError."""
    found = locate(lat, lon)
    names = _names()
    return {
        "lat": lat,
        "lon": lon,
        "region": names[found.region_code],
        "district": names[found.district_code] if found.district_code else None,
        "exact": found.exact,
        "distance_m": found.distance_m,
    }


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        lat, lon = _number(argv[0]), _number(argv[1])
    except ValueError:
        print(json.dumps({"error": f"Not a number: {' '.join(argv)}. {USAGE}"}), file=sys.stderr)
        return 2
    try:
        result = describe(lat, lon)
    except LocationError as exc:
        print(json.dumps({"error": str(exc)}, ensure_ascii=False), file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
