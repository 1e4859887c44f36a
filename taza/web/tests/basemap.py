"""Build a tiny basemap for tests: a PMTiles file of vector tiles, made here, never fetched.

The tiles follow the Protomaps basemap schema that the maps' style draws: an ``earth``
polygon over each tile, a lake (``water``) and a highway (``roads``) near Astana, so a
test can tell the basemap was read, decoded and drawn.
"""

from __future__ import annotations

import math
from pathlib import Path

import mapbox_vector_tile
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

EXTENT = 4096
ASTANA = (71.4491, 51.1694)  # lon, lat
MAX_ZOOM = 6


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _tile(zoom: int) -> bytes:
    whole = f"POLYGON((0 0, {EXTENT} 0, {EXTENT} {EXTENT}, 0 {EXTENT}, 0 0))"
    lake = "POLYGON((1000 1000, 1600 1000, 1600 1500, 1000 1500, 1000 1000))"
    road = f"LINESTRING(0 2048, {EXTENT} 2100)"
    return bytes(
        mapbox_vector_tile.encode(
            [
                {
                    "name": "earth",
                    "features": [{"geometry": whole, "properties": {"kind": "earth"}}],
                },
                {"name": "water", "features": [{"geometry": lake, "properties": {"kind": "lake"}}]},
                {
                    "name": "roads",
                    "features": [
                        {"geometry": road, "properties": {"kind": "highway", "min_zoom": 0}}
                    ],
                },
            ],
            default_options={"extents": EXTENT},
        )
    )


def build_basemap(path: Path) -> Path:
    """Write the tiles around Astana, zoom 0 to MAX_ZOOM, with a 3×3 block at each zoom."""
    tiles = {}
    for zoom in range(MAX_ZOOM + 1):
        data = _tile(zoom)
        cx, cy = tile_of(*ASTANA, zoom)
        for x in range(cx - 1, cx + 2):
            for y in range(cy - 1, cy + 2):
                if 0 <= x < 2**zoom and 0 <= y < 2**zoom:
                    tiles[zxy_to_tileid(zoom, x, y)] = data
    with open(path, "wb") as out:
        writer = Writer(out)  # type: ignore[no-untyped-call]
        for tile_id in sorted(tiles):
            writer.write_tile(tile_id, tiles[tile_id])  # type: ignore[no-untyped-call]
        writer.finalize(  # type: ignore[no-untyped-call]
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.NONE,
                "min_lon_e7": int(46.0 * 1e7),
                "min_lat_e7": int(40.0 * 1e7),
                "max_lon_e7": int(88.0 * 1e7),
                "max_lat_e7": int(56.0 * 1e7),
                "center_zoom": 4,
                "center_lon_e7": int(ASTANA[0] * 1e7),
                "center_lat_e7": int(ASTANA[1] * 1e7),
            },
            {
                "name": "Taza test basemap",
                "attribution": "test data",
                "vector_layers": [
                    {"id": name, "fields": {"kind": "String"}}
                    for name in ("earth", "water", "roads")
                ],
            },
        )
    return path
