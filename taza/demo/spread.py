"""Split whole numbers by weight."""

from __future__ import annotations


def spread(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split a whole number over keys by weight, exactly, largest remainders first."""
    raw = {key: total * w for key, w in weights.items()}
    counts = {key: int(value) for key, value in raw.items()}
    rest = total - sum(counts.values())
    for key in sorted(raw, key=lambda k: (counts[k] - raw[k], k))[:rest]:
        counts[key] += 1
    return counts
