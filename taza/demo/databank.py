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
from decimal import ROUND_HALF_UP, Decimal

from taza.audit.services import record_created
from taza.databank.models import ImportBatch, ImportKind, WasteRecord
from taza.demo import facts
from taza.geo.models import Region

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
    batch = ImportBatch.objects.create(
        kind=ImportKind.WASTE, filename="demo", sha256=f"demo-{seed}", rows=0
    )
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
                    batch=batch,
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
                        batch=batch,
                    )
                )
    WasteRecord.objects.bulk_create(records, batch_size=1000)
    batch.rows = len(records)
    batch.save(update_fields=["rows"])
    record_created(records, reason="Demo data set", fields=("region", "year", "waste_code"))
    return len(records)
