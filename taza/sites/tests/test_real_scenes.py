"""The pipeline on real Sentinel-2 pixels (taza/sites/data, see its README).

The crops are real Level-1C pixels with no dump in them: every candidate found there is
a false one. Dumps implanted into the same backgrounds (taza.sites.implant) measure
recall at their position. The cloudy scene comes with a reference mask of its clouds and
their shadows, which says which false candidates are clouds. The figures pinned here are
in docs/sites.md.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from rasterio.windows import Window
from scipy import ndimage
from shapely.geometry import shape

from taza.sites import realdata, space
from taza.sites.implant import Implant, implant
from taza.sites.scan import budget_for

DATA = Path(__file__).parent.parent / "data"
FARMLAND = DATA / "S2_L1C_farmland.tif"
SHORE = DATA / "S2_L1C_shore.tif"
CLOUDS = DATA / realdata.CLOUDS
CLOUDS_REFERENCE = DATA / realdata.CLOUDS_REFERENCE


def run(path: Path, before: list[Path] | None = None) -> tuple[list[space.Candidate], float]:
    with rasterio.open(path) as src:
        width, height = src.width, src.height
    found: list[space.Candidate] = []
    land = 0.0
    for window in space.windows(width, height, 512):
        result = space.scan_window(path, *window, before=before, allow_l1c=True)
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
    # (0.91 per km² while a lone "wet" pixel beside a roof, an artefact of the 20 m SWIR,
    # masked it with its buffer: that hid real heaps too, see space.WATER_BLOCK.)
    assert len(found) / land_km2 <= 1.25
    assert all({"code": "l1c"} in c.reasons for c in found)
    # A third of these roofs have pixels that touch only at a corner: their outlines are
    # still valid geometries (MultiPolygons there), as PostGIS and GeoJSON readers require.
    outlines = [shape(c.outline) for c in found]
    assert all(outline.is_valid for outline in outlines)
    assert any(outline.geom_type == "MultiPolygon" for outline in outlines)


@pytest.mark.parametrize("background", [FARMLAND, SHORE])
def test_dumps_implanted_into_real_backgrounds_are_found_where_they_are(tmp_path, background):
    target = tmp_path / background.name
    planted = implant(background, target, 20)
    found, _land = run(target)
    assert len(planted) >= 2
    assert found_at(planted, target, found) / len(planted) >= 0.9


def found_at(planted: list[Implant], path: Path, found: list[space.Candidate]) -> int:
    """Count the implanted dumps that a candidate lies on (to within about 30 m)."""
    places = [dump.latlon(path) for dump in planted]
    return sum(
        any(abs(c.lat - lat) < 3e-4 and abs(c.lon - lon) < 4.5e-4 for c in found)
        for lat, lon in places
    )


def test_history_ranks_heaps_that_came_and_stayed_above_roofs_that_were_always_there(tmp_path):
    """Without history, roofs outrank most implants; a heap new between two dates ranks up.

    The earlier dates are the same pixels, without the dumps and then with them: no
    season, haze or misregistration between them, which real dates have.
    """
    now = tmp_path / "S2_L1C_T42UXE_20250715.tif"
    planted = implant(FARMLAND, now, 20)
    earlier = [tmp_path / "S2_L1C_T42UXE_20250415.tif", tmp_path / "S2_L1C_T42UXE_20250601.tif"]
    shutil.copy(FARMLAND, earlier[0])
    shutil.copy(now, earlier[1])

    def in_top(found: list[space.Candidate]) -> int:
        return found_at(planted, now, sorted(found, key=lambda c: -c.score)[: len(planted)])

    alone, _land = run(now)
    with_history, _land = run(now, before=earlier)
    # 5–7 of 20 alone on six draws (roofs are as bright, grey and uneven); 15–16 with
    # history, the roofs having been there on both dates.
    assert in_top(with_history) >= max(12, in_top(alone) + 5)
    verdicts = [r["code"] for c in with_history for r in c.reasons]
    assert verdicts.count("new") >= 12 and verdicts.count("persisting") >= 60


def test_implanted_dumps_are_seen_in_swir_as_the_20_m_sensor_sees_them(tmp_path):
    """B11 and B12 are 20 m bands: an implant is never sharper in them than the crop is."""
    target = tmp_path / FARMLAND.name
    implant(FARMLAND, target, 20)
    with rasterio.open(FARMLAND) as src:
        before = src.read()
    with rasterio.open(target) as src:
        after = src.read()
    assert (after[:4] != before[:4]).any()  # implanted, at 10 m in the 10 m bands
    for band in (4, 5):  # B11, B12: constant over each 2 × 2 block, as in the crop
        changed = after[band] != before[band]
        assert changed.any()
        blocks = after[band].reshape(400, 2, 400, 2)
        assert (blocks == blocks[:, :1, :, :1]).all()


def test_a_scene_without_its_processing_level_or_scl_is_refused(tmp_path):
    bare = tmp_path / "scene.tif"
    shutil.copy(FARMLAND, bare)
    with rasterio.open(bare, "r+") as dst:
        dst.update_tags(PROCESSING_LEVEL="")
    with rasterio.open(bare) as src, pytest.raises(space.SceneError, match="SCL"):
        space.processing_level(src)


def as_level_2a(
    source: Path,
    target: Path,
    *,
    shift: int | np.ndarray = 0,
    scl: np.ndarray | None = None,
    **tags: str,
) -> Path:
    """Copy a crop as a Level-2A scene: counts + shift (never below 1), and an SCL band.

    The SCL band says "bare ground" (5) everywhere unless ``scl`` gives its classes;
    ``shift`` may be one number or one per band (bands × 1 × 1). The pixels stay
    Level-1C's (no L2A crop is shipped); what is tested is how counts are read, which is
    the same for both levels.
    """
    with rasterio.open(source) as src:
        profile, data, descriptions = src.profile, src.read(), src.descriptions
    shifted = np.maximum(data.astype(np.int64) + shift, 1)
    data = np.where(data > 0, shifted, 0).astype(data.dtype)
    classes = np.full(data.shape[1:], 5) if scl is None else scl
    profile.update(count=len(data) + 1)
    with rasterio.open(target, "w", **profile) as dst:
        dst.write(np.concatenate([data, classes[None].astype(data.dtype)]))
        for index, description in enumerate([*descriptions, "SCL"], start=1):
            dst.set_band_description(index, description)
        dst.update_tags(PROCESSING_LEVEL="L2A", **tags)
    return target


def candidates_at(path: Path) -> list[tuple[float, float, float]]:
    return sorted((c.lat, c.lon, c.score) for c in run(path)[0])


def test_counts_from_processing_baseline_4_are_read_less_their_offset(tmp_path):
    """Products since 25 January 2022 add 1,000 to every band; said four ways, it is taken off."""
    plain = candidates_at(as_level_2a(FARMLAND, tmp_path / "plain.tif"))
    assert plain
    said = [
        as_level_2a(FARMLAND, tmp_path / "tag.tif", shift=1000, PROCESSING_BASELINE="05.09"),
        as_level_2a(FARMLAND, tmp_path / "esa.tif", shift=1000, BOA_ADD_OFFSET="-1000"),
        as_level_2a(
            FARMLAND, tmp_path / "S2B_MSIL2A_20240612T062629_N0510_R077_T42UXE.tif", shift=1000
        ),
    ]
    scaled = as_level_2a(FARMLAND, tmp_path / "scaled.tif", shift=1000)
    with rasterio.open(scaled, "r+") as dst:
        dst.scales = (1e-4,) * 6 + (1.0,)
        dst.offsets = (-0.1,) * 6 + (0.0,)
    for path in [*said, scaled]:
        with rasterio.open(path) as src:
            assert space.radiometric_offsets(src) == (1000,) * 6
        assert candidates_at(path) == plain, path.name
    # Unsaid, the same counts read 0.1 brighter and greyer: the rules see other things.
    unsaid = candidates_at(as_level_2a(FARMLAND, tmp_path / "unsaid.tif", shift=1000))
    assert unsaid != plain


def test_an_older_baseline_or_no_word_counts_from_zero(tmp_path):
    for name, tags in [("old.tif", {"PROCESSING_BASELINE": "02.14"}), ("none.tif", {})]:
        with rasterio.open(as_level_2a(FARMLAND, tmp_path / name, **tags)) as src:
            assert space.radiometric_offsets(src) == (0,) * 6


@pytest.mark.parametrize(
    "tags", [{"BOA_ADD_OFFSET": "lots"}, {"BOA_ADD_OFFSET": "1000"}, {"PROCESSING_BASELINE": "x"}]
)
def test_an_offset_it_cannot_read_is_refused_in_words(tmp_path, tags):
    path = as_level_2a(FARMLAND, tmp_path / "odd.tif", **tags)
    with rasterio.open(path) as src, pytest.raises(space.SceneError) as refused:
        space.check_scene(src)
    assert refused.value.code == "scale"


def test_a_band_scale_other_than_reflectance_times_10000_is_refused(tmp_path):
    path = as_level_2a(FARMLAND, tmp_path / "float.tif")
    with rasterio.open(path, "r+") as dst:
        dst.scales = (0.5,) * 7
    with rasterio.open(path) as src, pytest.raises(space.SceneError, match=r"scale 0\.5"):
        space.check_scene(src)


def rewritten(source: Path, target: Path, dtype: str, convert: Any, **profile: Any) -> Path:
    with rasterio.open(source) as src:
        meta, data, descriptions, tags = src.profile, src.read(), src.descriptions, src.tags()
    meta.update(dtype=dtype, **profile)
    with rasterio.open(target, "w", **meta) as dst:
        dst.write(convert(data).astype(dtype))
        for index, description in enumerate(descriptions, start=1):
            dst.set_band_description(index, description)
        dst.update_tags(**tags)
    return target


def test_float_reflectance_and_signed_counts_read_as_the_same_scene(tmp_path):
    """Sentinel Hub's FLOAT32 (reflectance 0–1) and int16 with −9999 for no data."""
    crop = tmp_path / "crop.tif"
    top_rows = np.arange(800)[None, :, None] < 40
    rewritten(FARMLAND, crop, "uint16", lambda d: np.where(top_rows, 0, d))
    expected = candidates_at(crop)
    assert expected
    floats = rewritten(
        crop, tmp_path / "float.tif", "float32", lambda d: np.where(d == 0, np.nan, d / 10000)
    )
    signed = rewritten(
        crop, tmp_path / "int16.tif", "int16", lambda d: np.where(d == 0, -9999, d), nodata=-9999
    )
    for path in (floats, signed):
        assert candidates_at(path) == expected, path.name
        assert run(path)[1] == pytest.approx(run(crop)[1])  # the no-data strip is masked


@pytest.mark.parametrize("crop", [FARMLAND, SHORE, CLOUDS])
def test_a_level_1c_scene_with_the_2022_offset_reads_the_same(tmp_path, crop):
    """The haze offset already holds the 1,000; the cloud test must not count it as light."""
    shifted = rewritten(crop, tmp_path / "shifted.tif", "uint16", lambda d: d)
    with rasterio.open(shifted) as src:
        meta, data = src.profile, src.read()
    with rasterio.open(shifted, "r+") as dst:
        dst.write(np.where(data > 0, data + 1000, 0).astype(meta["dtype"]))
        dst.update_tags(PROCESSING_BASELINE="05.10")
    assert candidates_at(shifted) == candidates_at(crop)
    # The bright beach is no cloud; the clouds and their fringes are the same clouds.
    assert run(shifted)[1] == pytest.approx(run(crop)[1])


def reference() -> np.ndarray:
    with rasterio.open(CLOUDS_REFERENCE) as src:
        classes: np.ndarray = src.read(1)
    return classes


def test_a_real_cloud_field_read_as_level_1c_is_masked_with_its_fringes():
    """Clouds' cores are bright in blue; their thin fringes are masked where they join one."""
    with rasterio.open(CLOUDS) as src:
        _bands, masked = space.read_window(src, Window(0, 0, src.width, src.height))
    classes = reference()
    # Of the reference's cloud pixels the cores alone (blue ≥ 0.3 over 2 ha) masked 73%.
    assert masked[classes == realdata.CLOUD].mean() >= 0.85
    assert masked[classes == realdata.CLEAR].mean() <= 0.03


def test_a_real_cloud_field_read_as_level_1c_still_shows_small_clouds_among_its_best():
    """What Level-1C cannot do: a cloud of less than 2 ha is as bright and grey as a heap.

    Pinned so that a change for better or worse is seen; docs/sites.md says to scan
    Level-2A, or a clear date, where clouds are about.
    """
    found, land_km2 = run(CLOUDS)
    assert 170 < land_km2 < 185  # of 236 km²; the reference's clear land is 165
    classes = realdata.reference_under(found)
    # 238 false candidates, 187 of them on clouds, before the fringes were masked.
    assert len(found) <= 100
    assert classes.count(realdata.CLOUD) <= 70
    best = sorted(zip((c.score for c in found), classes, strict=True), reverse=True)
    shown = best[: budget_for(land_km2)]  # the default budget, 1 per 100 km²
    assert len(shown) == 2
    assert sum(kind == realdata.CLOUD for _score, kind in shown) <= 1  # 2 of 2 before
    # At the issue's ceiling of 0.05 per km², 9: 9 of them clouds before.
    assert sum(kind == realdata.CLOUD for _score, kind in best[:9]) <= 5


def test_dumps_implanted_between_real_clouds_are_found_where_they_are(tmp_path):
    """Those 100 m or more from a cloud or its shadow; nearer, the mask may take them."""
    target = tmp_path / CLOUDS.name
    planted = implant(CLOUDS, target, 20)
    found, _land = run(target)
    far = ndimage.distance_transform_edt(reference() == realdata.CLEAR) >= 10
    clear = [dump for dump in planted if far[dump.row, dump.col]]
    assert len(clear) >= 12
    assert found_at(clear, target, found) / len(clear) >= 0.9


def test_a_good_cloud_mask_with_its_buffer_leaves_no_candidate_at_a_real_clouds_edge(tmp_path):
    """The cloudy scene read as Level-2A, its reference standing in for SCL.

    The counts are Level-1C's less their haze (what the Level-1C path takes off), so this
    is a best case for SCL: Sen2Cor's own mask may not be as good as the reference.
    """
    with rasterio.open(CLOUDS) as src:
        floors = space._floors(src, "L1C", space.radiometric_offsets(src))
    classes = reference()
    target = as_level_2a(
        CLOUDS,
        tmp_path / "S2_L2A_clouds.tif",
        shift=-np.array(floors)[:, None, None],
        scl=np.select([classes == realdata.CLOUD, classes == realdata.SHADOW], [9, 3], 4),
    )
    found, land_km2 = run(target)
    assert 140 < land_km2 < 160  # the reference's clear land (165 km²) less the buffers
    edge = ndimage.distance_transform_edt(classes == realdata.CLEAR) <= space.CLOUD_BUFFER
    with rasterio.open(target) as src:
        to_scene = Transformer.from_crs("EPSG:4326", src.crs, always_xy=True)
        assert not any(edge[src.index(*to_scene.transform(c.lon, c.lat))] for c in found)
    # 19 on 149 km², the same clear fields' few that Level-1C finds (21), none of its clouds.
    assert len(found) / land_km2 <= 0.2
