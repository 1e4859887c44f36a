"""Make ``data/plan.json`` from the seed and the reviewer's file.

    python -m taza.programme.build_plan ../shared/seeds/003_78137aa8f79b4987.txt

Everything that can be read off the document is read off it here (cells, yearly
targets, deadlines, executors); everything a person had to decide comes from
``plan_review.json``. The tests rebuild the plan and compare it with the shipped file.
"""

from __future__ import annotations

import calendar
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from taza.programme.seed import SeedPlan, clean, one_line, read_seed

DATA = Path(__file__).resolve().parent / "data"
REVIEW_FILE = DATA / "plan_review.json"
PLAN_FILE = DATA / "plan.json"

MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
YEAR_TARGET = re.compile(r"(\d{4}) год – ([\d ]+?)(?: ?чел\.)?(?:,|$)")
BY_AGREEMENT = "(по согласованию)"

# Executors the plan names in words rather than by abbreviation.
NAMED_EXECUTORS = {
    "акимат города Алматы": "AKIMAT-KZ75",
    "акимат города Астаны": "AKIMAT-KZ71",
    "центральные и местные государственные органы": "STATE-BODIES",
    "Академия государственного управления при Президенте Республики Казахстан": "ACADEMY-PA",
    "образовательные учреждения": "EDU-ORGS",
    "музеи": "MUSEUMS",
    "общественные организации": "NGOS",
}


def body_codes_by_abbreviation() -> dict[str, str]:
    bodies = json.loads(
        (DATA.parent.parent / "bodies" / "data" / "national_bodies.json").read_text("utf-8")
    )["bodies"]
    return {b["abbr"][1]: b["code"] for b in bodies if b["abbr"][1]}


def split_executors(text: str) -> list[dict[str, Any]]:
    """Split "МТСЗН, МЭПР, НПП «Атамекен» (по согласованию)" into executors, in order.

    The first listed executor leads. "(по согласованию)" marks the body right before it
    as taking part by agreement; in "музеи, общественные организации (по согласованию)"
    it follows a list of non-governmental participants, and covers each of them.
    """
    codes = body_codes_by_abbreviation()
    parts = [p.strip() for p in re.split(r",\s*(?![^«]*»)", one_line(text)) if p.strip()]
    executors: list[dict[str, Any]] = []
    for position, part in enumerate(parts):
        agreed = part.endswith(BY_AGREEMENT)
        name = part.removesuffix(BY_AGREEMENT).strip()
        code = codes.get(name) or NAMED_EXECUTORS.get(name)
        if code is None:
            raise ValueError(f"Unknown executor {name!r} in {text!r}")
        executors.append(
            {"body": code, "lead": position == 0, "by_agreement": agreed, "wording": part}
        )
    # The agreement note after a run of non-governmental groups covers the whole run.
    non_state = {"EDU-ORGS", "MUSEUMS", "NGOS"}
    if executors and executors[-1]["by_agreement"] and executors[-1]["body"] in non_state:
        for executor in executors:
            if executor["body"] in non_state:
                executor["by_agreement"] = True
    return executors


def month_end(year: int, month: int) -> str:
    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def parse_deadline(text: str, *, first: int, last: int, approved: date) -> dict[str, Any]:
    """Read a deadline cell into a kind, the years it spans and the final due date."""
    wording = one_line(text)
    lower = wording.lower()
    years = [int(y) for y in re.findall(r"\b(20\d\d)\b", wording)]
    result: dict[str, Any] = {"wording": wording}
    if lower.startswith("ежеквартально"):
        result |= {"kind": "quarterly", "first_year": first, "last_year": last}
    elif "учебный год" in lower:
        result |= {
            "kind": "academic_year",
            "first_year": years[0],
            "last_year": years[-1],
            "due": date(years[-1], 6, 30).isoformat(),
        }
    elif "со дня утверждения" in lower:
        months = {"одного": 1, "двух": 2, "трех": 3, "трёх": 3, "шести": 6}
        count = next(n for word, n in months.items() if word in lower)
        month = approved.month + count
        year = approved.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        due = date(year, month, min(approved.day, calendar.monthrange(year, month)[1]))
        result |= {
            "kind": "relative",
            "first_year": approved.year,
            "last_year": due.year,
            "due": due.isoformat(),
            "relative_months": count,
        }
    elif lower.startswith("до ") and years:
        result |= {
            "kind": "until",
            "first_year": first,
            "last_year": years[0],
            "due": date(years[0], 12, 31).isoformat(),
        }
    elif YEAR_TARGET.search(wording):
        result |= {"kind": "annual", "first_year": min(years), "last_year": max(years)}
    elif lower.startswith("ежегодно"):
        result |= {"kind": "annual", "first_year": first, "last_year": last}
    elif len(years) == 2 and "–" in wording:
        result |= {"kind": "annual", "first_year": years[0], "last_year": years[1]}
    elif any(lower.startswith(stem) for stem in MONTHS) and years:
        month = next(n for stem, n in MONTHS.items() if lower.startswith(stem))
        result |= {
            "kind": "month",
            "first_year": years[0],
            "last_year": years[0],
            "due": month_end(years[0], month),
        }
    elif len(years) == 1:
        result |= {
            "kind": "year",
            "first_year": years[0],
            "last_year": years[0],
            "due": date(years[0], 12, 31).isoformat(),
        }
    else:
        raise ValueError(f"Cannot read the deadline {wording!r}")
    if result["kind"] in ("annual", "quarterly"):
        result["due"] = date(result["last_year"], 12, 31).isoformat()
    return result


def yearly_targets(*cells: str) -> list[dict[str, Any]]:
    """Find "2025 год – 5" pairs; a year given twice keeps both, in order."""
    found = []
    for cell in cells:
        for year, value in YEAR_TARGET.findall(one_line(cell)):
            found.append({"year": int(year), "value": int(value.replace(" ", ""))})
    return found


def build(seed: SeedPlan, review: dict[str, Any]) -> dict[str, Any]:
    approved = date.fromisoformat(review["approved"]["date"])
    first, last = review["first_year"], review["last_year"]
    directions = []
    for direction in seed.directions:
        kk, en = review["directions"][str(direction.number)]
        directions.append(
            {
                "number": direction.number,
                "name": [kk, direction.name, en],
                "indicators_wording": direction.indicators_text,
            }
        )
    measures = []
    for measure in seed.measures:
        name_cell, form_cell, deadline_cell, executors_cell, progress_cell = measure.cells
        key = str(measure.number)
        form_ru = one_line(form_cell)
        targets = yearly_targets(form_cell, deadline_cell)
        if targets and YEAR_TARGET.search(form_ru):
            form_ru = ""  # the cell holds targets, not a form (flagged in the review)
        targets += review.get("targets", {}).get(key, [])
        flags = list(review.get("measure_flags", {}).get(key, []))
        seen: dict[int, int] = {}
        unique_targets = []
        for target in targets:
            if target["year"] in seen:
                target = {**target, "duplicate_of_year": True}
                if not any("twice" in flag[2] for flag in flags):
                    year = target["year"]
                    flags.append(
                        [
                            f"{year} жыл бірнеше рет көрсетілген.",
                            f"{year} год указан несколько раз.",
                            f"{year} is given more than once.",
                        ]
                    )
            else:
                seen[target["year"]] = target["value"]
            unique_targets.append(target)
        form_kk, form_en = review["forms"].get(form_ru, ["", ""]) if form_ru else ("", "")
        if form_ru and not form_kk:
            raise ValueError(f"No translation for the completion form {form_ru!r}")
        name_kk, name_en = review["measures"][key]
        removed = review.get("removed", {}).get(key)
        progress = clean(progress_cell)
        if removed and removed["quote"] not in progress:
            raise ValueError(f"Measure {key}: the note does not say it was removed")
        measures.append(
            {
                "number": measure.number,
                "direction": measure.direction,
                "name": [name_kk, one_line(name_cell), name_en],
                "form": [form_kk, form_ru, form_en],
                "deadline": parse_deadline(
                    deadline_cell, first=first, last=last, approved=approved
                ),
                "targets": unique_targets,
                "target_unit": review.get("units", {}).get(key, ["", "", ""]),
                "executors": split_executors(executors_cell),
                "executors_wording": one_line(executors_cell),
                "progress_2024": progress,
                "removed": removed,
                "flags": flags,
            }
        )
    return {
        "title": review["title"],
        "approved": review["approved"],
        "first_year": first,
        "last_year": last,
        "flags": review["plan_flags"],
        "directions": directions,
        "indicators": review["indicators"],
        "measures": measures,
        "regional_2024": review["regional_2024"],
        "published_2025": review["published_2025"],
        "abbreviations": seed.abbreviations,
    }


def build_from(seed_path: Path) -> dict[str, Any]:
    review = json.loads(REVIEW_FILE.read_text(encoding="utf-8"))
    return build(read_seed(seed_path), review)


def dump(plan: dict[str, Any]) -> str:
    return json.dumps(plan, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    PLAN_FILE.write_text(dump(build_from(Path(argv[0]))), encoding="utf-8")
    print(f"Wrote {PLAN_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
