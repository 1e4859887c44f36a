"""Demo waste sites shaped by the seeds' figures.

2024: 4,886 dumps found and 4,335 (91%) liquidated (seed 003, measure 44); 2025: 3,828
found by space monitoring (seeds 000/001), most still being verified or cleared.
Spread over the regions by the appeals' weights, placed inside their districts.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import h3
from django.utils import timezone
from django.utils.translation import gettext_noop

from taza.audit.services import record_created
from taza.demo import facts
from taza.demo.reports import point_in
from taza.geo.lookup import default_locator
from taza.geo.models import District, Region
from taza.sites.choices import SiteKind, SiteSource, SiteState
from taza.sites.models import WasteSite
from taza.sites.services import H3_RESOLUTION

REASON = gettext_noop("Demo data set")


def generate_sites(*, seed: int = 2026) -> int:
    if WasteSite.objects.filter(external_id__startswith="demo-").exists():
        return 0
    rng = random.Random(seed)
    locator = default_locator()
    weights = facts.region_weights()
    codes = list(weights)
    regions = {r.code: r for r in Region.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    by_region: dict[str, list[int]] = {}
    for index, code in enumerate(locator.district_codes):
        by_region.setdefault(code[:4], []).append(index)
    rows = []
    plan = [
        (2024, facts.DUMPS_FOUND_2024, SiteSource.RAID),
        (2025, facts.SATELLITE_DUMPS_2025, SiteSource.SATELLITE),
    ]
    for year, count, source in plan:
        for number in range(count):
            code = rng.choices(codes, weights=[weights[c] for c in codes])[0]
            index = rng.choice(by_region[code])
            lat, lon = point_in(locator.district_geoms[index], rng)
            found = timezone.make_aware(datetime(year, 1, 1)) + timedelta(days=rng.randint(60, 300))
            if year == 2024:
                liquidated = number < facts.DUMPS_LIQUIDATED_2024
                state = SiteState.LIQUIDATED if liquidated else SiteState.ASSIGNED
            else:
                state = rng.choices(
                    [
                        SiteState.CANDIDATE,
                        SiteState.VERIFIED,
                        SiteState.ASSIGNED,
                        SiteState.LIQUIDATED,
                    ],
                    weights=[0.35, 0.2, 0.25, 0.2],
                )[0]
            done = (
                found + timedelta(days=rng.randint(5, 90))
                if state == SiteState.LIQUIDATED
                else None
            )
            rows.append(
                WasteSite(
                    kind=SiteKind.DUMP,
                    state=state,
                    source=source,
                    lat=round(lat, 6),
                    lon=round(lon, 6),
                    h3_cell=h3.latlng_to_cell(lat, lon, H3_RESOLUTION),
                    region=regions[code],
                    district=districts.get(locator.district_codes[index]),
                    area_m2=round(rng.lognormvariate(6, 1), 0),
                    score=round(rng.uniform(0.7, 0.99), 3)
                    if source == SiteSource.SATELLITE
                    else None,
                    found_at=found,
                    last_seen_at=found,
                    verified_at=None if state == SiteState.CANDIDATE else found + timedelta(days=2),
                    liquidated_at=done,
                    external_id=f"demo-{year}-{number}",
                )
            )
    WasteSite.objects.bulk_create(rows, batch_size=1000)
    record_created(rows, reason=REASON, fields=("state", "source"))
    return len(rows)
