"""Benchmark the data bank's imports beside PostgreSQL COPY, and its pages at national size.

Run from the repository root (it makes and drops the database ``taza_bench_databank``):

    .venv/bin/python -m bench.databank --facilities 20000 --pollutants 30

It takes in, through the same services as the import page, in the same run:

* the register of ``--facilities`` facilities spread over the regions (each placed by
  the locator, created and audited one by one, as an import does);
* a national year of releases: every facility × ``--pollutants`` (pollutant, medium)
  pairs, in files of at most 200,000 rows (the import's limit), every cell checked, the
  reports written in bulk with their audit entries; beside it PostgreSQL ``COPY`` of
  the same rows (already parsed: no checks, no audit) into a copy of the table;
* the year's waste cadastre (20 regions × every waste code), beside ``COPY`` too;

then times the region ranking (``/databank/facilities/?pollutant=SOX&year=…``), a
facility page and the carbon cadastre page through Django's test client (p50 / p99 of
30 requests each, after one warm-up).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from collections.abc import Callable
from typing import Any

from bench.public import _recreate_database

BENCH_DB = "taza_bench_databank"
YEAR = 2024
FILE_ROWS = 200_000


def _setup(base_url: str) -> None:
    os.environ["DATABASE_URL"] = f"{base_url.rstrip('/')}/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taza.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def _analyst() -> Any:
    from taza.accounts.models import Role, User
    from taza.accounts.services import assign_role
    from taza.core.actors import SYSTEM

    user = User.objects.create_user("bench-analyst")  # acts through the services only
    assign_role(actor=SYSTEM, user=user, role=Role.ANALYST, body=None)
    return user


def _facilities_csv(count: int, rng: random.Random) -> bytes:
    from taza.demo.reports import point_in
    from taza.geo.lookup import default_locator

    locator = default_locator()
    sectors = ["oil_gas", "metallurgy", "power", "mining", "chemicals", "waste", "other"]
    lines = ["code,bin,name,operator,operator_is_person,category,sector,lat,lon,permit"]
    for n in range(count):
        geom = locator.region_geoms[n % len(locator.region_geoms)]
        lat, lon = point_in(geom, rng)
        lines.append(
            f"B-{n:06d},{rng.randrange(10**11, 10**12)},Facility {n},Operator {n} LLP,no,"
            f"{rng.choice(['I', 'II', 'III'])},{rng.choice(sectors)},{lat:.5f},{lon:.5f},"
        )
    return ("\n".join(lines) + "\n").encode()


def _pairs(count: int) -> list[tuple[str, str]]:
    from taza.databank.pollutants import pollutants

    pairs = [(code, medium) for medium in ("air", "water", "land") for code in pollutants()]
    if count > len(pairs):
        raise SystemExit(f"at most {len(pairs)} (pollutant, medium) pairs")
    return pairs[:count]


def _release_rows(facilities: int, pairs: list[tuple[str, str]]) -> list[str]:
    return [
        f"B-{n:06d},{code},{YEAR},{medium},{1 + (n * 7 + i) % 900}.5,t,C"
        for n in range(facilities)
        for i, (code, medium) in enumerate(pairs)
    ]


def _timed(work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _copy_seconds(table: str, columns: str, lines: list[str]) -> float:
    from django.db import connection

    data = "\n".join(lines) + "\n"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_copy (LIKE {table} INCLUDING ALL)")
        started = time.perf_counter()
        with cursor.copy(f"COPY bench_copy ({columns}) FROM STDIN") as copy:
            copy.write(data)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return elapsed


def _release_copy_lines(pairs: list[tuple[str, str]]) -> list[str]:
    from taza.databank.models import Facility, ImportBatch

    batch = ImportBatch.objects.first()
    if batch is None:
        raise SystemExit("no import batch to point the copied rows at")
    ids = list(Facility.objects.order_by("code").values_list("pk", flat=True))
    return [
        f"{pk}\t{code}\t{YEAR}\t{medium}\t{1 + (n * 7 + i) % 900}.5\tC\t{batch.pk}\tt"
        for n, pk in enumerate(ids)
        for i, (code, medium) in enumerate(pairs)
    ]


def _waste_rows() -> tuple[list[str], list[str]]:
    from taza.databank.wastes import waste_types
    from taza.geo.models import Region

    regions = list(Region.objects.order_by("code").values_list("code", "pk"))
    codes = sorted(waste_types())
    rows, copy_lines = [], []
    for code, pk in regions:
        for waste in codes:
            rows.append(f"{code},{YEAR},{waste},1000,900,200,50,600")
            copy_lines.append(f"{pk}\t{YEAR}\t{waste}\tf\t1000\t900\t200\t50\t600\t1\tt")
    return rows, copy_lines


def _pages(facility_code: str) -> dict[str, tuple[float, float]]:
    from django.test import Client

    client = Client()
    urls = {
        "region ranking (SOx, country)": f"/databank/facilities/?pollutant=SOX&year={YEAR}",
        "region ranking (SOx, Almaty)": (
            f"/databank/facilities/?pollutant=SOX&year={YEAR}&region=KZ75"
        ),
        "facility page": f"/databank/facilities/{facility_code}/",
        "waste balance": f"/databank/waste/?year={YEAR}",
    }
    found = {}
    for name, url in urls.items():
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} did not answer 200")
        times = []
        for _ in range(30):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        found[name] = (times[len(times) // 2], times[int(len(times) * 0.99) - 1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=20_000)
    parser.add_argument("--pollutants", type=int, default=30)
    parser.add_argument("--base-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--pages-only", action="store_true", help="time the pages on the last run's data"
    )
    args = parser.parse_args()
    if args.pages_only:
        _setup(args.base_url)
        _print_pages(args.facilities)
        return
    _recreate_database(args.base_url, BENCH_DB)
    _setup(args.base_url)
    from django.core.management import call_command

    from taza.databank.models import Release
    from taza.databank.services import import_facilities, import_releases, import_waste
    from taza.geo.services import load_territories

    call_command("migrate", verbosity=0)
    load_territories()
    analyst = _analyst()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    rng = random.Random(2026)
    register = _facilities_csv(args.facilities, rng)
    made, seconds = _timed(lambda: import_facilities("f.csv", register, actor=analyst))
    print(f"register: {made.created:,} facilities in {seconds:.1f} s "
          f"({made.created / seconds:,.0f}/s, each placed, created and audited)")  # fmt: skip

    pairs = _pairs(args.pollutants)
    rows = _release_rows(args.facilities, pairs)
    header = "facility,pollutant,year,medium,amount,unit,method\n"
    files = [
        (header + "\n".join(rows[i : i + FILE_ROWS]) + "\n").encode()
        for i in range(0, len(rows), FILE_ROWS)
    ]
    taken = 0.0
    for number, content in enumerate(files):
        started = time.perf_counter()
        import_releases(f"r{number}.csv", content, actor=analyst)
        taken += time.perf_counter() - started
    copied = _copy_seconds(
        "databank_release",
        "facility_id, pollutant, year, medium, tonnes, method, batch_id, current",
        _release_copy_lines(pairs),
    )
    total = Release.objects.count()
    print(f"\nreleases: {total:,} rows in {len(files)} files")
    print(f"  Taza import {taken:>8.1f} s  {total / taken:>10,.0f} rows/s  (checked, audited)")
    print(
        f"  COPY        {copied:>8.1f} s  {total / copied:>10,.0f} rows/s  (x{taken / copied:.1f})"
    )

    waste, waste_copy = _waste_rows()
    content = ("region,year,waste_code,generated,collected,recycled,recovered,disposed\n"
               + "\n".join(waste) + "\n").encode()  # fmt: skip
    _, seconds = _timed(lambda: import_waste("w.csv", content, actor=analyst))
    copy_seconds = _copy_seconds(
        "databank_wasterecord",
        "region_id, year, waste_code, municipal, generated, collected, recycled, recovered, "
        "disposed, batch_id, current",
        waste_copy,
    )
    print(f"\nwaste cadastre: {len(waste):,} rows")
    print(f"  Taza import {seconds * 1000:>8.0f} ms   COPY {copy_seconds * 1000:.0f} ms")

    _print_pages(args.facilities)


def _print_pages(facilities: int) -> None:
    from taza.databank.models import Release

    total = Release.objects.count()
    print(f"\npages at {facilities:,} facilities and {total:,} releases, p50 / p99 ms")
    for name, (p50, p99) in _pages("B-000000").items():
        print(f"  {name:32} {p50:>7.1f} / {p99:>7.1f}")


if __name__ == "__main__":
    main()
