"""Plan-against-fact charts drawn on the server as SVG: no script, no library to load."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from taza.programme.choices import ValueKind
from taza.programme.models import Indicator, IndicatorValue

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36


def nice_ceiling(value: Decimal) -> Decimal:
    """Return the next round number at or above the value (1, 2, 2.5 or 5 × a power of ten)."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** (len(str(int(value))) - 1) if value >= 1 else Decimal("0.1")
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= power * step:
            return power * step
    return power * 10


def indicator_chart(indicator: Indicator, values: Iterable[IndicatorValue]) -> dict[str, Any]:
    """Points and axes for a plan line and fact bars, by year (share, or count if no share)."""
    values = list(values)
    use_count = all(v.value is None for v in values if v.kind == ValueKind.FACT) and any(
        v.count is not None for v in values
    )

    def number(value: IndicatorValue) -> Decimal | None:
        if use_count:
            return None if value.count is None else Decimal(value.count)
        return value.value

    years = sorted({v.year for v in values if number(v) is not None})
    if not years:
        return {"empty": True, "width": WIDTH, "height": HEIGHT}
    top = nice_ceiling(max(number(v) or Decimal(0) for v in values) * Decimal("1.05"))
    step = (WIDTH - LEFT - RIGHT) / max(len(years), 1)

    def x(year: int) -> float:
        return LEFT + step * (years.index(year) + 0.5)

    def y(value: Decimal) -> float:
        return HEIGHT - BOTTOM - float(value / top) * (HEIGHT - TOP - BOTTOM)

    plan = [
        (v.year, number(v)) for v in values if v.kind == ValueKind.PLAN and number(v) is not None
    ]
    fact = [
        (v.year, number(v)) for v in values if v.kind == ValueKind.FACT and number(v) is not None
    ]
    plan.sort()
    bar = step * 0.4
    return {
        "empty": False,
        "width": WIDTH,
        "height": HEIGHT,
        "unit": indicator.count_unit if use_count else indicator.unit,
        "baseline": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "plan_path": " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in plan if v is not None),
        "plan_points": [
            {"x": round(x(yr), 1), "y": round(y(v), 1), "label": f"{v.normalize():f}", "year": yr}
            for yr, v in plan
            if v is not None
        ],
        "bars": [
            {
                "x": round(x(yr) - bar / 2, 1),
                "y": round(y(v), 1),
                "w": round(bar, 1),
                "h": round(HEIGHT - BOTTOM - y(v), 1),
                "label": f"{v.normalize():f}",
                "year": yr,
                "text_y": round(y(v) - 4, 1),
                "cx": round(x(yr), 1),
            }
            for yr, v in fact
            if v is not None
        ],
        "years": [{"x": round(x(yr), 1), "label": yr} for yr in years],
        "ticks": [
            {"y": round(y(top * k / 4), 1), "label": f"{(top * k / 4).normalize():f}"}
            for k in range(5)
        ],
    }
