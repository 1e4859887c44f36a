"""Run the pipeline on synthetic scenes: it finds dumps, masks clouds, ranks confusers out.

It is also exact about coordinates.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from shapely.geometry import shape

from taza.sites import space
from taza.sites.synthetic import Patch, make_scene, pixel_latlon

DUMPS = (Patch("dump", 100, 100, 6), Patch("dump", 300, 50, 10))
CONFUSERS = (
    Patch("bare_soil", 200, 200, 30),
    Patch("quarry", 50, 300, 40),
    Patch("building", 400, 400, 12),
)
CLOUD = (Patch("cloud", 380, 120, 40), Patch("dump", 390, 130, 6))  # a dump under a cloud


@pytest.fixture
def scene(tmp_path: Any) -> tuple[Path, tuple[float, float]]:
    path = tmp_path / "S2_T42UXE_20250715.tif"
    origin = make_scene(path, patches=DUMPS + CONFUSERS + CLOUD)
    return path, origin


def codes(candidate: space.Candidate) -> set[str]:
    return {r["code"] for r in candidate.reasons}


def centre_of(origin: Any, patch: Patch) -> tuple[float, float]:
    middle = patch.size / 2
    return pixel_latlon(origin, patch.row + middle, patch.col + middle)


def test_the_dumps_are_found_exactly_where_they_are(scene):
    path, origin = scene
    found = space.detect_window(path, 0, 0, 512, 512)
    assert len(found) == 2
    for patch in DUMPS:
        lat, lon = centre_of(origin, patch)
        nearest = min(found, key=lambda c: (c.lat - lat) ** 2 + (c.lon - lon) ** 2)
        # Within a metre or so: the centre of the patch, in latitude and longitude.
        assert abs(nearest.lat - lat) < 2e-5 and abs(nearest.lon - lon) < 3e-5
        # Every pixel test is required: a pixel of the heap dark enough to fail one drops out.
        assert patch.size**2 * 0.95 <= nearest.pixels <= patch.size**2
        assert nearest.area_m2 == pytest.approx(nearest.pixels * 100)
        assert nearest.score >= space.THRESHOLD
        assert {"unvegetated", "grey", "uneven", "uneven_inside"} <= codes(nearest)
        assert nearest.outline["type"] == "Polygon"


def test_clouds_are_masked_and_confusers_score_low(scene):
    path, origin = scene
    import rasterio
    from rasterio.windows import Window

    with rasterio.open(path) as src:
        bands, masked = space.read_window(src, Window(0, 0, 512, 512))
    scores = space.score(space.indices(bands))
    cloud = CLOUD[0]
    assert masked[cloud.row : cloud.row + cloud.size, cloud.col : cloud.col + cloud.size].all()
    hidden = CLOUD[1]
    hidden_lat, _lon = centre_of(origin, hidden)
    found = space.detect_window(path, 0, 0, 512, 512)
    assert all(abs(c.lat - hidden_lat) > 1e-3 for c in found)
    dump_score = float(np.median(scores[100:106, 100:106]))
    for patch in CONFUSERS:
        inner = scores[
            patch.row + 3 : patch.row + patch.size - 3, patch.col + 3 : patch.col + patch.size - 3
        ]
        assert float(np.median(inner)) < dump_score - 0.5, patch.kind


def test_tiles_give_the_same_candidates_as_the_whole_scene(scene):
    path, _origin = scene
    whole = space.detect_window(path, 0, 0, 512, 512)
    tiled = [
        c for window in space.windows(512, 512, 256) for c in space.detect_window(path, *window)
    ]
    assert sorted((c.lat, c.lon) for c in tiled) == sorted((c.lat, c.lon) for c in whole)


def test_a_window_that_scl_says_is_clouded_over_is_not_read_further(tmp_path):
    """Its land is nil, and the clear window beside it still gives its dump."""
    path = tmp_path / "S2_T42UXE_20250715.tif"
    dump = Patch("dump", 100, 300, 8)
    make_scene(path, width=512, height=256, patches=(Patch("cloud", 0, 0, 256), dump))
    clouded = space.scan_window(path, 0, 0, 256, 256)
    assert clouded.candidates == [] and clouded.land_m2 == 0
    assert clouded.masked_m2 == 256 * 256 * 100
    clear = space.scan_window(path, 256, 0, 256, 256)
    assert len(clear.candidates) == 1 and clear.land_m2 > 0.9 * 256 * 256 * 100
    # A sliver of land inside the window (the cloud stops a pixel short): read as usual.
    make_scene(path, width=512, height=256, patches=(Patch("cloud", 0, 0, 255), dump))
    edge = space.scan_window(path, 0, 0, 256, 256)
    assert edge.land_m2 == 0 and edge.masked_m2 == 256 * 256 * 100  # within the buffer


def _everything(excluded: np.ndarray, inner: Any) -> list[tuple[slice, slice]]:
    return [(slice(0, excluded.shape[0]), slice(0, excluded.shape[1]))]


@pytest.mark.parametrize("interleave", ["band", "pixel"])
def test_a_margin_scl_says_is_all_cloud_is_not_read_and_nothing_changes(
    tmp_path, monkeypatch, interleave
):
    """Beside a clouded-over window its bands go unread; the candidates are those of a full read.

    Dumps hug the cloud's edge on both sides (under it, in the buffer, just clear of it),
    and the clouds cover whole windows, a corner, and a ragged stretch of another edge.
    """
    path = tmp_path / "S2_T42UXE_20250715.tif"
    edge_dumps = tuple(
        Patch("dump", row, col, size)
        for row, col, size in [
            (253, 300, 6), (258, 330, 4), (262, 360, 8), (300, 254, 5), (330, 259, 6),
            (266, 266, 7), (120, 258, 6), (400, 120, 8), (258, 420, 6), (500, 380, 9),
        ]
    )  # fmt: skip
    clouds = (
        Patch("cloud", 0, 0, 256),  # a window clouded over
        Patch("cloud", 0, 256, 240),  # most of the next: its side is all cloud, not its corner
        Patch("cloud", 512, 0, 256),  # below, a window clouded over and beyond the scene's edge
    )
    make_scene(path, width=768, height=768, patches=edge_dumps + clouds, interleave=interleave)

    def scan() -> list[Any]:
        space.close_scenes()
        return [space.scan_window(path, *w) for w in space.windows(768, 768, 256)]

    reads: list[tuple[int, int, int, int]] = []
    read_padded = space._read_padded

    def counted(src: Any, bands: list[int], window: Any) -> np.ndarray:
        if len(bands) > 1:
            reads.append((window.col_off, window.row_off, window.width, window.height))
        return read_padded(src, bands, window)

    monkeypatch.setattr(space, "_read_padded", counted)
    skipping = scan()
    read_while_skipping = list(reads)
    monkeypatch.setattr(space, "_boxes_to_read", _everything)
    full = scan()

    def seen(results: list[Any]) -> list[Any]:
        return [
            (
                r.land_m2,
                r.masked_m2,
                r.dropped_patches,
                [(c.lat, c.lon, c.score, c.pixels, c.outline, c.reasons) for c in r.candidates],
            )
            for r in results
        ]

    assert seen(skipping) == seen(full)
    assert sum(len(r.candidates) for r in full) >= 6
    margin = space.MARGIN
    # Right of the clouded-over window: neither its left margin (cloud) nor its top one
    # (beyond the scene's edge, no data) is read; its right and bottom ones are.
    assert (256, 0, 256 + margin, 256 + margin) in read_while_skipping
    # Its bottom-left corner is clear ground below the cloud: read on its own.
    assert (256 - margin, 256, margin, margin) in read_while_skipping
    # Below the clouded-over window and above another: only the inner part and the right.
    assert (0, 256, 256 + margin, 256) in read_while_skipping
    # Read whole, the same window takes every margin, the scene's edge included.
    assert (-margin, 256 - margin, 256 + 2 * margin, 256 + 2 * margin) in reads


@pytest.mark.parametrize(
    ("excluded_rows", "excluded_cols", "expected"),
    [
        # nothing excluded: the whole window in one box
        ([], [], [((0, 12), (0, 12))]),
        # the top side and both top corners: read from the inner part down
        ([0, 1], [], [((2, 12), (0, 12))]),
        # the top side but not its corners: the corners on their own
        ([0, 1], "inner", [((2, 12), (0, 12)), ((0, 2), (0, 2)), ((0, 2), (10, 12))]),
    ],
)
def test_the_boxes_read_leave_out_only_what_scl_excludes(excluded_rows, excluded_cols, expected):
    excluded = np.zeros((12, 12), dtype=bool)
    for row in excluded_rows:
        if excluded_cols == "inner":
            excluded[row, 2:10] = True
        else:
            excluded[row, :] = True
    inner = (slice(2, 10), slice(2, 10))
    boxes = space._boxes_to_read(excluded, inner)
    assert [((r.start, r.stop), (c.start, c.stop)) for r, c in boxes] == expected
    # Never a pixel left unread that SCL does not exclude.
    read = np.zeros_like(excluded)
    for rows, cols in boxes:
        read[rows, cols] = True
    assert (read | excluded).all()


def test_every_margin_excluded_leaves_the_inner_part_alone():
    excluded = np.ones((12, 12), dtype=bool)
    excluded[5, 5] = False
    inner = (slice(2, 10), slice(2, 10))
    assert space._boxes_to_read(excluded, inner) == [inner]


@pytest.mark.parametrize(
    ("scl", "kept"), [(4, True), (5, True), (7, False), (8, False), (3, False)]
)
def test_what_scl_calls_a_cloud_fringe_or_shadow_is_not_inspected(tmp_path, scl, kept):
    """Mask a heap-like patch that SCL calls unclassified, cloud or shadow; find it as ground.

    Sen2Cor's "unclassified" is mostly cloud of low probability: the hazy fringe its cloud
    classes leave out.
    """
    import rasterio

    path = tmp_path / "S2_T42UXE_20250715.tif"
    make_scene(path, patches=(Patch("dump", 200, 200, 10),))
    with rasterio.open(path, "r+") as dst:
        classes = dst.read(7)
        classes[196:214, 196:214] = scl  # the heap and a fringe around it
        dst.write(classes, 7)
    found = space.detect_window(path, 0, 0, 512, 512)
    assert len(found) == int(kept)


def test_scl_classes_are_told_apart_as_a_lookup_over_every_value_would():
    every = np.arange(65536, dtype=np.uint16)
    table = np.isin(every, list(space.EXCLUDED_SCL))
    assert (space._scl_excluded(every) == table).all()
    for value in (0, 2, 4, 5, 7, 11, 12, 255, 65535):
        one = np.full((3, 3), value, dtype=np.uint16)
        assert space._scl_excluded(one).all() == bool(table[value])
    mixed = np.full((3, 3), 9, dtype=np.uint16)
    mixed[1, 2] = 4  # one pixel of vegetation: the window is read
    assert not space._scl_excluded(mixed).all()


def test_a_patch_new_on_one_date_only_is_not_called_new(tmp_path):
    """One pair of dates cannot tell a dump from a harvest: the patch loses half its score."""
    before = tmp_path / "before" / "S2_T42UXE_20250615.tif"
    after = tmp_path / "after" / "S2_T42UXE_20250715.tif"
    before.parent.mkdir()
    after.parent.mkdir()
    make_scene(before, patches=(), seed=2, day=date(2025, 6, 15))
    make_scene(after, patches=DUMPS, seed=3)
    alone = space.detect_window(after, 0, 0, 512, 512)
    found = space.detect_window(after, 0, 0, 512, 512, before=before)
    assert len(found) == 2
    assert all("only_now" in codes(c) for c in found)
    assert sorted(c.score for c in found) == pytest.approx(
        sorted(round(c.score * 0.5, 3) for c in alone), abs=0.002
    )


def test_a_patch_that_appeared_and_persists_over_several_dates_is_new(tmp_path):
    earlier = tmp_path / "before"
    earlier.mkdir()
    after = tmp_path / "S2_T42UXE_20250815.tif"
    make_scene(earlier / "S2_T42UXE_20250515.tif", patches=(), seed=2, day=date(2025, 5, 15))
    make_scene(earlier / "S2_T42UXE_20250715.tif", patches=DUMPS, seed=4)
    make_scene(after, patches=DUMPS, seed=3, day=date(2025, 8, 15))
    history = sorted(earlier.iterdir())
    found = space.detect_window(after, 0, 0, 512, 512, before=history)
    assert len(found) == 2
    assert all({"code": "new", "date": "2025-05-15"} in c.reasons for c in found)
    # Already there on every earlier date: an old dump, said so, not "new".
    again = space.detect_window(after, 0, 0, 512, 512, before=history[1:])
    assert all("persisting" in codes(c) for c in again)


def test_the_territory_limits_the_search(scene):
    from shapely.geometry import box

    path, origin = scene
    lat, lon = centre_of(origin, DUMPS[0])
    around_first = box(lon - 0.002, lat - 0.002, lon + 0.002, lat + 0.002)
    found = space.detect_window(path, 0, 0, 512, 512, territory=around_first)
    assert len(found) == 1 and abs(found[0].lat - lat) < 2e-5


def test_season_and_band_order_are_read_from_the_file(tmp_path):
    winter = tmp_path / "S2_T42UXE_20250115.tif"
    make_scene(winter, day=date(2025, 1, 15), describe_bands=False)
    import rasterio

    with rasterio.open(winter) as src:
        assert not space.in_season(space.scene_date(winter, src.tags()))
        assert space.band_indexes(src)["SCL"] == 7
    assert space.in_season(date(2025, 3, 1)) and not space.in_season(date(2025, 10, 1))


@pytest.mark.parametrize(
    ("name", "tags", "expected"),
    [
        ("S2_T42UXE_20250715.tif", {}, date(2025, 7, 15)),
        ("stack.tif", {"DATE": "2025-07-15"}, date(2025, 7, 15)),
        # A GeoTIFF made from a SAFE with gdal_translate keeps the driver's metadata.
        (
            "stack.tif",
            {"DATATAKE_1_DATATAKE_SENSING_START": "2024-06-12T06:26:29.024Z"},
            date(2024, 6, 12),
        ),
        ("stack.tif", {"PRODUCT_START_TIME": "2024-06-12T06:26:29.024Z"}, date(2024, 6, 12)),
        ("stack.tif", {"datetime": "2023-08-01T06:20:00Z"}, date(2023, 8, 1)),
        # The file's write time is not when the scene was taken.
        ("stack.tif", {"TIFFTAG_DATETIME": "2026-12-07 10:00:00"}, None),
        # A tag that is no date gives way to the next, then to the name.
        ("S2_20250301.tif", {"DATE": "2025-02-30", "PRODUCT_START_TIME": "soon"}, date(2025, 3, 1)),
        ("stack.tif", {"DATE": "unknown"}, None),
    ],
)
def test_the_day_a_scene_was_taken_is_read_from_tags_or_name(name, tags, expected):
    assert space.scene_date(Path(name), tags) == expected


def test_a_chip_is_drawn_for_verification(scene):
    path, origin = scene
    lat, lon = centre_of(origin, DUMPS[0])
    png = space.chip_png(path, lat, lon)
    assert png.startswith(b"\x89PNG")


def test_a_chip_of_a_scene_damaged_or_without_coordinates_is_refused_in_words(scene, tmp_path):
    import rasterio

    path, origin = scene
    lat, lon = centre_of(origin, DUMPS[0])
    with rasterio.open(path) as src:
        profile, data, names = src.profile, src.read(), src.descriptions
    profile.update(crs=None)
    bare = tmp_path / "S2_L2A_no_crs.tif"
    with rasterio.open(bare, "w", **profile) as dst:
        dst.write(data)
        dst.descriptions = names
    truncated = tmp_path / "S2_L2A_truncated.tif"
    truncated.write_bytes(path.read_bytes()[:4096])
    for damaged in (bare, truncated):
        with pytest.raises(space.SceneError):
            space.chip_png(damaged, lat, lon)


def test_an_exclusion_layer_as_polygons_or_a_raster_removes_its_areas(scene, tmp_path):
    import json

    import rasterio
    from shapely.geometry import box, mapping

    path, origin = scene
    first, second = (centre_of(origin, patch) for patch in DUMPS)
    quarry = box(first[1] - 0.001, first[0] - 0.001, first[1] + 0.001, first[0] + 0.001)
    layer = tmp_path / "exclude.geojson"
    layer.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"kind": "quarry"},
                        "geometry": mapping(quarry),
                    }
                ],
            }
        )
    )
    found = space.detect_window(path, 0, 0, 512, 512, exclusion=space.Exclusion.load(layer))
    assert len(found) == 1 and abs(found[0].lat - second[0]) < 2e-5
    # A raster in the scene's grid marking built-up land where the second dump is.
    with rasterio.open(path) as src:
        profile = {**src.profile, "count": 1, "dtype": "uint8", "nodata": None}
    built = np.zeros((512, 512), dtype=np.uint8)
    patch = DUMPS[1]
    built[
        patch.row - 5 : patch.row + patch.size + 5, patch.col - 5 : patch.col + patch.size + 5
    ] = 1
    raster = tmp_path / "built-up.tif"
    with rasterio.open(raster, "w", **profile) as dst:
        dst.write(built, 1)
    found = space.detect_window(path, 0, 0, 512, 512, exclusion=space.Exclusion.load(raster))
    assert len(found) == 1 and abs(found[0].lat - first[0]) < 2e-5


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("layer.geojson", "{not json"),
        ("layer.geojson", ""),
        ("layer.geojson", "[1, 2, 3]"),  # JSON, not GeoJSON: it once loaded as no area
        ("layer.geojson", '{"type": "Polygon", "coordinates": [[["a", "b"]]]}'),
        ("layer.geojson", '{"type": "Hexagon", "coordinates": []}'),
        ("layer.geojson", '{"type": "FeatureCollection", "features": 7}'),
        ("layer.tif", "not a raster"),
        ("missing.geojson", None),
    ],
)
def test_an_exclusion_layer_that_cannot_be_read_is_refused_in_words(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(space.SceneError, match=re.escape(name)) as refused:
        space.Exclusion.load(path)
    assert refused.value.code == "exclusion"


def test_an_exclusion_layer_of_features_without_area_excludes_nothing(scene, tmp_path):
    import json

    path, _origin = scene
    layer = tmp_path / "layer.geojson"
    empty: dict[str, object] = {"type": "Feature", "geometry": None, "properties": {}}
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": [empty]}))
    found = space.detect_window(path, 0, 0, 512, 512, exclusion=space.Exclusion.load(layer))
    assert len(found) == len(space.detect_window(path, 0, 0, 512, 512)) == 2


def test_a_file_that_is_not_a_scene_is_refused_in_words(tmp_path):
    import rasterio

    path = tmp_path / "S2_L2A_T42UXE_20250715.tif"
    make_scene(path)
    with rasterio.open(path, "r+") as dst:
        dst.update_tags(PROCESSING_LEVEL="L2A")
    few = tmp_path / "three-bands.tif"
    with rasterio.open(path) as src:
        profile = {**src.profile, "count": 3}
        data = src.read([1, 2, 3])
    with rasterio.open(few, "w", **profile) as dst:
        dst.write(data)
    with rasterio.open(few) as src, pytest.raises(space.SceneError, match="3 bands"):
        space.band_indexes(src)


@pytest.mark.parametrize(
    ("crs", "grid", "said"),
    [
        # reprojected to degrees
        ("EPSG:4326", (0.0001, 0, 71.3, 0, -0.0001, 51.2), "not a projected system in metres"),
        ("EPSG:32642", (20, 0, 71.3, 0, -20, 51.2), "pixels of 20 × 20 m"),  # the 20 m grid
        (None, (10, 0, 71.3, 0, -10, 51.2), "not a projected system"),
        ("EPSG:32642", (10, 1, 5e5, 1, -10, 57e5), "rotated or sheared"),
    ],
)
def test_a_scene_off_the_10_m_metric_grid_is_refused_in_words(tmp_path, crs, grid, said):
    """The pixel and patch rules count pixels and measure metres on a north-up grid."""
    import rasterio
    from rasterio.transform import Affine

    path = tmp_path / "S2_T42UXE_20250715.tif"
    make_scene(path, width=64, height=64)
    with rasterio.open(path) as src:
        profile, data, descriptions = src.profile, src.read(), src.descriptions
    profile.update(crs=crs, transform=Affine(*grid))
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        for index, description in enumerate(descriptions, start=1):
            dst.set_band_description(index, description)
    with rasterio.open(path) as src, pytest.raises(space.SceneError, match=said) as refused:
        space.check_scene(src)
    assert refused.value.code == "grid"
    with pytest.raises(space.SceneError):
        space.scan_window(path, 0, 0, 64, 64)


def test_bands_are_found_by_the_names_other_tools_give_them(tmp_path):
    """GDAL's Sentinel-2 driver says "B4, central wavelength…", STAC assets say "red"."""
    import rasterio

    path = tmp_path / "S2_T42UXE_20250715.tif"
    make_scene(path, width=64, height=64, patches=(Patch("dump", 20, 20, 8),))
    expected = [(c.lat, c.lon, c.score) for c in space.detect_window(path, 0, 0, 64, 64)]
    assert expected
    with rasterio.open(path) as src:
        profile, data = src.profile, src.read()
    # The same bands, shuffled, under other names.
    order = [6, 3, 0, 5, 2, 1, 4]  # SCL, B08, B02, B12, B04, B03, B11
    for names in (
        ["scl", "nir", "blue", "swir22", "red", "green", "swir16"],
        ["SCL", "B8, central wavelength 842 nm", "B2", "B12", "B4", "B3", "B11"],
    ):
        other = tmp_path / f"S2_T42UXE_20250715_{names[1][:3]}.tif"
        with rasterio.open(other, "w", **profile) as dst:
            dst.write(data[order])
            for index, name in enumerate(names, start=1):
                dst.set_band_description(index, name)
        found = [(c.lat, c.lon, c.score) for c in space.detect_window(other, 0, 0, 64, 64)]
        assert found == expected, names
    # Named, but without B08 (STAC's "nir08" is B8A): refused, never guessed by position.
    with rasterio.open(other, "r+") as dst:
        dst.set_band_description(2, "nir08")
    with rasterio.open(other) as src, pytest.raises(space.SceneError, match="B08 not among"):
        space.band_indexes(src)


def test_earlier_scenes_with_esa_names_and_another_extent_are_the_same_ground(tmp_path):
    """Names differ in more than the date; an earlier delivery may be cut differently."""
    import rasterio
    from rasterio.windows import Window
    from rasterio.windows import transform as window_transform

    from taza.sites.scan import _matching

    whole, earlier = tmp_path / "whole", tmp_path / "before"
    whole.mkdir()
    earlier.mkdir()
    name = "S2B_MSIL2A_20250515T062629_N0511_R077_T42UXE_20250515T091823.tif"
    make_scene(whole / name, width=600, height=600, patches=DUMPS, seed=2, day=date(2025, 5, 15))
    # The same delivery with 40 pixels cut off the top and 30 off the left.
    with rasterio.open(whole / name) as src:
        cut = Window(30, 40, 570, 560)
        profile = {**src.profile, "width": 570, "height": 560}
        profile["transform"] = window_transform(cut, src.transform)
        data, descriptions, tags = src.read(window=cut), src.descriptions, src.tags()
    with rasterio.open(earlier / name, "w", **profile) as dst:
        dst.write(data)
        for index, description in enumerate(descriptions, start=1):
            dst.set_band_description(index, description)
        dst.update_tags(**tags)
    second = "S2A_MSIL2A_20250715T061641_N0511_R034_T42UXE_20250715T101517.tif"
    for folder in (whole, earlier):
        make_scene(folder / second, patches=DUMPS, seed=4)
    make_scene(earlier / "S2A_MSIL2A_20250716T061641_N0511_R034_T43UXE_X.tif", patches=DUMPS)
    after = tmp_path / "S2A_MSIL2A_20250815T061641_N0511_R034_T42UXE_20250815T093012.tif"
    make_scene(after, patches=DUMPS, seed=3, day=date(2025, 8, 15))
    history = _matching(after, earlier)
    assert [p.name[11:19] for p in history] == ["20250515", "20250715"]  # not the other tile

    def judged(before: list[Path]) -> list[tuple[Any, ...]]:
        found = space.detect_window(after, 0, 0, 512, 512, before=before)
        return sorted((c.lat, c.lon, c.score, str(c.reasons)) for c in found)

    # The cut delivery is read over the same ground as the whole one: the same verdicts.
    # (Read pixel for pixel without aligning it, it shows grass where the heaps are.)
    assert judged(history) == judged(_matching(after, whole))
    assert any("persisting" in reasons for *_rest, reasons in judged(history))


def test_a_forked_worker_opens_its_own_handle_on_a_scene(scene):
    """An inherited handle shares its read position with the parent process."""
    import os
    import signal
    import time

    path, _origin = scene
    kept = space.open_scene(path)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the worker: says what it got, and leaves whatever happens
        try:
            os.close(reading)
            fresh = space.open_scene(path)
            os.write(writing, b"own" if fresh is not kept else b"inherited")
        finally:
            os._exit(0)
    os.close(writing)
    for _wait in range(300):  # never hang the suite on a stuck child
        if os.waitpid(child, os.WNOHANG)[0]:
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    said = os.read(reading, 16)
    os.close(reading)
    assert said == b"own"
    assert space.open_scene(path) is kept  # the parent keeps its own


def test_a_full_stack_of_unnamed_bands_is_refused_rather_than_guessed(tmp_path):
    """Thirteen bands, B01 first: read by position, blue would be the coastal band."""
    import rasterio

    path = tmp_path / "S2_T42UXE_20250715.tif"
    make_scene(path, width=64, height=64, describe_bands=False)
    with rasterio.open(path) as src:
        profile, data = src.profile, src.read()
    profile.update(count=13)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.concatenate([data, data[:6]]))
    with rasterio.open(path) as src, pytest.raises(space.SceneError, match="13 unnamed bands"):
        space.band_indexes(src)


def test_a_patch_too_small_to_have_a_shape_gets_no_credit_for_one(tmp_path):
    """Under 3 × 3 pixels, spread and fill are the patch's edges: roofs scored high on them."""
    path = tmp_path / "S2_T42UXE_20250715.tif"
    make_scene(path, patches=(Patch("dump", 100, 100, 2), Patch("dump", 300, 300, 8)), seed=5)
    found = sorted(space.detect_window(path, 0, 0, 512, 512), key=lambda c: c.pixels)
    assert [c.pixels < space.SHAPE_PIXELS for c in found] == [True, False]
    small, large = found
    assert {"code": "small", "pixels": small.pixels} in small.reasons
    assert "irregular" not in codes(small) and "small" not in codes(large)
    assert small.score <= 0.7  # the pixels' own evidence only (70% of the score at most)


def test_a_scene_with_more_earlier_dates_than_handles_kept_is_still_read(tmp_path):
    """More earlier dates than a worker keeps open: each is opened in turn, none lost."""
    earlier = tmp_path / "before"
    earlier.mkdir()
    days = [date(2025, 3, 10) + (date(2025, 3, 20) - date(2025, 3, 10)) * k for k in range(12)]
    for day in days:
        make_scene(earlier / f"S2_T42UXE_{day:%Y%m%d}.tif", patches=DUMPS, seed=day.day, day=day)
    after = tmp_path / "S2_T42UXE_20250815.tif"
    make_scene(after, patches=DUMPS, seed=3, day=date(2025, 8, 15))
    history = sorted(earlier.iterdir())
    assert len(history) > space.KEPT_OPEN
    found = space.detect_window(after, 0, 0, 512, 512, before=history)
    assert len(found) == 2
    # Opened again afterwards: the same scene, still readable.
    assert space.detect_window(after, 0, 0, 512, 512) != []


def test_patches_are_numbered_as_labelling_the_whole_window_numbers_them():
    """The squeezed window keeps every neighbour and separation: same patches, same numbers."""
    from scipy import ndimage

    rng = np.random.default_rng(3)
    for _trial in range(200):
        height, width = (int(n) for n in rng.integers(1, 90, 2))
        density = float(rng.choice([0.0, 0.002, 0.02, 0.1, 0.5, 0.95]))
        image = rng.random((height, width)) < density
        flat = np.flatnonzero(image)
        labels, count = ndimage.label(image, structure=np.ones((3, 3), dtype=bool))
        numbers, found = space._patches(flat, (height, width))
        assert found == count
        assert (numbers == labels.ravel()[flat] - 1).all()


@pytest.mark.parametrize("mndwi", [0.0, 0.1, -0.05])
def test_the_window_tests_take_the_floors_off_and_keep_every_pixel_the_exact_tests_keep(
    monkeypatch, mndwi
):
    """Water and the cheap pixel test on counts with floors equal them on counts less them.

    Each threshold is read when the tests run (the compiled kernel is passed them), and
    counts up to the largest a band stores do not overflow.
    """
    monkeypatch.setattr(space, "MNDWI_WATER", mndwi)
    rng = np.random.default_rng(4)
    for floors in [(0, 0, 0, 0, 0), (1000,) * 5, (1210, 1030, 880, 420, 150), (0, 300, 0, 0, 900)]:
        for highest in (4000, 65536):
            # Around the floors, where max(count − floor, 0) bends, and far above them.
            raw = rng.integers(0, highest, (5, 64, 64)).astype(np.uint16)
            raw[:, :8] = np.asarray(floors, dtype=np.uint16)[:, None, None]
            raw[:, 8:16] = np.clip(
                raw[:, 8:16] % 40 + np.asarray(floors)[:, None, None] - 20, 0, None
            )
            counts = space._Counts(raw, floors)
            plain = space._Counts(space._corrected(raw, floors), (0,) * 5)
            wet, maybe = space._window_tests(counts)
            assert (wet == space._window_tests(plain)[0]).all()
            assert (maybe == space._window_tests(plain)[1]).all()
            # Water as MNDWI and NIR say it, in reflectance.
            green, nir, swir = (plain.raw[band].astype(np.float64) for band in (1, 3, 4))
            # (Where green and SWIR are both 0 the index is undefined: not water.)
            mndwi_of = np.full(green.shape, -np.inf)
            np.divide(green - swir, green + swir, out=mndwi_of, where=green + swir > 0)
            expected = (mndwi_of > mndwi) & (nir / 10000 < space.WATER_NIR)
            assert (wet == expected).all()
            # And the cheap test keeps every pixel the exact tests keep (a superset).
            _values, scores = space._score_pixels(counts, np.arange(64 * 64))
            exact = (scores >= space.THRESHOLD).reshape(64, 64)
            assert not (exact & ~maybe).any()
            assert maybe.sum() < 64 * 64  # and is a test: it drops some


def test_outlines_are_written_as_shapely_maps_them():
    from shapely.geometry import MultiPolygon, Polygon, box, mapping

    polygons = np.asarray(
        [
            Polygon([(71.1, 51.2), (71.3, 51.2), (71.3, 51.4), (71.1, 51.2)]),
            MultiPolygon([box(0, 0, 1, 1), box(1, 1, 2, 2)]),
            Polygon(
                [(0.1 + 0.2, 0.0), (3.0, 0.0), (3.0, 3.0), (0.0, 3.0)],
                [[(1, 1), (2, 1), (2, 2), (1, 1)]],
            ),
        ],
        dtype=object,
    )
    assert space._geojson(polygons) == [mapping(polygon) for polygon in polygons]
    assert space._geojson(polygons[1:2]) == [mapping(polygons[1])]  # MultiPolygons alone
    assert space._geojson(polygons[:0]) == []


def _one_patch(pixels: list[tuple[int, int]], size: int = 8) -> Any:
    rows, cols = np.asarray(pixels).T
    mask = np.zeros((size, size), dtype=bool)
    mask[rows + 1, cols + 1] = True
    flat = np.flatnonzero(mask)
    return space._Pixels(flat, *space._patches(flat, mask.shape), mask.shape), mask


@pytest.mark.parametrize(
    "pixels",
    [
        # Two squares that touch at a corner: GDAL draws one ring touching itself there.
        [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)],
        # Four squares around an empty one, each touching the next at a corner: GDAL
        # draws a hole that splits the inside.
        [
            *[(0, 2), (0, 3), (1, 2), (1, 3), (2, 0), (2, 1), (3, 0), (3, 1)],
            *[(2, 4), (2, 5), (3, 4), (3, 5), (4, 2), (4, 3), (5, 2), (5, 3)],
        ],
    ],
)
def test_a_patch_joined_at_a_corner_gets_a_valid_outline_of_the_same_area(pixels):
    """Outline a patch GDAL would draw invalid as the MultiPolygon make_valid makes of it."""
    import shapely
    from affine import Affine
    from rasterio.features import shapes

    found, mask = _one_patch(pixels)
    assert found.count == 1  # one patch (8-connected), number 0
    affine = Affine(10, 0, 500_000, 0, -10, 5_600_000)
    drawn, holes = space._outlines(found, np.asarray([0]), affine)
    outline = drawn[0]
    assert shapely.is_valid(outline) and outline.geom_type == "MultiPolygon"
    # What GDAL draws 8-connected, and what mending it gives: the same shape.
    (gdal, _value), *_rest = shapes(
        mask.astype(np.uint8), mask=mask, connectivity=8, transform=affine
    )
    assert not shapely.is_valid(shape(gdal))
    assert outline.equals(shapely.make_valid(shape(gdal)))
    assert outline.area == len(pixels) * 100
    assert outline.centroid.equals_exact(shape(gdal).centroid, 1e-6)
    # What the ring test fills: all that GDAL's exterior ring encloses.
    assert (len(pixels) + holes[0]) * 100 == shapely.Polygon(shape(gdal).exterior).area


def test_a_patch_filled_in_is_what_gdals_exterior_ring_encloses():
    """Fill random 8-connected patches as their outline's exterior ring does, holes and all."""
    import shapely
    from affine import Affine
    from rasterio.features import shapes

    rng = np.random.default_rng(7)
    checked = 0
    for _trial in range(100):
        mask = np.pad(rng.random((10, 10)) < 0.45, 1)
        flat = np.flatnonzero(mask)
        found = space._Pixels(flat, *space._patches(flat, mask.shape), mask.shape)
        numbers = np.arange(found.count)
        drawn, holes = space._outlines(found, numbers, Affine.identity())
        assert shapely.is_valid(drawn).all()
        labels = np.full(mask.shape, -1)
        labels.flat[flat] = found.patch
        for number in numbers:
            alone = labels == number
            (gdal, _value), *_rest = shapes(alone.astype(np.uint8), mask=alone, connectivity=8)
            filled = alone.sum() + holes[number]
            assert filled == shapely.Polygon(shape(gdal).exterior).area
            assert drawn[number].area == alone.sum()
            checked += 1
    assert checked > 400


@pytest.mark.parametrize(
    ("wet", "found"),
    [
        ([], 1),
        ([(103, 103), (104, 104)], 1),  # joined, but less than one 20 m SWIR pixel
        ([(102, 102), (102, 103), (103, 102)], 1),
        ([(102, 102), (102, 103), (102, 104), (102, 105)], 1),  # a line, 10 m wide
        ([(103, 103), (103, 104), (104, 103), (104, 104)], 0),  # a 20 m pixel of water
    ],
)
def test_a_few_wet_pixels_in_a_heap_are_not_water_but_a_pond_is(tmp_path, wet, found):
    """MNDWI's SWIR is measured at 20 m: under one of its pixels it resolves nothing.

    At a bright heap's pixel beside darker ones, the 20 m SWIR reads lower than the
    10 m green and the pixel reads as wet; grown by the water buffer, a few such pixels
    once masked a small heap whole. A 2 × 2 block of them is water: the heap is masked.
    """
    import rasterio

    path = tmp_path / "S2_L2A_T42UXE_20250715.tif"
    make_scene(path, patches=(Patch("dump", 100, 100, 8),))
    with rasterio.open(path, "r+") as scene:
        green, nir, swir = scene.read(2), scene.read(4), scene.read(5)
        for row, col in wet:
            green[row, col], nir[row, col], swir[row, col] = 2000, 2000, 900
        scene.write(green, 2)
        scene.write(nir, 4)
        scene.write(swir, 5)
    assert len(space.detect_window(path, 0, 0, 512, 512)) == found


def test_level_1c_masks_a_clouds_faint_fringe_only_where_it_joins_a_bright_core():
    """Hysteresis: faint is cloud beside a core of 2 ha or more; faint alone is ground."""
    data = np.full((6, 120, 120), 800, dtype=np.uint16)  # ground: blue 0.08
    blue = data[0]
    blue[10:40, 10:40] = 2500  # a fringe (blue 0.25) …
    blue[15:35, 15:35] = 4000  # … round a core of 400 px (blue 0.4)
    blue[60:90, 10:40] = 2500  # as faint, joined to no core: a bright field
    blue[60:90, 70:100] = 2500  # a fringe round a core of 100 px: too small to be sure
    blue[70:80, 80:90] = 4000
    cloudy, nodata = space._cloudy_and_nodata(data, "L1C", (0,) * 6)
    assert not nodata.any()
    assert cloudy[10:40, 10:40].all()
    assert cloudy.sum() == 30 * 30
    shifted = np.where(data > 0, data + 1000, 0).astype(np.uint16)  # baseline 04.00 on
    assert (space._cloudy_and_nodata(shifted, "L1C", (1000,) * 6)[0] == cloudy).all()
