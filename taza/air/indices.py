"""Compute air-quality indices exactly as their owners define them; docs/air.md states each rule.

Pure functions of concentrations, no database: the US EPA AQI (breakpoints in force
since May 2024) with NowCast for particles, and Kazakhstan's own figures: СИ, НП and
their grades, ИЗА for a year, and the cases of high (ВЗ) and extremely high (ЭВЗ)
pollution. Concentrations come in µg/m³ (Taza's unit); gases are converted to the
ppb or ppm that the AQI tables use at 25 °C (``parameters.to_ppb``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from taza.air.choices import AqiBand, PollutionGrade
from taza.air.parameters import PARAMETERS, to_ppb

# (concentration low, concentration high, index low, index high), from 40 CFR Part 58,
# Appendix G, Table 2, as amended on 6 March 2024 (in force 6 May 2024).
Band = tuple[Decimal, Decimal, int, int]


def _bands(*rows: tuple[str, str, int, int]) -> tuple[Band, ...]:
    return tuple((Decimal(lo), Decimal(hi), ilo, ihi) for lo, hi, ilo, ihi in rows)


BREAKPOINTS: dict[str, tuple[Band, ...]] = {
    # PM2.5, 24-hour mean, µg/m³, truncated to 0.1
    "pm25": _bands(
        ("0.0", "9.0", 0, 50),
        ("9.1", "35.4", 51, 100),
        ("35.5", "55.4", 101, 150),
        ("55.5", "125.4", 151, 200),
        ("125.5", "225.4", 201, 300),
        ("225.5", "325.4", 301, 500),
    ),
    # PM10, 24-hour mean, µg/m³, truncated to an integer
    "pm10": _bands(
        ("0", "54", 0, 50),
        ("55", "154", 51, 100),
        ("155", "254", 101, 150),
        ("255", "354", 151, 200),
        ("355", "424", 201, 300),
        ("425", "604", 301, 500),
    ),
    # O3, 8-hour mean, ppm, truncated to 0.001 (not defined above 0.200)
    "o3_8h": _bands(
        ("0.000", "0.054", 0, 50),
        ("0.055", "0.070", 51, 100),
        ("0.071", "0.085", 101, 150),
        ("0.086", "0.105", 151, 200),
        ("0.106", "0.200", 201, 300),
    ),
    # O3, 1-hour mean, ppm, truncated to 0.001 (defined from an index of 101)
    "o3_1h": _bands(
        ("0.125", "0.164", 101, 150),
        ("0.165", "0.204", 151, 200),
        ("0.205", "0.404", 201, 300),
        ("0.405", "0.604", 301, 500),
    ),
    # CO, 8-hour mean, ppm, truncated to 0.1
    "co": _bands(
        ("0.0", "4.4", 0, 50),
        ("4.5", "9.4", 51, 100),
        ("9.5", "12.4", 101, 150),
        ("12.5", "15.4", 151, 200),
        ("15.5", "30.4", 201, 300),
        ("30.5", "50.4", 301, 500),
    ),
    # SO2, 1-hour mean, ppb, truncated to an integer; from 305 ppb the 24-hour mean
    "so2": _bands(
        ("0", "35", 0, 50),
        ("36", "75", 51, 100),
        ("76", "185", 101, 150),
        ("186", "304", 151, 200),
        ("305", "604", 201, 300),
        ("605", "1004", 301, 500),
    ),
    # NO2, 1-hour mean, ppb, truncated to an integer
    "no2": _bands(
        ("0", "53", 0, 50),
        ("54", "100", 51, 100),
        ("101", "360", 101, 150),
        ("361", "649", 151, 200),
        ("650", "1249", 201, 300),
        ("1250", "2049", 301, 500),
    ),
}

# How each table's concentration is truncated before the look-up.
TRUNCATION = {
    "pm25": Decimal("0.1"),
    "pm10": Decimal("1"),
    "o3_8h": Decimal("0.001"),
    "o3_1h": Decimal("0.001"),
    "co": Decimal("0.1"),
    "so2": Decimal("1"),
    "no2": Decimal("1"),
}

# The table each parameter's current sub-index uses, and the unit it wants.
AQI_UNITS = {"pm25": "ug", "pm10": "ug", "o3": "ppm", "co": "ppm", "so2": "ppb", "no2": "ppb"}

TOP = 500


def truncate(table: str, concentration: float) -> Decimal:
    """Cut a concentration to the table's precision, as the EPA says: truncate, not round."""
    return Decimal(repr(float(concentration))).quantize(TRUNCATION[table], rounding=ROUND_DOWN)


def sub_index(table: str, concentration: float) -> int | None:
    """Return the AQI sub-index of a concentration in the table's unit and averaging time.

    None when the table does not cover it (negative, or an O3 1-hour value under 0.125 ppm,
    which only the 8-hour table grades). Above the top breakpoint the index is 500: the
    EPA calls that "beyond the AQI".
    """
    if concentration < 0:
        return None
    c = truncate(table, concentration)
    bands = BREAKPOINTS[table]
    if c > bands[-1][1]:
        return TOP
    for lo, hi, ilo, ihi in bands:
        if lo <= c <= hi:
            value = Decimal(ihi - ilo) / (hi - lo) * (c - lo) + ilo
            return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return None


def band(aqi: int) -> AqiBand:
    """Name the AQI category of an index value."""
    for top, name in (
        (50, AqiBand.GOOD),
        (100, AqiBand.MODERATE),
        (150, AqiBand.SENSITIVE),
        (200, AqiBand.UNHEALTHY),
        (300, AqiBand.VERY_UNHEALTHY),
    ):
        if aqi <= top:
            return name
    return AqiBand.HAZARDOUS


def nowcast(hourly: Sequence[float | None], table: str) -> float | None:
    """Return the NowCast of the last 12 hourly means, the most recent first.

    The EPA's rule for particles: at least two of the three most recent hours present;
    weight factor w = min/max of the hours present, at least 0.5; the mean of the hours
    present weighted by w^(hours ago). Missing hours are left out of both sums.
    """
    hours = list(hourly[:12])
    if sum(1 for c in hours[:3] if c is not None) < 2:
        return None
    present = [c for c in hours if c is not None]
    top, low = max(present), min(present)
    if top <= 0:
        return 0.0
    weight = max(low / top, 0.5)
    num = sum(weight**i * c for i, c in enumerate(hours) if c is not None)
    den = sum(weight**i for i, c in enumerate(hours) if c is not None)
    return float(truncate(table, num / den))


@dataclass(frozen=True)
class Aqi:
    value: int
    pollutant: str  # the parameter code whose sub-index is highest

    @property
    def band(self) -> AqiBand:
        return band(self.value)


def aqi(sub_indices: Mapping[str, int | None]) -> Aqi | None:
    """Return the AQI: the highest sub-index, with the pollutant responsible; None if none."""
    known = [(value, code) for code, value in sub_indices.items() if value is not None]
    if not known:
        return None
    value, code = max(known, key=lambda pair: (pair[0], pair[1]))
    return Aqi(value, code)


def current_sub_indices(hourly: Mapping[str, Sequence[float | None]]) -> dict[str, int | None]:
    """Return each pollutant's current sub-index from its hourly means (µg/m³, newest first).

    As AirNow reports the current AQI: NowCast for PM2.5 and PM10; the 8-hour mean for
    O3 and CO (six of eight hours present), and the 1-hour O3 where it grades higher;
    the last hour for NO2 and SO2 (SO2 from 305 ppb: the 24-hour mean, 18 of 24 hours).
    """
    result: dict[str, int | None] = {}
    for code, hours in hourly.items():
        if code not in AQI_UNITS or not hours:
            continue
        if code in ("pm25", "pm10"):
            value = nowcast(hours, code)
            result[code] = sub_index(code, value) if value is not None else None
        elif code in ("o3", "co"):
            result[code] = _eight_hour(code, hours)
        elif hours[0] is not None:
            ppb = to_ppb(code, hours[0])
            index = sub_index(code, ppb)
            if code == "so2" and ppb >= 305:
                day = [h for h in hours[:24] if h is not None]
                index = (
                    sub_index(code, to_ppb(code, sum(day) / len(day))) if len(day) >= 18 else None
                )
            result[code] = index
    return result


def _eight_hour(code: str, hours: Sequence[float | None]) -> int | None:
    eight = [h for h in hours[:8] if h is not None]
    index = None
    if len(eight) >= 6:
        mean_ppm = to_ppb(code, sum(eight) / len(eight)) / 1000
        index = sub_index("o3_8h" if code == "o3" else "co", mean_ppm)
    if code == "o3" and hours[0] is not None:
        one_hour = sub_index("o3_1h", to_ppb(code, hours[0]) / 1000)
        if one_hour is not None and (index is None or one_hour > index):
            index = one_hour
    return index


# Kazakhstan's figures, as Kazhydromet's bulletins give them (RD 52.04.667-2005, п. 5).
# Each grade's range is written in whole numbers; a figure is rounded half up to a whole
# number before it is graded.
SI_GRADES = ((1, PollutionGrade.LOW), (4, PollutionGrade.ELEVATED), (10, PollutionGrade.HIGH))
NP_GRADES = ((0, PollutionGrade.LOW), (19, PollutionGrade.ELEVATED), (49, PollutionGrade.HIGH))
IZA_GRADES = ((4, PollutionGrade.LOW), (6, PollutionGrade.ELEVATED), (13, PollutionGrade.HIGH))
# Exponents of ИЗА by hazard class (RD 52.04.186-89).
IZA_EXPONENT = {1: 1.7, 2: 1.3, 3: 1.0, 4: 0.9}
# A one-time concentration this many times the one-time MPC or more is a case of high
# pollution (ВЗ); this many or more, extremely high (ЭВЗ).
HIGH_CASE_RATIO = 10
EXTREME_CASE_RATIO = 50

ORDER = [PollutionGrade.LOW, PollutionGrade.ELEVATED, PollutionGrade.HIGH, PollutionGrade.VERY_HIGH]


def whole(value: float) -> int:
    """Round half up to a whole number, as the grades' tables are written."""
    return int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _graded(value: float, grades: tuple[tuple[int, PollutionGrade], ...]) -> PollutionGrade:
    rounded = whole(value)
    for top, grade in grades:
        if rounded <= top:
            return grade
    return PollutionGrade.VERY_HIGH


def si(highest_once_ug: float, parameter: str) -> float | None:
    """Return СИ: the highest one-time concentration over the one-time MPC (ПДК м.р.)."""
    mpc = PARAMETERS[parameter].mpc_once_ug
    return highest_once_ug / mpc if mpc else None


def np_percent(once_ug: Iterable[float], parameter: str) -> float | None:
    """Return НП: the share of one-time readings above the one-time MPC, in per cent."""
    mpc = PARAMETERS[parameter].mpc_once_ug
    values = list(once_ug)
    if not mpc or not values:
        return None
    return 100 * sum(1 for v in values if v > mpc) / len(values)


def si_grade(value: float) -> PollutionGrade:
    """Grade СИ: 0–1 low, 2–4 elevated, 5–10 high, over 10 very high."""
    return _graded(value, SI_GRADES)


def np_grade(value: float) -> PollutionGrade:
    """Grade НП: 0% low, 1–19% elevated, 20–49% high, 50% and more very high."""
    return _graded(value, NP_GRADES)


def worse(*grades: PollutionGrade | None) -> PollutionGrade | None:
    """Return the worse of the grades given (the rule when СИ and НП disagree)."""
    known = [g for g in grades if g is not None]
    return max(known, key=ORDER.index) if known else None


def iza(annual_means_ug: Mapping[str, float]) -> float | None:
    """Return ИЗА5: the sum of the five largest (mean / ПДК с.с.)^C over the pollutants.

    C depends on the hazard class (1.7, 1.3, 1.0, 0.9 for classes 1–4); pollutants with
    no daily MPC are left out.
    """
    terms = []
    for code, mean in annual_means_ug.items():
        parameter = PARAMETERS.get(code)
        if parameter is None or not parameter.mpc_daily_ug or mean < 0:
            continue
        terms.append((mean / parameter.mpc_daily_ug) ** IZA_EXPONENT[parameter.hazard_class])
    if not terms:
        return None
    return float(sum(sorted(terms, reverse=True)[:5]))


def iza_grade(value: float) -> PollutionGrade:
    """Grade ИЗА: 0–4 low, 5–6 elevated, 7–13 high, 14 and more very high."""
    return _graded(value, IZA_GRADES)


def pollution_cases(once_ug: Iterable[float], parameter: str) -> tuple[int, int]:
    """Count the cases of high (ВЗ) and extremely high (ЭВЗ) pollution among readings."""
    mpc = PARAMETERS[parameter].mpc_once_ug
    high = extreme = 0
    if not mpc:
        return 0, 0
    for value in once_ug:
        ratio = value / mpc
        if ratio >= EXTREME_CASE_RATIO:
            extreme += 1
        elif ratio >= HIGH_CASE_RATIO:
            high += 1
    return high, extreme
