"""Read the action plan as the ministry publishes it (the seed's tab-laid-out table).

The published plan is a Word table saved as text: every cell starts with a tab, and a
cell that runs over several lines continues on lines without one. This module turns
it into plain dicts; ``build_plan`` adds what a reader had to decide (translations,
structured deadlines, the body behind each executor's name) and flags what the
source itself gets wrong. Tests run it against the seed, so the data file shipped in
the repository can always be checked against the document it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MEASURE_START = re.compile(r"^\t(\d{1,2})\.\s*$")
DIRECTION_START = re.compile(r"^\tНаправление (\d)\. (.+?)\s*$")
INDICATORS_START = re.compile(r"^\tЦелевые индикаторы\s*$")
BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
FOOTNOTE_START = "Примечание: расшифровка аббревиатур"


@dataclass
class SeedMeasure:
    number: int
    direction: int
    cells: list[str] = field(default_factory=list)


@dataclass
class SeedDirection:
    number: int
    name: str
    indicators_text: str = ""


@dataclass
class SeedPlan:
    directions: list[SeedDirection]
    measures: list[SeedMeasure]
    abbreviations: dict[str, str]


def clean(text: str) -> str:
    """Drop Word's bookmark residue and squeeze runs of spaces, keeping line breaks."""
    text = BOOKMARK.sub("", text)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", clean(text)).strip()


def parse_seed(text: str) -> SeedPlan:
    """Split the document into directions, their indicator text and the measures' cells."""
    directions: list[SeedDirection] = []
    measures: list[SeedMeasure] = []
    abbreviations: dict[str, str] = {}
    in_indicators = False
    current: SeedMeasure | None = None
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.startswith(FOOTNOTE_START):
            for rest in lines[index + 1 :]:
                rest = clean(rest)
                if "–" in rest:
                    short, _sep, long = rest.partition("–")
                    abbreviations[short.strip()] = long.strip()
            break
        if match := DIRECTION_START.match(line):
            directions.append(SeedDirection(int(match[1]), match[2].strip()))
            current, in_indicators = None, False
            continue
        if INDICATORS_START.match(line):
            in_indicators, current = True, None
            continue
        if match := MEASURE_START.match(line):
            in_indicators = False
            current = SeedMeasure(int(match[1]), directions[-1].number)
            measures.append(current)
            continue
        if in_indicators:
            directions[-1].indicators_text += line + "\n"
        elif current is not None:
            if line.startswith("\t"):
                current.cells.append(line[1:])
            elif line.strip() and current.cells:
                current.cells[-1] += "\n" + line
    for direction in directions:
        direction.indicators_text = clean(direction.indicators_text)
    return SeedPlan(directions, measures, abbreviations)


def read_seed(path: Path) -> SeedPlan:
    return parse_seed(path.read_text(encoding="utf-8"))
