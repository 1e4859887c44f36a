"""Scans of scene folders: tiles as units of work, resumable and shared among workers.

A scan is cut into tiles (one window of one scene each). Each tile is a task on the
queue (Huey): with a broker, several ``run_huey`` workers take tiles in parallel; in
the embedded default they run in the process that asks. A tile that finished is
marked done in the database and never redone, so a scan that stopped (a crash, a
restart) resumes where it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rasterio
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from pyproj import Transformer
from rasterio.windows import Window
from rasterio.windows import bounds as window_bounds
from shapely.geometry import box

from taza.core.actors import SYSTEM, Actor, person
from taza.geo.lookup import default_locator
from taza.sites import space
from taza.sites.choices import ScanStatus, SiteSource
from taza.sites.classifier import configured, patch_features
from taza.sites.models import ScanJob, ScanTile
from taza.sites.services import Sighting, record_sighting
from taza.sites.space import reproject

logger = logging.getLogger(__name__)
SCENE_SUFFIXES = (".tif", ".tiff")
DROP_BELOW = 0.1  # the classifier is this sure it is not a dump


def scene_folders(root: Path) -> list[str]:
    """List the folders under the scenes root that hold scenes, as paths relative to it."""
    if not root.is_dir():
        return []
    found = []
    for folder in sorted([root, *(p for p in root.rglob("*") if p.is_dir())]):
        if any(p.suffix.lower() in SCENE_SUFFIXES for p in folder.iterdir() if p.is_file()):
            found.append(str(folder.relative_to(root)) if folder != root else ".")
    return found[:500]


def scene_folder(root: Path, name: str) -> Path | None:
    """Return a folder chosen from scene_folders, or None for anything else."""
    return root / name if name and name in scene_folders(root) else None


def scenes_in(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SCENE_SUFFIXES)


def _matching(scene: Path, before: Path | None) -> Path | None:
    """Find the earlier scene of the same tile: the same name without the date."""
    if before is None:
        return None
    key = space.DATE_IN_NAME.sub("", scene.name)
    for candidate in scenes_in(before):
        if space.DATE_IN_NAME.sub("", candidate.name) == key:
            return candidate
    return None


def _territory(job: ScanJob) -> Any:
    if job.region is None:
        return None

    locator = default_locator()
    return locator.region_geoms[locator.region_codes.index(job.region.code)]


@transaction.atomic
def plan_scan(
    folder: Path,
    *,
    region: Any = None,
    before: Path | None = None,
    actor: Actor = SYSTEM,
    tile: int = space.TILE,
) -> ScanJob:
    """Create the scan and its tiles: only in-season scenes, only windows over the territory.

    All or nothing: a scene that cannot be read leaves no job behind.
    """
    job = ScanJob.objects.create(
        folder=str(folder),
        before_folder=str(before or ""),
        region=region,
        created_by=person(actor),
    )
    territory = _territory(job)
    tiles = []
    for scene in scenes_in(folder):
        with rasterio.open(scene) as src:
            if not space.in_season(space.scene_date(scene, src.tags())):
                logger.info("scene out of season", extra={"scene": str(scene)})
                continue
            space.band_indexes(src)  # refuse a file that is not a scene, now
            to_wgs84 = Transformer.from_crs(src.crs, "EPSG:4326", always_xy=True)
            for col, row, width, height in space.windows(src.width, src.height, tile):
                if territory is not None:
                    left, bottom, right, top = window_bounds(
                        Window(col, row, width, height), src.transform
                    )
                    footprint = reproject(to_wgs84, box(left, bottom, right, top))
                    if not footprint.intersects(territory):
                        continue
                earlier = _matching(scene, before)
                tiles.append(
                    ScanTile(
                        job=job,
                        scene=str(scene),
                        before_scene=str(earlier or ""),
                        col_off=col,
                        row_off=row,
                        width=width,
                        height=height,
                    )
                )
    ScanTile.objects.bulk_create(tiles)
    job.tiles_total = len(tiles)
    job.save(update_fields=["tiles_total"])
    return job


def run_tile(tile_id: int) -> int:
    """Detect in one tile and put its candidates in the registry; idempotent."""
    tile = ScanTile.objects.select_related("job__region").get(pk=tile_id)
    if tile.done:
        return 0
    job = tile.job
    if job.started_at is None:
        ScanJob.objects.filter(pk=job.pk, started_at__isnull=True).update(
            started_at=timezone.now(), status=ScanStatus.RUNNING
        )
    found = space.detect_window(
        Path(tile.scene),
        tile.col_off,
        tile.row_off,
        tile.width,
        tile.height,
        before=Path(tile.before_scene) if tile.before_scene else None,
        territory=_territory(job),
    )
    found = second_stage(Path(tile.scene), found)
    added = 0
    with transaction.atomic():
        locked = ScanTile.objects.select_for_update().get(pk=tile.pk)
        if locked.done:  # another worker finished it meanwhile
            return 0
        for candidate in found:
            _site, outcome = record_sighting(
                Sighting(
                    lat=candidate.lat,
                    lon=candidate.lon,
                    source=SiteSource.SATELLITE,
                    area_m2=candidate.area_m2,
                    score=candidate.score,
                    reasons=candidate.reasons,
                    outline=candidate.outline,
                    scan=job,
                    scene=tile.scene,
                )
            )
            added += outcome == "created"
        locked.done, locked.candidates, locked.finished_at = True, added, timezone.now()
        locked.save(update_fields=["done", "candidates", "finished_at"])
        ScanJob.objects.filter(pk=job.pk).update(
            tiles_done=F("tiles_done") + 1, candidates=F("candidates") + added
        )
    _finish_if_done(job.pk)
    return added


def second_stage(scene: Path, found: list[space.Candidate]) -> list[space.Candidate]:
    """With a classifier configured, weigh its probability in; drop what it is sure of."""
    model = configured()
    if model is None or not found:
        return found
    import numpy as np

    features = np.stack([patch_features(scene, c.lat, c.lon) for c in found])
    kept = []
    for candidate, probability in zip(found, model.probabilities(features), strict=True):
        if probability < DROP_BELOW:
            continue
        candidate.score = round((candidate.score + float(probability)) / 2, 3)
        candidate.reasons.append(f"classifier: {probability:.2f}")
        kept.append(candidate)
    return sorted(kept, key=lambda c: -c.score)


def _finish_if_done(job_id: int) -> None:
    job = ScanJob.objects.get(pk=job_id)
    if job.tiles_done >= job.tiles_total and job.status != ScanStatus.DONE:
        ScanJob.objects.filter(pk=job_id).update(status=ScanStatus.DONE, finished_at=timezone.now())


def pending(job: ScanJob) -> list[int]:
    return list(job.tiles.filter(done=False).values_list("pk", flat=True))


def enqueue(job: ScanJob) -> int:
    """Put every unfinished tile on the queue; workers share them out."""
    # Imported here: the task module calls this one's run_tile (a real cycle).
    from taza.sites.tasks import scan_tile

    ids = pending(job)
    for tile_id in ids:
        scan_tile(tile_id)
    return len(ids)


def run_here(job: ScanJob, progress: Callable[[ScanJob], None] | None = None) -> ScanJob:
    """Run the unfinished tiles in this process, reporting progress after each."""
    for tile_id in pending(job):
        try:
            run_tile(tile_id)
        except Exception as exc:
            ScanJob.objects.filter(pk=job.pk).update(
                status=ScanStatus.FAILED, error=str(exc)[:2000]
            )
            raise
        if progress is not None:
            job.refresh_from_db()
            progress(job)
    job.refresh_from_db()
    return job


def eta_text(job: ScanJob) -> str:
    seconds = job.eta_seconds
    return "—" if seconds is None else time.strftime("%H:%M:%S", time.gmtime(seconds))
