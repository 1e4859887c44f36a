"""Every band edge of the AQI and of Kazakhstan's grades, as docs/air.md states them."""

import pytest

from taza.air import indices
from taza.air.choices import AqiBand, PollutionGrade
from taza.air.parameters import PARAMETERS, to_ppb, to_ug


@pytest.mark.parametrize(
    ("table", "concentration", "expected"),
    [
        ("pm25", 0.0, 0),
        ("pm25", 9.0, 50),
        ("pm25", 9.09, 50),  # truncated to 9.0, not rounded to 9.1
        ("pm25", 9.1, 51),
        ("pm25", 35.4, 100),
        ("pm25", 35.5, 101),
        ("pm25", 55.4, 150),
        ("pm25", 55.5, 151),
        ("pm25", 125.4, 200),
        ("pm25", 125.5, 201),
        ("pm25", 225.4, 300),
        ("pm25", 225.5, 301),
        ("pm25", 325.4, 500),
        ("pm25", 900.0, 500),
        ("pm10", 54, 50),
        ("pm10", 55, 51),
        ("pm10", 154, 100),
        ("pm10", 155, 101),
        ("pm10", 254, 150),
        ("pm10", 255, 151),
        ("pm10", 354, 200),
        ("pm10", 355, 201),
        ("pm10", 424, 300),
        ("pm10", 425, 301),
        ("pm10", 604, 500),
        ("o3_8h", 0.054, 50),
        ("o3_8h", 0.055, 51),
        ("o3_8h", 0.070, 100),
        ("o3_8h", 0.071, 101),
        ("o3_8h", 0.085, 150),
        ("o3_8h", 0.086, 151),
        ("o3_8h", 0.105, 200),
        ("o3_8h", 0.106, 201),
        ("o3_8h", 0.200, 300),
        ("o3_1h", 0.124, None),
        ("o3_1h", 0.125, 101),
        ("o3_1h", 0.164, 150),
        ("o3_1h", 0.165, 151),
        ("o3_1h", 0.204, 200),
        ("o3_1h", 0.205, 201),
        ("o3_1h", 0.404, 300),
        ("o3_1h", 0.405, 301),
        ("o3_1h", 0.604, 500),
        ("co", 4.4, 50),
        ("co", 4.5, 51),
        ("co", 9.4, 100),
        ("co", 9.5, 101),
        ("co", 12.4, 150),
        ("co", 12.5, 151),
        ("co", 15.4, 200),
        ("co", 15.5, 201),
        ("co", 30.4, 300),
        ("co", 30.5, 301),
        ("co", 50.4, 500),
        ("so2", 35, 50),
        ("so2", 36, 51),
        ("so2", 75, 100),
        ("so2", 76, 101),
        ("so2", 185, 150),
        ("so2", 186, 151),
        ("so2", 304, 200),
        ("so2", 305, 201),
        ("so2", 604, 300),
        ("so2", 605, 301),
        ("so2", 1004, 500),
        ("no2", 53, 50),
        ("no2", 54, 51),
        ("no2", 100, 100),
        ("no2", 101, 101),
        ("no2", 360, 150),
        ("no2", 361, 151),
        ("no2", 649, 200),
        ("no2", 650, 201),
        ("no2", 1249, 300),
        ("no2", 1250, 301),
        ("no2", 2049, 500),
        ("pm25", -1.0, None),
    ],
)
def test_sub_index_at_every_band_edge(table, concentration, expected):
    assert indices.sub_index(table, concentration) == expected


def test_sub_index_interpolates_and_rounds_half_up():
    # 22.25 truncates to 22.2: (100-51)/(35.4-9.1)*(22.2-9.1)+51 = 75.41 -> 75
    assert indices.sub_index("pm25", 22.25) == 75
    # 12.0: 49/26.3*2.9+51 = 56.40 -> 56; 12.3: 49/26.3*3.2+51 = 56.96 -> 57
    assert indices.sub_index("pm25", 12.0) == 56
    assert indices.sub_index("pm25", 12.3) == 57


@pytest.mark.parametrize(
    ("aqi", "band"),
    [
        (0, AqiBand.GOOD),
        (50, AqiBand.GOOD),
        (51, AqiBand.MODERATE),
        (100, AqiBand.MODERATE),
        (101, AqiBand.SENSITIVE),
        (150, AqiBand.SENSITIVE),
        (151, AqiBand.UNHEALTHY),
        (200, AqiBand.UNHEALTHY),
        (201, AqiBand.VERY_UNHEALTHY),
        (300, AqiBand.VERY_UNHEALTHY),
        (301, AqiBand.HAZARDOUS),
        (500, AqiBand.HAZARDOUS),
    ],
)
def test_band_edges(aqi, band):
    assert indices.band(aqi) == band


def test_nowcast_by_hand():
    hours = [13.2, 16.1, 14.9, 18.6, 27.2, 27.2, 25.0, 11.0, 13.5, 18.7, 19.2, 21.0]
    # w = 11.0/27.2 = 0.40 -> 0.5; sum(c_i 0.5^i) / sum(0.5^i) = 30.44 / 2.00 = 15.22,
    # truncated to 0.1
    assert indices.nowcast(hours, "pm25") == 15.2
    # w = 20/30: (20 + 30 w + 25 w^2) / (1 + w + w^2) = 51.11 / 2.111 = 24.21
    assert indices.nowcast([20.0, 30.0, 25.0], "pm25") == 24.2
    assert indices.nowcast([20.0, 20.0, 20.0], "pm25") == 20.0


def test_nowcast_needs_two_of_the_three_latest_hours():
    assert indices.nowcast([None, None, 10.0, 10.0], "pm25") is None
    assert indices.nowcast([10.0, None, 10.0], "pm25") == 10.0
    assert indices.nowcast([0.0, 0.0, 0.0], "pm25") == 0.0


def test_nowcast_weights_recent_hours_more_when_air_changes():
    rising = indices.nowcast([100.0, 50.0, 20.0, 10.0], "pm25")
    assert rising is not None and rising > (100 + 50 + 20 + 10) / 4


def test_aqi_is_the_highest_sub_index_with_its_pollutant():
    found = indices.aqi({"pm25": 120, "no2": 40, "o3": None})
    assert found == indices.Aqi(120, "pm25")
    assert found.band == AqiBand.SENSITIVE
    assert indices.aqi({"pm25": None}) is None


def test_current_sub_indices_use_the_right_averaging():
    pm = [40.0] * 12
    no2_ppb_100 = to_ug("no2", 100, "ppb")
    co_ug = to_ug("co", 9.5, "ppm")
    found = indices.current_sub_indices({"pm25": list(pm), "no2": [no2_ppb_100], "co": [co_ug] * 8})
    assert found["pm25"] == indices.sub_index("pm25", 40.0)
    assert found["no2"] == 100
    assert found["co"] == 101
    # CO needs six of the eight hours
    assert indices.current_sub_indices({"co": [co_ug] * 5 + [None] * 3})["co"] is None


def test_unit_conversion_at_25_degrees():
    assert to_ug("pm25", 0.035, "mg/m3") == pytest.approx(35)
    # 1 ppb of NO2 = 46.0055 / 24.45 µg/m³
    assert to_ug("no2", 1, "ppb") == pytest.approx(1.8816, rel=1e-4)
    assert to_ug("co", 1, "ppm") == pytest.approx(1145.6, rel=1e-3)
    assert to_ppb("so2", to_ug("so2", 75, "ppb")) == pytest.approx(75)
    with pytest.raises(ValueError):
        to_ug("pm10", 5, "ppb")


def test_mpcs_have_their_legal_source():
    for parameter in PARAMETERS.values():
        assert parameter.source == "dsm70"
    assert PARAMETERS["pm25"].mpc_once_ug == pytest.approx(160)
    assert PARAMETERS["pm25"].mpc_daily_ug == pytest.approx(35)


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        (0, PollutionGrade.LOW),
        (1.0, PollutionGrade.LOW),
        (1.49, PollutionGrade.LOW),
        (1.5, PollutionGrade.ELEVATED),
        (4.0, PollutionGrade.ELEVATED),
        (4.5, PollutionGrade.HIGH),
        (10.0, PollutionGrade.HIGH),
        (10.5, PollutionGrade.VERY_HIGH),
    ],
)
def test_si_grades(value, grade):
    assert indices.si_grade(value) == grade


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        (0, PollutionGrade.LOW),
        (0.49, PollutionGrade.LOW),
        (0.5, PollutionGrade.ELEVATED),
        (19.0, PollutionGrade.ELEVATED),
        (19.5, PollutionGrade.HIGH),
        (49.0, PollutionGrade.HIGH),
        (49.5, PollutionGrade.VERY_HIGH),
        (100, PollutionGrade.VERY_HIGH),
    ],
)
def test_np_grades(value, grade):
    assert indices.np_grade(value) == grade


def test_the_worse_grade_wins():
    assert indices.worse(PollutionGrade.LOW, PollutionGrade.HIGH) == PollutionGrade.HIGH
    assert indices.worse(None, PollutionGrade.ELEVATED) == PollutionGrade.ELEVATED
    assert indices.worse() is None


def test_si_and_np_from_readings():
    mpc = PARAMETERS["pm25"].mpc_once_ug
    assert mpc is not None
    assert indices.si(2 * mpc, "pm25") == pytest.approx(2)
    assert indices.np_percent([mpc, mpc + 1, 1, 1], "pm25") == pytest.approx(25)  # above, not at
    assert indices.np_percent([], "pm25") is None


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        (4.0, PollutionGrade.LOW),
        (4.5, PollutionGrade.ELEVATED),
        (6.0, PollutionGrade.ELEVATED),
        (6.5, PollutionGrade.HIGH),
        (13.0, PollutionGrade.HIGH),
        (13.5, PollutionGrade.VERY_HIGH),
    ],
)
def test_iza_grades(value, grade):
    assert indices.iza_grade(value) == grade


def test_iza_sums_the_five_largest_terms_with_hazard_exponents():
    means = {code: p.mpc_daily_ug for code, p in PARAMETERS.items() if p.mpc_daily_ug}
    # every pollutant at its daily MPC: each term is 1, five of them count
    assert indices.iza(means) == pytest.approx(5)
    # ozone (class 1) at twice its MPC: 2^1.7
    ozone = PARAMETERS["o3"].mpc_daily_ug
    assert ozone is not None
    assert indices.iza({"o3": 2 * ozone}) == pytest.approx(2**1.7)
    assert indices.iza({"h2s": 50}) is None  # no daily MPC


def test_high_and_extreme_pollution_cases():
    mpc = PARAMETERS["h2s"].mpc_once_ug
    assert mpc is not None
    cases = indices.pollution_cases([9.99 * mpc, 10 * mpc, 49.9 * mpc, 50 * mpc, 80 * mpc], "h2s")
    assert cases == (2, 2)
