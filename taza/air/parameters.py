"""Read what each air parameter is from data/parameters.json: names, MPCs and their source.

Taza keeps every concentration in µg/m³. Gases convert from ppb or ppm with the molar
volume at 25 °C and 101.325 kPa (24.45 L/mol), as the US EPA and OpenAQ do; particles
have no molar mass and take mass units only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import get_language

from taza.air.choices import Unit

DATA = Path(__file__).with_name("data") / "parameters.json"
MOLAR_VOLUME = 24.45  # L/mol at 25 °C and 101.325 kPa


@dataclass(frozen=True)
class Parameter:
    code: str
    names: dict[str, str]
    molar_mass: float | None
    mpc_once_ug: float | None
    mpc_daily_ug: float | None
    hazard_class: int
    source: str

    @property
    def name(self) -> str:
        """Return the name in the language in use."""
        return self.names.get((get_language() or "kk")[:2], self.names["en"])

    def units(self) -> list[str]:
        """Return the units a sensor of this parameter may report in."""
        mass: list[str] = [Unit.UG_M3, Unit.MG_M3]
        return [*mass, Unit.PPB, Unit.PPM] if self.molar_mass else mass


def _load() -> tuple[dict[str, Parameter], dict[str, str]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    parameters = {
        row["code"]: Parameter(
            code=row["code"],
            names=row["name"],
            molar_mass=row["molar_mass"],
            mpc_once_ug=row["mpc_once_mg"] * 1000 if row["mpc_once_mg"] else None,
            mpc_daily_ug=row["mpc_daily_mg"] * 1000 if row["mpc_daily_mg"] else None,
            hazard_class=row["hazard_class"],
            source=row["source"],
        )
        for row in data["parameters"]
    }
    return parameters, data["sources"]


PARAMETERS, SOURCES = _load()
CHOICES = [(code, p.names["en"]) for code, p in PARAMETERS.items()]


def to_ug(parameter: str, value: float, unit: str) -> float:
    """Convert a concentration in the unit given to µg/m³."""
    if unit == Unit.UG_M3:
        return value
    if unit == Unit.MG_M3:
        return value * 1000
    mass = PARAMETERS[parameter].molar_mass
    if mass is None:
        raise ValueError(f"{parameter} has no molar mass")
    ppb = value * 1000 if unit == Unit.PPM else value
    return ppb * mass / MOLAR_VOLUME


def to_ppb(parameter: str, ug: float) -> float:
    """Convert µg/m³ of a gas to ppb at 25 °C."""
    mass = PARAMETERS[parameter].molar_mass
    if mass is None:
        raise ValueError(f"{parameter} has no molar mass")
    return ug * MOLAR_VOLUME / mass
