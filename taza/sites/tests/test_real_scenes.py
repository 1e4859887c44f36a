"""The pipeline on real Sentinel-2 pixels (taza/sites/data, see its README).

The crops are real Level-1C pixels with no dump in them: every candidate found there is
a false one. Dumps implanted into the same backgrounds (taza.sites.implant) measure
recall at their position. The figures pinned here are in docs/sites.md.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rasterio

from taza.sites import space
from taza.sites.implant import implant

DATA = Path(__file__).parent.parent / "data"
FARMLAND = DATA / "S2_L1C_farmland.tif"
SHORE = DATA / "S2_L1C_shore.tif"


def run(path: Path) -> tuple[list[space.Candidate], float]:
    with rasterio.open(path) as src:
        width, height = src.width, src.height
    found: list[space.Candidate] = []
    land = 0.0
    for window in space.windows(width, height, 512):
        result = space.scan_window(path, *window, allow_l1c=True)
        found += result.candidates
        land += result.land_m2
    return found, land / 1e6


def test_a_level_1c_scene_is_refused_unless_asked_for():
    with rasterio.open(FARMLAND) as src:
        assert space.processing_level(src) == "L1C"
        with pytest.raises(space.SceneError, match="Level-1C"):
            space.check_scene(src)
        assert space.check_scene(src, allow_l1c=True) == "L1C"
    with pytest.raises(space.SceneError):
        space.scan_window(FARMLAND, 0, 0, 64, 64)


def test_surf_beach_marsh_and_water_give_no_candidate():
    found, land_km2 = run(SHORE)
    assert found == []
    assert 4 < land_km2 < 8  # of 36 km²: the rest is sea, lagoon and wet shore, masked


def test_farmland_and_small_towns_give_about_one_false_candidate_per_km2():
    found, land_km2 = run(FARMLAND)
    assert 55 < land_km2 < 64
    # Roofs of houses and farms that pass every rule; the budget keeps them from people.
    assert len(found) / land_km2 <= 1.1
    assert all({"code": "l1c"} in c.reasons for c in found)


@pytest.mark.parametrize("background", [FARMLAND, SHORE])
def test_dumps_implanted_into_real_backgrounds_are_found_where_they_are(tmp_path, background):
    target = tmp_path / background.name
    planted = implant(background, target, 20)
    found, _land = run(target)
    hits = 0
    for dump in planted:
        lat, lon = dump.latlon(target)
        hits += any(abs(c.lat - lat) < 3e-4 and abs(c.lon - lon) < 4.5e-4 for c in found)
    assert len(planted) >= 2
    assert hits / len(planted) >= 0.9


def test_a_scene_without_its_processing_level_or_scl_is_refused(tmp_path):
    bare = tmp_path / "scene.tif"
    shutil.copy(FARMLAND, bare)
    with rasterio.open(bare, "r+") as dst:
        dst.update_tags(PROCESSING_LEVEL="")
    with rasterio.open(bare) as src, pytest.raises(space.SceneError, match="SCL"):
        space.processing_level(src)
