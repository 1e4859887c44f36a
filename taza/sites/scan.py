"""Scans of scene folders: tiles as units of work, resumable and shared among workers.

A scan is cut into tiles (one window of one scene each). Each tile is a task on the
queue (Huey): with a broker, several ``run_huey`` workers take tiles in parallel; in
the embedded default they run in the process that asks. A tile that finished is
marked done in the database and never redone, so a scan that stopped (a crash, a
restart) resumes where it was.
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import h3
import rasterio
import rasterio.errors
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.windows import Window
from rasterio.windows import bounds as window_bounds
from shapely.geometry import box

from taza.core.actors import SYSTEM, Actor, person
from taza.geo.lookup import LocationError, default_locator
from taza.sites import products, space
from taza.sites.choices import ScanStatus, SiteSource, SiteState
from taza.sites.classifier import configured, patch_features
from taza.sites.models import ScanJob, ScanTile, SiteSighting, WasteSite
from taza.sites.reasons import reason
from taza.sites.services import Sighting, record_satellite_sightings
from taza.sites.space import reproject

logger = logging.getLogger(__name__)
# GeoTIFFs, VRTs stacking a product's own band files, and products as delivered (a .SAFE
# folder or its .zip, read through a VRT: taza.sites.products); docs/sites.md, "Scenes".
SCENE_SUFFIXES = (".tif", ".tiff", ".vrt")
MGRS_TILE = re.compile(r"(?:^|_)(T\d{2}[A-Z]{3})(?:_|$)")  # …_T42UXE_… in product names
DROP_BELOW = 0.1  # the classifier is this sure it is not a dump
BUDGET_CELL = 6  # H3 resolution of the budget's cells: about 36 km² each


def _is_scene(path: Path) -> bool:
    return (path.is_file() and path.suffix.lower() in SCENE_SUFFIXES) or products.is_product(path)


def scene_folders(root: Path) -> list[str]:
    """List the folders under the scenes root that hold scenes, as paths relative to it.

    A product's own folders (inside a .SAFE) are the product's, not folders of scenes.
    """
    if not root.is_dir():
        return []
    folders = []
    for top, names, _files in os.walk(root):  # a product's own folders are not walked
        names[:] = [name for name in names if not name.lower().endswith(".safe")]
        folders.append(Path(top))
        # A folder linked in is offered, as a folder; what lies below it is not walked.
        folders += [Path(top, name) for name in names if Path(top, name).is_symlink()]
    found = []
    for folder in sorted(folders):
        if any(_is_scene(p) for p in folder.iterdir()):
            found.append(str(folder.relative_to(root)) if folder != root else ".")
    return found[:500]


def scene_folder(root: Path, name: str) -> Path | None:
    """Return a folder chosen from scene_folders, or None for anything else."""
    return root / name if name and name in scene_folders(root) else None


def scenes_in(folder: Path) -> list[Path]:
    """List the scenes of a folder (or the one scene a file or a product is), as delivered."""
    if folder.is_file() or products.is_product(folder):
        return [folder]
    return sorted(p for p in folder.iterdir() if _is_scene(p))


def as_scene(path: Path) -> Path:
    """Return the raster a scene is read from: itself, or a product's VRT (see products).

    A product's VRT is made once per version of it (its metadata file's time), not per
    chip: making it opens every band file.
    """
    if not products.is_product(path):
        return path
    key = (str(path), products.version(path), str(settings.TAZA_SPACE_PRODUCTS_DIR))
    scene = _product_scene(*key)
    if not scene.is_file():  # removed since (a cleaned var/): made again
        _product_scene.cache_clear()
        scene = _product_scene(*key)
    return scene


@lru_cache(maxsize=64)
def _product_scene(path: str, version: float, folder: str) -> Path:
    return products.scene_of(Path(path), Path(folder))


def _tile_key(path: Path) -> str:
    """Name what makes two scenes the same place: the MGRS tile (T42UXE), else the name less dates.

    ESA's product names differ between dates in more than the date (satellite, processing
    time, baseline: S2A_MSIL2A_20230715T061641_N0509_R034_T42UXE_20230715T101517), so the
    tile id, where the name has one, is what is compared.
    """
    tile = MGRS_TILE.search(path.stem.upper())
    return tile.group(1) if tile else space.DATE_IN_NAME.sub("", path.name)


def _matching(scene: Path, before: Path | None) -> list[Path]:
    """Find the earlier scenes of the same tile, oldest first."""
    if before is None:
        return []
    key = _tile_key(scene)
    found = [p for p in scenes_in(before) if p != scene and _tile_key(p) == key]
    return sorted(found, key=_date_key)


def _date_key(path: Path) -> str:
    match = space.DATE_IN_NAME.search(path.name)
    return match.group(0) if match else ""


def chip_scenes(site: WasteSite) -> dict[str, Path]:
    """Return the scenes a candidate can be seen in: "now" and, where kept, "before".

    "now" is the latest sighting's scene still on disk; "before" the earliest scene of the
    same tile in that scan's earlier scenes. Uses ``site.scene_sightings`` when prefetched.
    """
    sightings = getattr(site, "scene_sightings", None)
    if sightings is None:
        sightings = list(
            site.sightings.exclude(scene="").select_related("scan").order_by("seen_at", "pk")
        )
    found: dict[str, Path] = {}
    for sighting in reversed(sightings):
        scene = Path(sighting.scene)
        if not scene.is_file():
            continue
        found["now"] = scene
        if sighting.scan is not None and sighting.scan.before_folder:
            earlier = _matching(scene, Path(sighting.scan.before_folder))
            try:
                if earlier:
                    found["before"] = as_scene(earlier[0])
            except space.SceneError:  # a product damaged since the scan: no "before" chip
                logger.warning("earlier product unreadable", extra={"scene": str(earlier[0])})
        break
    return found


def _territory(job: ScanJob) -> Any:
    if job.region is None:
        return None

    locator = default_locator()
    return locator.region_geoms[locator.region_codes.index(job.region.code)]


def _exclusion() -> space.Exclusion | None:
    """Read the deployment's exclusion layer (TAZA_SPACE_EXCLUDE: GeoJSON or GeoTIFF)."""
    path = Path(settings.TAZA_SPACE_EXCLUDE) if settings.TAZA_SPACE_EXCLUDE else None
    if path is None:
        return None
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise space.SceneError(f"{path}: {exc.strerror}", "exclusion") from None
    return _read_exclusion(str(path), mtime)


@lru_cache(maxsize=2)
def _read_exclusion(path: str, mtime: float) -> space.Exclusion:
    return space.Exclusion.load(Path(path))


@transaction.atomic
def plan_scan(
    folder: Path,
    *,
    region: Any = None,
    before: Path | None = None,
    actor: Actor = SYSTEM,
    tile: int = space.TILE,
    allow_l1c: bool | None = None,
) -> ScanJob:
    """Create the scan and its tiles: only in-season scenes, only windows over the territory.

    All or nothing: a scene that cannot be read, or a Level-1C scene not asked for,
    leaves no job behind. A scan with no tiles to do is finished at once.
    """
    allow = settings.TAZA_SPACE_ALLOW_L1C if allow_l1c is None else allow_l1c
    _exclusion()  # every tile reads it: a layer that cannot be read is refused now
    job = ScanJob.objects.create(
        folder=str(folder),
        before_folder=str(before or ""),
        region=region,
        created_by=person(actor),
        allow_l1c=allow,
    )
    territory = _territory(job)
    tiles = []
    checked: set[Path] = set()
    for delivered in scenes_in(folder):
        scene = as_scene(delivered)
        with _opened(scene) as src:
            if not space.in_season(space.scene_date(scene, src.tags())):
                logger.info("scene out of season", extra={"scene": str(scene)})
                continue
            space.check_scene(src, allow_l1c=allow)  # refuse what cannot be used, now
            to_wgs84 = Transformer.from_crs(src.crs, "EPSG:4326", always_xy=True)
            matching = [as_scene(p) for p in _matching(delivered, before)]
            for path in matching:
                if path not in checked:  # every tile of the scene reads them: refuse now too
                    _check_earlier(path, allow_l1c=allow)
                    checked.add(path)
            earlier = "\n".join(str(p) for p in matching)
            for col, row, width, height in space.windows(src.width, src.height, tile):
                if territory is not None:
                    left, bottom, right, top = window_bounds(
                        Window(col, row, width, height), src.transform
                    )
                    footprint = reproject(to_wgs84, box(left, bottom, right, top))
                    if not footprint.intersects(territory):
                        continue
                tiles.append(
                    ScanTile(
                        job=job,
                        scene=str(scene),
                        before_scene=earlier,
                        col_off=col,
                        row_off=row,
                        width=width,
                        height=height,
                    )
                )
    ScanTile.objects.bulk_create(tiles)
    job.tiles_total = len(tiles)
    if not tiles:
        job.status, job.finished_at = ScanStatus.DONE, timezone.now()
    job.save(update_fields=["tiles_total", "status", "finished_at"])
    return job


def _opened(scene: Path, *, earlier: bool = False) -> Any:
    """Open a scene, refusing in words one that is not a readable raster.

    A VRT opens whatever its band files are; each is read at its coarsest (a JPEG 2000
    band decodes its lowest resolution level, a few pixels), so that a file it names and
    that is missing or damaged refuses the scan now, not every tile of it.
    """
    try:
        src = rasterio.open(scene)
    except rasterio.errors.RasterioIOError as exc:
        raise space.SceneError(
            f"{scene.name}: not a readable GeoTIFF ({exc})", "unreadable", earlier=earlier
        ) from None
    if src.driver == "VRT":
        try:
            src.read(out_shape=(src.count, 4, 4), resampling=Resampling.nearest)
        except rasterio.errors.RasterioError as exc:
            src.close()
            raise space.SceneError(
                f"{scene.name}: a band file it names cannot be read ({exc})",
                "unreadable",
                earlier=earlier,
            ) from None
    return src


def _check_earlier(path: Path, *, allow_l1c: bool) -> None:
    """Refuse an earlier date that the history rule could not read (see space._earlier).

    Found only when a tile ran, such a file failed every tile of the scene it is the
    earlier date of, three times each.
    """
    with _opened(path, earlier=True) as src:
        try:
            space.check_scene(src, allow_l1c=allow_l1c)
        except space.SceneError as exc:
            exc.earlier = True
            raise


def _inside(job: ScanJob, candidate: space.Candidate) -> bool:
    """Say whether a candidate lies in Kazakhstan (and the scan's region, if it has one)."""
    try:
        where = default_locator().locate(candidate.lat, candidate.lon)
    except LocationError:
        return False
    if not where.exact:
        return False  # beyond the border, only near enough to be given to a region
    return job.region is None or where.region_code == job.region.code


def run_tile(tile_id: int) -> int:
    """Detect in one tile and put its candidates in the registry; idempotent.

    A tile that fails is counted and retried; after TAZA_SPACE_TILE_ATTEMPTS tries it is
    reported as failed and the scan goes on without it.
    """
    tile = ScanTile.objects.select_related("job__region").get(pk=tile_id)
    if tile.done:
        return 0
    job = tile.job
    if job.started_at is None:
        ScanJob.objects.filter(pk=job.pk, started_at__isnull=True).update(
            started_at=timezone.now(), status=ScanStatus.RUNNING
        )
    try:
        return _detect_and_record(tile, job)
    except Exception as exc:
        _tile_failed(tile, exc)
        raise


def _detect_and_record(tile: ScanTile, job: ScanJob) -> int:
    result = space.scan_window(
        Path(tile.scene),
        tile.col_off,
        tile.row_off,
        tile.width,
        tile.height,
        before=[Path(p) for p in tile.before_scene.splitlines() if p],
        territory=_territory(job),
        exclusion=_exclusion(),
        allow_l1c=job.allow_l1c,
    )
    found = second_stage(Path(tile.scene), result.candidates)
    with transaction.atomic():
        locked = ScanTile.objects.select_for_update().get(pk=tile.pk)
        if locked.done:  # another worker finished it meanwhile
            return 0
        inside = [c for c in found if _inside(job, c)]
        dropped = len(found) - len(inside)
        outcomes = record_satellite_sightings(
            [
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
                for candidate in inside
            ]
        )
        added = outcomes.count("created")
        locked.done, locked.candidates, locked.finished_at = True, added, timezone.now()
        locked.error = ""
        locked.save(update_fields=["done", "candidates", "finished_at", "error"])
        ScanJob.objects.filter(pk=job.pk).update(
            tiles_done=F("tiles_done") + 1,
            candidates=F("candidates") + added,
            dropped=F("dropped") + dropped,
            land_km2=F("land_km2") + result.land_m2 / 1e6,
        )
    _finish_if_done(job.pk)
    return added


def _tile_failed(tile: ScanTile, exc: Exception) -> None:
    """Count a failed try; after the last one, report the tile as failed and go on."""
    logger.warning("scan tile failed", extra={"tile": tile.pk, "error": str(exc)[:500]})
    with transaction.atomic():
        locked = ScanTile.objects.select_for_update().get(pk=tile.pk)
        if locked.done:
            return
        locked.attempts += 1
        locked.error = f"{type(exc).__name__}: {exc}"[:2000]
        given_up = locked.attempts >= settings.TAZA_SPACE_TILE_ATTEMPTS
        locked.done = given_up
        locked.save(update_fields=["attempts", "error", "done"])
        if given_up:
            ScanJob.objects.filter(pk=tile.job_id).update(
                tiles_done=F("tiles_done") + 1, tiles_failed=F("tiles_failed") + 1
            )
    if given_up:
        _finish_if_done(tile.job_id)


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
        candidate.reasons.append(reason("classifier", probability=f"{probability:.2f}"))
        kept.append(candidate)
    return sorted(kept, key=lambda c: -c.score)


def budget_for(land_km2: float, per_100km2: float | None = None) -> int:
    """Return how many candidates a scan of this much land may put in front of people.

    TAZA_SPACE_BUDGET_PER_100KM2 per 100 km² of land inspected, rounded to the nearest
    whole number, with no minimum of one: a scan of 30 km² of land (a cloudy scene, a
    test crop) would otherwise put 3 per 100 km² in front of people, and a scan of 3 km²
    thirty, whatever the rate says. Rounded, the density never exceeds twice the rate.
    """
    budget = settings.TAZA_SPACE_BUDGET_PER_100KM2 if per_100km2 is None else per_100km2
    return math.floor(max(budget, 0.0) * max(land_km2, 0.0) / 100 + 0.5)


def budget_rounded_to_none(job: ScanJob) -> bool:
    """Return whether the configured budget gave this scan's land no candidate to show.

    Said on the scan's page and by scan_scenes, so that a scan that held every candidate
    back because its land was small is not taken for a scan that found nothing.
    """
    return job.held_back > 0 and budget_for(job.land_km2) == 0


def apply_budget(job: ScanJob, *, per_100km2: float | None = None) -> int:
    """Put only the best candidates of a scan in front of people; hold back the rest.

    The budget is `budget_for` the land inspected, and at most TAZA_SPACE_MAX_PER_CELL
    in any H3 cell of about 36 km². Held-back candidates stay in the registry, out of
    the verification queue. A candidate already in the queue before this scan (put there
    by an earlier scan, a larger budget or a person) stays there: a later scan never
    takes work out of an operator's queue; it counts against the budget. Return how
    many were held back.
    """
    allowed = budget_for(job.land_km2, per_100km2)
    candidates = WasteSite.objects.filter(
        state=SiteState.CANDIDATE, source=SiteSource.SATELLITE, sightings__scan=job
    ).distinct()
    earlier = SiteSighting.objects.filter(site=OuterRef("pk")).exclude(scan=job)
    queued = set(
        candidates.filter(held_back=False).filter(Exists(earlier)).values_list("pk", flat=True)
    )
    seen = candidates.order_by("-score", "pk").values_list("pk", "lat", "lon")
    shown: list[int] = []
    held: list[int] = []
    per_cell: dict[str, int] = {}
    ranked = []
    for pk, lat, lon in seen:
        cell = h3.latlng_to_cell(lat, lon, BUDGET_CELL)
        if pk in queued:
            shown.append(pk)
            per_cell[cell] = per_cell.get(cell, 0) + 1
        else:
            ranked.append((pk, cell))
    for pk, cell in ranked:
        if len(shown) < allowed and per_cell.get(cell, 0) < settings.TAZA_SPACE_MAX_PER_CELL:
            shown.append(pk)
            per_cell[cell] = per_cell.get(cell, 0) + 1
        else:
            held.append(pk)
    WasteSite.objects.filter(pk__in=shown).update(held_back=False)
    WasteSite.objects.filter(pk__in=held).update(held_back=True)
    ScanJob.objects.filter(pk=job.pk).update(held_back=len(held), shown=len(shown))
    return len(held)


def _finish_if_done(job_id: int) -> None:
    """Finish a scan whose every tile is done (or given up): apply the budget once."""
    with transaction.atomic():
        finished = (
            ScanJob.objects.filter(pk=job_id, tiles_done__gte=F("tiles_total"))
            .exclude(status=ScanStatus.DONE)
            .update(status=ScanStatus.DONE, finished_at=timezone.now())
        )
    if finished:
        apply_budget(ScanJob.objects.get(pk=job_id))


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
    """Run the unfinished tiles in this process, reporting progress after each.

    A failing tile is tried again up to TAZA_SPACE_TILE_ATTEMPTS times, then reported
    (tiles_failed) while the scan goes on.
    """
    for tile_id in pending(job):
        for _attempt in range(settings.TAZA_SPACE_TILE_ATTEMPTS):
            try:
                run_tile(tile_id)
                break
            except Exception:
                if ScanTile.objects.filter(pk=tile_id, done=True).exists():
                    break
        if progress is not None:
            job.refresh_from_db()
            progress(job)
    job.refresh_from_db()
    return job


def eta_text(job: ScanJob) -> str:
    seconds = job.eta_seconds
    return "—" if seconds is None else time.strftime("%H:%M:%S", time.gmtime(seconds))
