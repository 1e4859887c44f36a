"""Load responsible bodies and change them, always through the audit trail."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from taza.audit.services import upsert_audited
from taza.bodies.models import Body, BodyKind
from taza.core.actors import SYSTEM, Actor
from taza.geo.models import District, Region
from taza.geo.names import (
    district_akimat_names,
    ecology_department_names,
    emergency_department_names,
    region_akimat_names,
)

NATIONAL_BODIES_FILE = Path(__file__).resolve().parent / "data" / "national_bodies.json"
REASON = "Reference data: responsible bodies"


def regional_akimat_code(region: Region) -> str:
    return f"AKIMAT-{region.code}"


def district_akimat_code(district: District) -> str:
    return f"AKIMAT-{district.code}"


def ecology_department_code(region: Region) -> str:
    return f"DEP-ECO-{region.code}"


def emergency_department_code(region: Region) -> str:
    return f"DEP-ES-{region.code}"


@transaction.atomic
def load_bodies(*, actor: Actor = SYSTEM) -> int:
    """Create or bring up to date the national bodies and every akimat; return how many."""
    data = json.loads(NATIONAL_BODIES_FILE.read_text(encoding="utf-8"))
    count = 0
    for item in data["bodies"]:
        abbr_kk, abbr_ru, abbr_en = item["abbr"]
        name_kk, name_ru, name_en = item["name"]
        upsert_audited(
            Body,
            lookup={"code": item["code"]},
            values={
                "kind": item["kind"],
                "abbr_kk": abbr_kk,
                "abbr_ru": abbr_ru,
                "abbr_en": abbr_en,
                "name_kk": name_kk,
                "name_ru": name_ru,
                "name_en": name_en,
                "website": item.get("website", ""),
            },
            actor=actor,
            reason=REASON,
        )
        count += 1
    parents = {b.code: b for b in Body.objects.filter(code__in=[d.ministry for d in DEPARTMENTS])}
    regional: dict[int, Body] = {}
    for region in Region.objects.all():
        kk, ru, en = region_akimat_names(region.code)
        regional[region.pk], _created = upsert_audited(
            Body,
            lookup={"code": regional_akimat_code(region)},
            values={
                "kind": BodyKind.REGIONAL_AKIMAT,
                "region": region,
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
            },
            actor=actor,
            reason=REASON,
        )
        count += 1
        for department in DEPARTMENTS:
            count += _load_department(department, region, parents, actor=actor)
    for district in District.objects.select_related("region"):
        kk, ru, en = district_akimat_names(
            district.region.code,
            district.kind,
            district.name_kk,
            district.name_ru,
            district.name_en,
        )
        upsert_audited(
            Body,
            lookup={"code": district_akimat_code(district)},
            values={
                "kind": BodyKind.DISTRICT_AKIMAT,
                "region": district.region,
                "district": district,
                "parent": regional[district.region_id],
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
            },
            actor=actor,
            reason=REASON,
        )
        count += 1
    return count


@dataclass(frozen=True)
class _Department:
    """A ministry's department in every region: its kind, code, names and ministry."""

    kind: str
    code: Callable[[Region], str]
    names: Callable[[str], tuple[str, str, str]]
    ministry: str


# The Ministry of Ecology's department (of its Committee for Environmental Regulation and
# Control) and the Ministry for Emergency Situations' department in each region. Their
# parent is the ministry, loaded before the regions from national_bodies.json.
DEPARTMENTS = (
    _Department(
        BodyKind.ECOLOGY_DEPARTMENT, ecology_department_code, ecology_department_names, "MEPR"
    ),
    _Department(
        BodyKind.EMERGENCY_DEPARTMENT,
        emergency_department_code,
        emergency_department_names,
        "MChS",
    ),
)


def _load_department(
    department: _Department, region: Region, parents: dict[str, Body], *, actor: Actor
) -> int:
    """Create or bring up to date a ministry's department in a region."""
    kk, ru, en = department.names(region.code)
    upsert_audited(
        Body,
        lookup={"code": department.code(region)},
        values={
            "kind": department.kind,
            "region": region,
            "parent": parents.get(department.ministry),
            "name_kk": kk,
            "name_ru": ru,
            "name_en": en,
        },
        actor=actor,
        reason=REASON,
    )
    return 1
