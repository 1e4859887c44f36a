"""A demo scan on real Sentinel-2 pixels, so that the verification queue shows real chips.

The real farmland crop (taza/sites/data) with a dozen dumps implanted, put under the
scenes root as a July 2025 scene and scanned as Level-1C. The demo shows more of its
candidates than a deployment would (a budget of 20 per 100 km²) so that a newcomer has
several to verify. The same pixels are also delivered as ESA's Level-1C product (a .SAFE
folder of JPEG 2000 band files), not scanned, for a newcomer to scan from the scans page.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from taza.sites.implant import implant
from taza.sites.models import ScanJob
from taza.sites.scan import apply_budget, plan_scan, run_here
from taza.sites.synthetic import write_product

SOURCE = Path(__file__).resolve().parent.parent / "sites" / "data" / "S2_L1C_farmland.tif"
FOLDER = "demo-2025-07"
PRODUCT_FOLDER = "demo-2025-07-product"
DEMO_BUDGET = 20.0


def generate_scan(*, seed: int = 2026) -> int:
    """Scan the demo scene once; return the candidates it put in the registry."""
    folder = Path(settings.TAZA_SCENES_ROOT) / FOLDER
    if ScanJob.objects.filter(folder=str(folder)).exists():
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    scene = folder / "S2_L1C_T43UCR_20250715.tif"
    if not scene.exists():
        implant(SOURCE, scene, 12, seed=seed)
    job = run_here(plan_scan(folder, allow_l1c=True))
    apply_budget(job, per_100km2=DEMO_BUDGET)
    delivered = Path(settings.TAZA_SCENES_ROOT) / PRODUCT_FOLDER
    if not delivered.exists():
        write_product(delivered, scene, level="L1C")
    return job.candidates
