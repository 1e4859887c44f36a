"""The pollutants the register takes, with their thresholds (data/pollutants.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "pollutants.json"


@dataclass(frozen=True)
class Pollutant:
    code: str
    names: tuple[str, str, str]  # kk, ru, en
    threshold_air: float  # tonnes a year: a release above it must be reported
    greenhouse: bool = False
    gwp: int | None = None  # 100-year global-warming potential (IPCC AR5)
    max_t: float = 1e7  # above any country's yearly total: a unit or typing error

    @property
    def name(self) -> str:
        """Name the pollutant in the active language."""
        language = (get_language() or "en")[:2]
        return self.names[{"kk": 0, "ru": 1}.get(language, 2)]


@cache
def pollutants() -> dict[str, Pollutant]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        item["code"]: Pollutant(
            item["code"],
            tuple(item["name"]),
            float(item["threshold_air"]),
            bool(item.get("greenhouse", False)),
            item.get("gwp"),
            float(item.get("max_t", 1e7)),
        )
        for item in data["pollutants"]
    }
