"""The waste types the cadastre accepts: the national classifier's codes (data/waste_types.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "waste_types.json"


@dataclass(frozen=True)
class WasteType:
    code: str
    municipal: bool
    names: tuple[str, str, str]  # kk, ru, en

    @property
    def name(self) -> str:
        """Name the type in the active language."""
        language = (get_language() or "en")[:2]
        return self.names[{"kk": 0, "ru": 1}.get(language, 2)]


@cache
def waste_types() -> dict[str, WasteType]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        item["code"]: WasteType(item["code"], bool(item["municipal"]), tuple(item["name"]))
        for item in data["types"]
    }


def normal_code(text: str) -> str:
    """Write a code as the classifier does ("200301" and "20-03-01" give "20 03 01")."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) != 6:
        return text.strip()
    return f"{digits[:2]} {digits[2:4]} {digits[4:]}"
