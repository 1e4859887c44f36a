"""The point-to-territory lookup, on real coordinates."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import shapely

from taza.geo.lookup import (
    InvalidCoordinates,
    Locator,
    OutsideKazakhstan,
    default_locator,
    locate,
)

# The administrative centre of every region: (lat, lon, region, district of the centre).
REGIONAL_CENTRES = {
    "Semey": (50.4111, 80.2275, "KZ10", "KZ101000"),
    "Kokshetau": (53.2836, 69.3965, "KZ11", "KZ111000"),
    "Aktobe": (50.2839, 57.1670, "KZ15", "KZ151000"),
    "Konaev": (43.8689, 77.0631, "KZ19", "KZ191000"),
    "Atyrau": (47.0945, 51.9238, "KZ23", "KZ231000"),
    "Oral": (51.2333, 51.3667, "KZ27", "KZ271000"),
    "Taraz": (42.9000, 71.3667, "KZ31", "KZ311000"),
    "Taldykorgan": (45.0156, 78.3739, "KZ33", "KZ331000"),
    "Karaganda": (49.8047, 73.1094, "KZ35", "KZ351000"),
    "Kostanay": (53.2144, 63.6246, "KZ39", "KZ391000"),
    "Kyzylorda": (44.8488, 65.4823, "KZ43", "KZ431000"),
    "Aktau": (43.6481, 51.1722, "KZ47", "KZ471000"),
    "Pavlodar": (52.2873, 76.9674, "KZ55", "KZ551000"),
    "Petropavl": (54.8753, 69.1628, "KZ59", "KZ591000"),
    "Turkistan": (43.2973, 68.2517, "KZ61", "KZ611000"),
    "Zhezkazgan": (47.7833, 67.7144, "KZ62", "KZ621000"),
    "Oskemen": (49.9483, 82.6275, "KZ63", "KZ631000"),
    "Astana": (51.1694, 71.4491, "KZ71", "KZ711410"),
    "Almaty": (43.2389, 76.8897, "KZ75", "KZ751110"),
    "Shymkent": (42.3417, 69.5901, "KZ79", "KZ791910"),
}


@pytest.mark.parametrize("place", sorted(REGIONAL_CENTRES))
def test_it_finds_the_region_and_district_of_every_regional_centre(place):
    lat, lon, region, district = REGIONAL_CENTRES[place]
    found = locate(lat, lon)
    assert (found.region_code, found.district_code) == (region, district)
    assert found.exact


def test_the_centres_cover_all_twenty_regions():
    assert len({region for _, _, region, _ in REGIONAL_CENTRES.values()}) == 20


def test_a_point_in_a_city_district_is_the_city_not_the_surrounding_region():
    # The Medeu ice rink lies in Almaty city, whose surroundings are Almaty Region.
    found = locate(43.1575, 77.0586)
    assert (found.region_code, found.district_code) == ("KZ75", "KZ751710")
    # Kosshy, a satellite of Astana, belongs to Akmola Region.
    assert locate(51.045, 71.357).region_code in {"KZ11", "KZ71"}


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (0, 0),
        (55.7558, 37.6173),  # Moscow
        (42.8746, 74.5698),  # Bishkek, 20 km from the border
        (41.2995, 69.2401),  # Tashkent
        (44.5, 50.0),  # the Caspian Sea, far from the coast
        (43.83, 87.6),  # Urumqi
        (54.98, 73.37),  # Omsk
    ],
)
def test_a_point_outside_kazakhstan_is_refused_with_a_clear_message(lat, lon):
    with pytest.raises(OutsideKazakhstan, match="outside Kazakhstan"):
        locate(lat, lon)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (91, 70, "Latitude 91 is out of range"),
        (45, 181, "Longitude 181 is out of range"),
        (math.nan, 70, "finite"),
        (45, math.inf, "finite"),
        ("45", 70, "numbers"),
    ],
)
def test_values_that_are_not_coordinates_are_refused(lat, lon, message):
    with pytest.raises(InvalidCoordinates, match=message):
        locate(lat, lon)


def test_a_point_just_off_the_generalised_coast_goes_to_the_nearest_region():
    locator = default_locator()
    aktau = locator.region_geoms[locator.region_codes.index("KZ47")]
    # Step 500 m west, out to sea, from the westernmost vertex of Mangystau's outline.
    x, y = min(
        shapely.get_coordinates(
            aktau.exterior if aktau.geom_type == "Polygon" else aktau.geoms[0].exterior
        ),
        key=lambda c: c[0],
    )
    found = locate(y, x - 0.006)
    assert found.region_code == "KZ47"
    assert not found.exact
    assert 0 < found.distance_m <= locator.tolerance_m


def test_a_point_beyond_the_tolerance_is_outside():
    strict = Locator(tolerance_m=0)
    with pytest.raises(OutsideKazakhstan):
        strict.locate(43.6481, 51.0)  # the sea off Aktau


def test_a_point_on_a_shared_border_gets_the_same_answer_every_time():
    locator = default_locator()
    astana = locator.region_geoms[locator.region_codes.index("KZ71")]
    lon, lat = shapely.get_coordinates(astana.boundary)[0]
    answers = {locator.locate(lat, lon) for _ in range(5)}
    assert len(answers) == 1
    assert next(iter(answers)).region_code in {"KZ71", "KZ11"}


def test_the_district_always_lies_in_the_region_it_returns():
    rng = np.random.default_rng(7)
    locator = default_locator()
    lats, lons = rng.uniform(40.5, 55.5, 3000), rng.uniform(46.5, 87.5, 3000)
    regions, districts = locator.locate_many(lats, lons)
    inside = regions >= 0
    assert inside.sum() > 1000
    assert (districts[inside] >= 0).all()
    assert (locator.district_region[districts[inside]] == regions[inside]).all()


def test_bulk_and_single_lookups_agree():
    rng = np.random.default_rng(11)
    locator = default_locator()
    lats, lons = rng.uniform(40.5, 55.5, 1500), rng.uniform(46.5, 87.5, 1500)
    regions, districts = locator.locate_many(lats, lons)
    for lat, lon, region, district in zip(lats, lons, regions, districts, strict=True):
        try:
            found = locator.locate(float(lat), float(lon))
        except OutsideKazakhstan:
            assert (region, district) == (-1, -1)
            continue
        assert locator.region_codes[region] == found.region_code
        assert locator.district_codes[district] == found.district_code


def test_bulk_lookup_of_no_points_is_empty():
    regions, districts = default_locator().locate_many(np.array([]), np.array([]))
    assert len(regions) == len(districts) == 0


def _run_locate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "taza", "locate", *args], capture_output=True, text=True, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lat", "lon", "region", "name_en"),
    [
        ("51.1694", "71.4491", "KZ71", "Astana"),
        ("50.4111", "80.2275", "KZ10", "Abai Region"),
        ("47.7833", "67.7144", "KZ62", "Ulytau Region"),
    ],
)
def test_the_locate_command_prints_region_and_district_as_json(lat, lon, region, name_en):
    result = _run_locate(lat, lon)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["region"]["code"] == region
    assert answer["region"]["name_en"] == name_en
    assert answer["region"]["name_kk"] and answer["region"]["name_ru"]
    assert answer["district"]["code"].startswith(region)
    assert answer["district"]["name_kk"] and answer["district"]["name_ru"]


@pytest.mark.slow
def test_the_locate_command_fails_clearly_outside_kazakhstan():
    result = _run_locate("0", "0")
    assert result.returncode == 1
    assert "outside Kazakhstan" in json.loads(result.stderr)["error"]
    assert result.stdout == ""


@pytest.mark.slow
@pytest.mark.parametrize("args", [("abc", "71"), ("51",), ()])
def test_the_locate_command_explains_its_usage_on_bad_arguments(args):
    result = _run_locate(*args)
    assert result.returncode == 2
    assert "usage: python -m taza locate LAT LON" in result.stderr
