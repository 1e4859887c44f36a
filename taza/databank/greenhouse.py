"""The greenhouse gases the carbon cadastre takes, with their potentials (data file)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "greenhouse_gases.json"


@dataclass(frozen=True)
class Gas:
    code: str
    names: tuple[str, str, str]  # kk, ru, en
    gwp: int  # 100-year global-warming potential: tonnes of CO2 per tonne of the gas

    @property
    def name(self) -> str:
        """Name the gas in the active language."""
        language = (get_language() or "en")[:2]
        return self.names[{"kk": 0, "ru": 1}.get(language, 2)]


@cache
def gases() -> dict[str, Gas]:
    """Return the gases by upper-case code (HFC-134A), as the data file lists them."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        item["code"]: Gas(item["code"], tuple(item["name"]), int(item["gwp"]))
        for item in data["gases"]
    }
