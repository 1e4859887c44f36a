"""A demo waste cadastre whose country-wide recycled share matches the published figures.

The Concept states 24% of municipal waste recycled in 2023 and 25.87% in 2024 (seed
003, the first target indicator). The demo spreads about 4.5 million tonnes of
municipal waste a year (the order of magnitude usually cited for Kazakhstan; not from
the seeds) over the regions by the appeals' weights, gives each region its own recycled
share around the national one, and scales them so that the country's computed share is
exactly the published one, to two places. A few industrial rows (ash, tailings, oily
sludge) show that only municipal waste counts.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from taza.audit.services import record_created
from taza.bodies.models import TERRITORIAL_KINDS, Body, BodyKind
from taza.bodies.services import (
    district_akimat_code,
    ecology_department_code,
    regional_akimat_code,
)
from taza.databank.greenhouse import gases
from taza.databank.models import ImportBatch, ImportKind, WasteRecord
from taza.databank.services import refresh_release_totals
from taza.demo import facts
from taza.geo.models import District, Region

PUBLISHED = {2023: Decimal("24.00"), 2024: Decimal("25.87")}
MUNICIPAL_TONNES = {2023: Decimal("4400000"), 2024: Decimal("4550000")}
# How a region's municipal waste splits over the classifier's codes.
SPLIT = {"20 03 01": 0.78, "20 01 39": 0.08, "20 01 01": 0.07, "20 01 02": 0.04, "20 03 07": 0.03}
INDUSTRIAL = {
    "KZ35": ("01 03 06", 42_000_000),  # Karaganda: metal ore tailings
    "KZ55": ("10 01 01", 6_500_000),  # Pavlodar: ash and slag of coal power stations
    "KZ23": ("05 01 06", 180_000),  # Atyrau: oily sludge
}
T = Decimal("0.001")


def _t(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(T, rounding=ROUND_HALF_UP)


def generate_cadastre(*, seed: int = 2026) -> int:
    """Write the demo cadastre once; return how many records it made."""
    if ImportBatch.objects.filter(kind=ImportKind.WASTE, sha256__startswith="demo-").exists():
        return 0
    rng = random.Random(seed)
    weights = facts.region_weights()
    regions = {r.code: r for r in Region.objects.filter(code__in=weights)}
    records: list[WasteRecord] = []
    for year, target in PUBLISHED.items():
        factors = {code: rng.uniform(0.55, 1.45) for code in regions}
        rows = []
        for code, region in regions.items():
            generated_region = MUNICIPAL_TONNES[year] * Decimal(str(weights[code]))
            for waste_code, part in SPLIT.items():
                generated = _t(generated_region * Decimal(str(part)))
                rows.append((region, waste_code, generated, factors[code]))
        total = sum(g for _r, _c, g, _f in rows)
        weighted = sum(g * Decimal(str(f)) for _r, _c, g, f in rows)
        scale = target / 100 * total / weighted
        year_records = []
        for region, waste_code, generated, factor in rows:
            collected = _t(generated * Decimal("0.93"))
            recycled = _t(generated * Decimal(str(factor)) * scale)
            recovered = _t(generated * Decimal("0.02"))
            disposed = _t(max(collected - recycled - recovered - generated / 100, Decimal(0)))
            year_records.append(
                WasteRecord(
                    region=region,
                    year=year,
                    waste_code=waste_code,
                    municipal=True,
                    generated=generated,
                    collected=collected,
                    recycled=recycled,
                    recovered=recovered,
                    disposed=disposed,
                )
            )
        # Rounding to the kilogram leaves a residue: the largest row takes it, so the
        # country's share is the published one to two places.
        largest = max(year_records, key=lambda r: r.generated)
        wanted = _t(target / 100 * total)
        largest.recycled += wanted - sum(r.recycled for r in year_records)
        records += year_records
        for code, (waste_code, tonnes) in INDUSTRIAL.items():
            if code in regions:
                generated = _t(tonnes * rng.uniform(0.9, 1.1))
                records.append(
                    WasteRecord(
                        region=regions[code],
                        year=year,
                        waste_code=waste_code,
                        municipal=False,
                        generated=generated,
                        collected=generated,
                        recycled=_t(generated * Decimal("0.05")),
                        recovered=_t(generated * Decimal("0.10")),
                        disposed=_t(generated * Decimal("0.85")),
                    )
                )
    _save_demo(ImportKind.WASTE, f"demo-{seed}", records, ("region", "year", "waste_code"))
    return len(records)


def _save_demo(kind: str, digest: str, records: list[Any], fields: tuple[str, ...]) -> None:
    """Write demo reports of one kind under one import batch, audited as the demo's."""
    batch = ImportBatch.objects.create(kind=kind, filename="demo", sha256=digest, rows=len(records))
    for record in records:
        record.batch = batch
    type(records[0]).objects.bulk_create(records, batch_size=1000)
    record_created(records, reason="Demo data set", fields=fields)


# Facilities shaped like the economy: (region, sector, category, name, yearly tonnes to air).
# Orders of magnitude only: the demo's figures are not any real facility's reports.
FACILITIES: tuple[tuple[str, str, str, str, dict[str, float]], ...] = (
    (
        "KZ23",
        "oil_gas",
        "I",
        "Oil field and gas processing plant",
        {"SOX": 9000, "NOX": 4000, "H2S": 40, "CO2": 2_500_000, "CH4": 12_000},
    ),
    (
        "KZ23",
        "oil_gas",
        "I",
        "Oil refinery",
        {"SOX": 6000, "NOX": 2500, "C6H6": 12, "CO2": 1_800_000},
    ),
    (
        "KZ47",
        "oil_gas",
        "I",
        "Oil field and associated gas flares",
        {"SOX": 3000, "NOX": 2000, "CO2": 1_200_000, "CH4": 9000},
    ),
    (
        "KZ35",
        "metallurgy",
        "I",
        "Integrated steel works",
        {"SOX": 45_000, "NOX": 20_000, "PM10": 30_000, "CO2": 12_000_000},
    ),
    (
        "KZ35",
        "metallurgy",
        "I",
        "Copper smelter",
        {"SOX": 120_000, "PM10": 8000, "PB": 40, "AS": 15, "CO2": 900_000},
    ),
    (
        "KZ55",
        "metallurgy",
        "I",
        "Aluminium smelter",
        {"SOX": 20_000, "PM10": 9000, "CO2": 4_000_000},
    ),
    (
        "KZ55",
        "power",
        "I",
        "Coal power station",
        {"SOX": 150_000, "NOX": 60_000, "PM10": 40_000, "HG": 0.4, "CO2": 25_000_000},
    ),
    (
        "KZ55",
        "power",
        "I",
        "Coal power station No. 2",
        {"SOX": 90_000, "NOX": 35_000, "PM10": 25_000, "CO2": 15_000_000},
    ),
    (
        "KZ63",
        "metallurgy",
        "I",
        "Zinc and lead works",
        {"SOX": 30_000, "PB": 60, "AS": 8, "PM10": 5000, "CO2": 700_000},
    ),
    (
        "KZ35",
        "power",
        "I",
        "Coal combined heat and power plant",
        {"SOX": 40_000, "NOX": 15_000, "PM10": 12_000, "CO2": 6_000_000},
    ),
    (
        "KZ75",
        "power",
        "I",
        "Combined heat and power plant",
        {"SOX": 12_000, "NOX": 9000, "PM10": 3000, "CO2": 3_000_000},
    ),
    (
        "KZ71",
        "power",
        "I",
        "Combined heat and power plant",
        {"SOX": 18_000, "NOX": 10_000, "PM10": 5000, "CO2": 3_500_000},
    ),
)


def generate_facilities(*, seed: int = 2026) -> int:
    """Write the demo facilities, releases and carbon cadastre (2023, 2024) once.

    Return how many facilities were made (0 when they were there already).
    """
    from taza.databank.models import Facility, GreenhouseEmission, Release
    from taza.demo.reports import point_in
    from taza.geo.lookup import default_locator

    if Facility.objects.filter(code__startswith="DEMO-").exists():
        return 0
    rng = random.Random(seed)
    locator = default_locator()
    regions = {r.code: r for r in Region.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    akimats = {b.code: b for b in Body.objects.filter(kind__in=TERRITORIAL_KINDS)}
    departments = {b.code: b for b in Body.objects.filter(kind=BodyKind.ECOLOGY_DEPARTMENT)}
    plan: list[tuple[str, str, str, str, dict[str, float]]] = list(FACILITIES) + [
        (
            code,
            "waste",
            "II",
            "Municipal solid waste landfill",
            {"CH4": 2000 * weight * 20, "PM10": 20},
        )
        for code, weight in facts.region_weights().items()
    ]
    facilities, releases = [], []
    for number, (code, sector, category, name, amounts) in enumerate(plan, start=1):
        if code not in regions:
            continue
        lat, lon = point_in(locator.region_geoms[locator.region_codes.index(code)], rng)
        district = districts.get(locator.locate(lat, lon).district_code or "")
        facility = Facility(
            code=f"DEMO-{code}-{number:03d}",
            bin=f"{rng.randrange(10**11, 10**12):012d}",
            name=name,
            operator=f"{name.split()[0]} {rng.choice(['LLP', 'JSC'])} «Demo {number}»",
            category=category,
            sector=sector,
            region=regions[code],
            district=district,
            akimat=akimats.get(
                district_akimat_code(district) if district else regional_akimat_code(regions[code])
            ),
            department=departments.get(ecology_department_code(regions[code])),
            lat=round(lat, 5),
            lon=round(lon, 5),
            permit=f"KZ{rng.randrange(10**8, 10**9)}VCZ",
            email=f"ecology.{number:03d}@example.kz",
        )
        facilities.append(facility)
        for year in (2023, 2024):
            for pollutant, tonnes in amounts.items():
                releases.append(
                    Release(
                        facility=facility,
                        pollutant=pollutant,
                        year=year,
                        medium="air",
                        tonnes=_t(tonnes * rng.uniform(0.85, 1.15)),
                        method=rng.choice(["M", "C", "C", "E"]),
                    )
                )
    Facility.objects.bulk_create(facilities)
    record_created(facilities, reason="Demo data set", fields=("code", "name", "sector"))
    fields = ("pollutant", "year", "tonnes")
    _save_demo(ImportKind.RELEASES, f"demo-releases-{seed}", releases, fields)
    refresh_release_totals({(r.year, r.pollutant) for r in releases})
    potentials = gases()
    greenhouse = [
        GreenhouseEmission(
            facility=release.facility,
            installation=INSTALLATIONS.get(release.facility.sector, "Main installation"),
            year=release.year,
            gas=release.pollutant,
            tonnes=release.tonnes,
            gwp=potentials[release.pollutant].gwp,
            method=release.method,
        )
        for release in releases
        if release.pollutant in potentials
    ]
    # Switchgear of the power stations leaks a little SF6.
    greenhouse += [
        GreenhouseEmission(
            facility=facility,
            installation="Switchgear",
            year=year,
            gas="SF6",
            tonnes=_t(0.05 * rng.uniform(0.5, 1.5)),
            gwp=potentials["SF6"].gwp,
            method="C",
        )
        for facility in facilities
        if facility.sector == "power"
        for year in (2023, 2024)
    ]
    for record in greenhouse:
        record.co2e = _t(record.tonnes * record.gwp)
    _save_demo(ImportKind.CARBON, f"demo-carbon-{seed}", greenhouse, ("gas", "year", "co2e"))
    _generate_control(facilities, rng)
    _generate_transfers(facilities, rng)
    _generate_permits(facilities, releases, rng)
    return len(facilities)


def _generate_permits(facilities: list[Any], releases: list[Any], rng: random.Random) -> None:
    """Write a permit for each facility of categories I and II, with a limit per pollutant.

    Most limits sit 10–40% above what the facility released in 2023; about one in ten
    is below 2024's release, so the facility pages show releases above their permit.
    Most permits run ten years from 2022; a few end within 90 days of today and a few
    ended last year, so the permits' list shows every state.
    """
    from taza.databank.models import PermitLimit

    today = timezone.localdate()
    by_facility: dict[int, list[Any]] = {}
    for release in releases:
        if release.year == 2024:
            by_facility.setdefault(id(release.facility), []).append(release)
    records = []
    for facility in facilities:
        if facility.category not in ("I", "II"):
            continue
        draw = rng.random()
        if draw < 0.1:
            issued, until = date(2016, 7, 1), date(today.year - 1, 6, 30)
        elif draw < 0.2:
            issued, until = date(2017, 1, 15), today.replace(day=1) + timedelta(days=60)
        else:
            issued, until = date(2022, 1, 1), date(2031, 12, 31)
        for release in by_facility.get(id(facility), []):
            share = rng.uniform(0.8, 0.97) if rng.random() < 0.1 else rng.uniform(1.1, 1.4)
            records.append(
                PermitLimit(
                    facility=facility,
                    permit=facility.permit,
                    kind="integrated" if facility.category == "I" else "emissions",
                    issued_on=issued,
                    valid_until=until,
                    pollutant=release.pollutant,
                    medium=release.medium,
                    tonnes=_t(release.tonnes * Decimal(str(share))),
                )
            )
    _save_demo(ImportKind.PERMITS, "demo-permits", records, ("permit", "pollutant", "tonnes"))


def _generate_transfers(facilities: list[Any], rng: random.Random) -> None:
    """Write 2024's transfers of waste of the industrial facilities (not the landfills)."""
    from taza.databank.models import Transfer

    records = []
    for facility in facilities:
        if facility.sector == "waste":
            continue
        for hazardous, treatment, tonnes in ((True, "D", 400), (False, "R", 25_000)):
            records.append(
                Transfer(
                    facility=facility,
                    year=2024,
                    hazardous=hazardous,
                    treatment=treatment,
                    country="KZ",
                    tonnes=_t(tonnes * rng.uniform(0.2, 2.0)),
                    method=rng.choice(["M", "C"]),
                )
            )
    _save_demo(ImportKind.TRANSFERS, "demo-transfers", records, ("year", "treatment", "tonnes"))


# Boundary limits: the one-time maximum MPC in the air of populated areas (mg/m3).
BOUNDARY = {"oil_gas": ("H2S", 0.008), "metallurgy": ("SOX", 0.5), "power": ("NOX", 0.2)}


def _generate_control(facilities: list[Any], rng: random.Random) -> None:
    """Write a year of monthly control at a stack and a boundary point of large facilities.

    Mostly within the limits, a few months above them (about one in twelve).
    """
    from taza.databank.models import ControlMeasurement

    records = []
    for facility in facilities:
        if facility.category != "I" or facility.sector not in BOUNDARY:
            continue
        stack_limit = _t(rng.choice([40, 60, 120, 250]))
        pollutant, mpc = BOUNDARY[facility.sector]
        for month in range(1, 13):
            day = date(2024, month, rng.randint(5, 25))
            high = rng.random() < 0.08
            for point, kind, code, unit, limit in (
                ("Source 0001 (main stack)", "source", "SOX", "g/s", stack_limit),
                ("SPZ boundary, leeward", "boundary", pollutant, "mg/m3", _t(mpc)),
            ):
                share = rng.uniform(1.05, 1.8) if high else rng.uniform(0.3, 0.95)
                records.append(
                    ControlMeasurement(
                        facility=facility,
                        point=point,
                        kind=kind,
                        pollutant=code,
                        measured_on=day,
                        unit=unit,
                        value=(limit * Decimal(str(share))).quantize(Decimal("0.0001")),
                        limit=limit,
                    )
                )
    _save_demo(ImportKind.CONTROL, "demo-control", records, ("point", "pollutant", "value"))


INSTALLATIONS = {
    "power": "Boiler units",
    "metallurgy": "Smelting shop",
    "oil_gas": "Gas processing unit",
    "waste": "Landfill body",
    "mining": "Mine fleet",
    "chemicals": "Process units",
}
