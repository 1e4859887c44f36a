"""Benchmark point-to-territory lookups: Taza's in-memory STRtree beside PostGIS.

Run from the repository root:  .venv/bin/python -m bench.locate [--points 1000000] [--postgres URL]

Random points are drawn uniformly over Kazakhstan's bounding box (about half fall
outside the country, which exercises the refusal path too). The same points are
then located by PostGIS ST_Contains over the same 224 district polygons, when the
database has (or can create) the postgis extension.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import time

import numpy as np

from taza.geo.lookup import ADM2_FILE, LocationError, Locator

BBOX = (40.5, 55.5, 46.5, 87.5)  # lat min, lat max, lon min, lon max


def _points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(BBOX[0], BBOX[1], n), rng.uniform(BBOX[2], BBOX[3], n)


def bench_taza(n: int, seed: int) -> dict[str, float]:
    started = time.perf_counter()
    locator = Locator()
    load_s = time.perf_counter() - started
    lats, lons = _points(n, seed)
    started = time.perf_counter()
    regions, districts = locator.locate_many(lats, lons)
    batch_s = time.perf_counter() - started
    singles = min(n, 20_000)
    started = time.perf_counter()
    for lat, lon in zip(lats[:singles], lons[:singles], strict=True):
        try:  # noqa: SIM105 (contextlib.suppress would add to what is measured)
            locator.locate(float(lat), float(lon))
        except LocationError:
            pass
    single_s = time.perf_counter() - started
    return {
        "load_s": load_s,
        "batch_points_per_s": n / batch_s,
        "single_us": single_s / singles * 1e6,
        "inside_share": float((regions >= 0).mean()),
        "located": int((districts >= 0).sum()),
    }


def bench_postgis(url: str, n: int, seed: int) -> dict[str, float] | str:
    import psycopg

    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        return f"not run: cannot connect ({exc.__class__.__name__})"
    with conn, conn.cursor() as cur:
        try:
            cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except psycopg.Error as exc:
            return f"not run: no postgis extension ({str(exc).strip()[:80]})"
        cur.execute("DROP TABLE IF EXISTS bench_district, bench_point")
        cur.execute("CREATE TABLE bench_district (code text, geom geometry(MultiPolygon, 4326))")
        for feature in json.loads(ADM2_FILE.read_text(encoding="utf-8"))["features"]:
            cur.execute(
                "INSERT INTO bench_district VALUES "
                "(%s, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326)))",
                (feature["properties"]["ADM2_PCODE"], json.dumps(feature["geometry"])),
            )
        cur.execute("CREATE INDEX ON bench_district USING gist (geom)")
        cur.execute("CREATE TABLE bench_point (id int, lat float8, lon float8)")
        lats, lons = _points(n, seed)
        buffer = io.StringIO()
        for i, (lat, lon) in enumerate(zip(lats, lons, strict=True)):
            buffer.write(f"{i}\t{lat}\t{lon}\n")
        with cur.copy("COPY bench_point FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cur.execute("ANALYZE bench_district; ANALYZE bench_point")
        started = time.perf_counter()
        cur.execute(
            "SELECT count(*) FROM bench_point p JOIN bench_district d "
            "ON ST_Contains(d.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))"
        )
        row = cur.fetchone()
        join_s = time.perf_counter() - started
        cur.execute("DROP TABLE bench_district, bench_point")
    return {"join_points_per_s": n / join_s, "located": int(row[0]) if row else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"python {platform.python_version()}; points: {args.points:,}"
    )
    taza = bench_taza(args.points, args.seed)
    postgis = bench_postgis(args.postgres, args.points, args.seed)
    print(f"{'engine':<34}{'points/s':>14}{'located':>12}")
    print(f"{'taza STRtree, batch':<34}{taza['batch_points_per_s']:>14,.0f}{taza['located']:>12,}")
    print(
        f"{'taza STRtree, one at a time':<34}{1e6 / taza['single_us']:>14,.0f}"
        f"{'':>12}  ({taza['single_us']:.1f} µs per point)"
    )
    if isinstance(postgis, str):
        print(f"{'PostGIS ST_Contains join':<34}  {postgis}")
    else:
        print(
            f"{'PostGIS ST_Contains join':<34}{postgis['join_points_per_s']:>14,.0f}"
            f"{postgis['located']:>12,}"
        )
    print(
        f"locator start-up: {taza['load_s'] * 1000:.0f} ms; "
        f"share of points inside Kazakhstan: {taza['inside_share']:.1%}"
    )


if __name__ == "__main__":
    main()
