"""Judge a river gauge: its warning level, the hours to its danger mark, a reading's sense.

Pure functions of levels in centimetres above the gauge zero; docs/hazards.md states
each rule and its numbers, which are written here so that a change is a decision.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import datetime

from taza.hazards.choices import WarningLevel

# Within this many centimetres of the danger mark a gauge is approaching it...
APPROACH_CM = 50
# ...and also when the trend brings it there within this many hours.
APPROACH_HOURS = 24
# A rise of this much over the trend window is "rising".
RISING_CM_PER_DAY = 10
# The trend is fitted over this many hours of readings, at least MIN_POINTS of them.
TREND_HOURS = 24
MIN_POINTS = 3
# A reading below a twentieth of the gauge's recent median is a level in metres (or a
# slip); a jump of more than this from the previous reading within a day is a slip too.
METRES_RATIO = 20
MAX_JUMP_CM = 300


def trend(points: Sequence[tuple[datetime, float]]) -> tuple[float, float] | None:
    """Fit a straight line to (time, level) points; return (cm per hour, its standard error).

    None with fewer than MIN_POINTS points or all at one moment.
    """
    if len(points) < MIN_POINTS:
        return None
    origin = points[0][0]
    xs = [(at - origin).total_seconds() / 3600 for at, _ in points]
    ys = [level for _, level in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    residuals = [y - (mean_y + slope * (x - mean_x)) for x, y in zip(xs, ys, strict=True)]
    dof = len(points) - 2
    variance = sum(r * r for r in residuals) / dof if dof > 0 else 0.0
    return slope, math.sqrt(variance / sxx)


def hours_to_mark(
    level: float, mark: float, slope: float, error: float
) -> tuple[float, float] | None:
    """Return the hours until the level reaches the mark at this trend, and their spread.

    The spread carries the slope's standard error through (hours × error / slope): a
    trend fitted on scattered readings gives a wide one. None when not rising or already
    there.
    """
    if slope <= 0 or level >= mark:
        return None
    hours = (mark - level) / slope
    return hours, hours * error / slope


def hours_with_upstream(
    level: float,
    mark: float,
    own: tuple[float, float] | None,
    upstream: tuple[float, float],
    travel: float,
) -> tuple[float, float] | None:
    """Return the hours until the mark when the upstream gauge's rise arrives, and spread.

    Until ``travel`` hours the level follows its own trend (the water already on its
    way; flat without one); after that it rises as the upstream gauge rises now. So
    level(t) = level + own·t for t ≤ travel, then level(travel) + upstream·(t − travel).
    A rise that weakens or spreads on the way (attenuation, tributaries, withdrawals) is
    not modelled: the error of each forecast is published when the mark is reached.
    The spread carries both slopes' standard errors through. None when neither brings
    the level to the mark.
    """
    if level >= mark:
        return None
    slope, error = own if own else (0.0, 0.0)
    if slope > 0 and level + slope * travel >= mark:
        return hours_to_mark(level, mark, slope, error)
    up_slope, up_error = upstream
    if up_slope <= 0:
        return None
    at_arrival = level + slope * travel
    rest = (mark - at_arrival) / up_slope
    spread = math.hypot(travel * error / up_slope, rest * up_error / up_slope)
    return travel + rest, spread


def warning_level(
    level: float,
    danger: float,
    critical: float,
    slope: float | None,
    hours: float | None,
) -> WarningLevel:
    """Return the warning level: the marks first, then nearness to danger, then the trend."""
    if level >= critical:
        return WarningLevel.CRITICAL
    if level >= danger:
        return WarningLevel.DANGER
    if level >= danger - APPROACH_CM or (hours is not None and hours <= APPROACH_HOURS):
        return WarningLevel.APPROACHING
    if slope is not None and slope * 24 >= RISING_CM_PER_DAY:
        return WarningLevel.RISING
    return WarningLevel.NORMAL


def plausible(level: float, recent: Sequence[float], previous: float | None) -> bool:
    """Tell whether a reading makes sense against the gauge's recent levels."""
    if recent:
        median = statistics.median(recent)
        if median > 100 and level < median / METRES_RATIO:
            return False
    return previous is None or abs(level - previous) <= MAX_JUMP_CM
