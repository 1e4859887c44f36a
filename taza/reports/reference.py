"""Reference rows (categories, territories, bodies) kept in each worker's memory.

The intake reads the same few hundred rows for every report; reading them once a
minute instead of four times a request is most of what separates it from a plain
INSERT. An administrator's edit reaches every worker within ``TTL_SECONDS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
TTL_SECONDS = 60.0
_rows: dict[tuple[str, str], tuple[float, object]] = {}


def cached(kind: str, code: str, load: Callable[[], T | None]) -> T | None:
    """Return the row of this kind and code, loading it at most once per TTL_SECONDS."""
    now = time.monotonic()
    hit = _rows.get((kind, code))
    if hit is not None and now - hit[0] < TTL_SECONDS:
        return hit[1]  # type: ignore[return-value]
    value = load()
    if value is not None:  # an unknown code is asked again next time, not remembered
        _rows[(kind, code)] = (now, value)
    return value


def forget() -> None:
    """Drop every cached row (tests, and after reloading reference data)."""
    _rows.clear()
