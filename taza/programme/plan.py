"""Load the Concept's action plan into the database from ``data/plan.json``.

Loading is reference data: safe to run again (nothing changes, nothing is logged the
second time). ``build_plan.py`` makes the file from the seed; taking in and reviewing the
executors' reports is ``services.py``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from taza.audit.services import upsert_audited
from taza.bodies.models import Body, BodyKind
from taza.core.actors import SYSTEM, Actor
from taza.geo.models import Region
from taza.programme.choices import Assessment, Period, ReportSource, ReportStatus, TargetSource
from taza.programme.models import (
    Direction,
    ExecutorReport,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureExecutor,
    MeasureTarget,
)

PLAN_FILE = Path(__file__).resolve().parent / "data" / "plan.json"
REASON = gettext_noop("action plan reference data")


def _decimal(value: object, places: int) -> Decimal:
    """Return the value as the database keeps it, so loading again finds nothing changed."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))


def read_plan() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    return data


def regional_akimat(region: Region | int) -> Body:
    region_id = region if isinstance(region, int) else region.pk
    return Body.objects.get(kind=BodyKind.REGIONAL_AKIMAT, region_id=region_id)


@transaction.atomic
def load_plan(*, actor: Actor = SYSTEM) -> int:
    """Create or bring up to date the plan, its targets and the published 2024 reports."""
    plan = read_plan()
    directions = {}
    for item in plan["directions"]:
        kk, ru, en = item["name"]
        directions[item["number"]], _created = upsert_audited(
            Direction,
            lookup={"number": item["number"]},
            values={
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "indicators_wording": item["indicators_wording"],
            },
            actor=actor,
            reason=REASON,
        )
    for order, item in enumerate(plan["indicators"]):
        kk, ru, en = item["name"]
        count_kk, count_ru, count_en = item.get("count_unit", ["", "", ""])
        indicator, _created = upsert_audited(
            Indicator,
            lookup={"code": item["code"]},
            values={
                "direction": directions[item["direction"]],
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "unit": item["unit"],
                "count_unit_kk": count_kk,
                "count_unit_ru": count_ru,
                "count_unit_en": count_en,
                "higher_is_better": item["higher_is_better"],
                "flags": item.get("flags", []),
                "order": order,
            },
            actor=actor,
            reason=REASON,
        )
        for value in item["values"]:
            upsert_audited(
                IndicatorValue,
                lookup={
                    "indicator": indicator,
                    "region": None,
                    "year": value["year"],
                    "kind": value["kind"],
                },
                values={
                    "value": None if value["value"] is None else _decimal(value["value"], 3),
                    "count": value.get("count"),
                    "source": value.get("source", "003"),
                    "quote": value["quote"],
                },
                actor=actor,
                reason=REASON,
            )
    bodies = {b.code: b for b in Body.objects.filter(region__isnull=True)}
    bodies.update({b.code: b for b in Body.objects.filter(kind=BodyKind.REGIONAL_AKIMAT)})
    for item in plan["measures"]:
        _load_measure(item, directions, bodies, actor)
    _load_published_reports(plan, bodies, actor)
    return len(plan["measures"])


def _load_measure(
    item: dict[str, Any], directions: dict[int, Direction], bodies: dict[str, Body], actor: Actor
) -> None:
    kk, ru, en = item["name"]
    form_kk, form_ru, form_en = item["form"]
    unit_kk, unit_ru, unit_en = item["target_unit"]
    deadline = item["deadline"]
    removed = item["removed"] or {}
    note_kk, note_ru, note_en = removed.get("note", ["", "", ""])
    measure, _created = upsert_audited(
        Measure,
        lookup={"number": item["number"]},
        values={
            "direction": directions[item["direction"]],
            "name_kk": kk,
            "name_ru": ru,
            "name_en": en,
            "form_kk": form_kk,
            "form_ru": form_ru,
            "form_en": form_en,
            "deadline_wording": deadline["wording"],
            "deadline_kind": deadline["kind"],
            "first_year": deadline["first_year"],
            "last_year": deadline["last_year"],
            "due": date.fromisoformat(deadline["due"]),
            "target_unit_kk": unit_kk,
            "target_unit_ru": unit_ru,
            "target_unit_en": unit_en,
            "executors_wording": item["executors_wording"],
            "progress_2024": item["progress_2024"],
            "flags": item["flags"],
            "removed_on": date.fromisoformat(removed["date"]) if removed else None,
            "removed_note_kk": note_kk,
            "removed_note_ru": note_ru,
            "removed_note_en": note_en,
        },
        actor=actor,
        reason=REASON,
    )
    for order, executor in enumerate(item["executors"]):
        upsert_audited(
            MeasureExecutor,
            lookup={"measure": measure, "body": bodies[executor["body"]]},
            values={
                "is_lead": executor["lead"],
                "by_agreement": executor["by_agreement"],
                "order": order,
                "wording": executor["wording"],
            },
            actor=actor,
            reason=REASON,
        )
    for target in item["targets"]:
        if target.get("duplicate_of_year"):
            continue  # kept in the measure's flags, never used silently
        upsert_audited(
            MeasureTarget,
            lookup={"measure": measure, "region": None, "year": target["year"]},
            values={
                "value": _decimal(target["value"], 2),
                "source": TargetSource.PLAN,
                "quote": target.get("quote", ""),
            },
            actor=actor,
            reason=REASON,
        )


def _load_published_reports(plan: dict[str, Any], bodies: dict[str, Body], actor: Actor) -> None:
    """Import the 2024 progress notes, and the 2025 facts the progress report gives."""
    measures = {m.number: m for m in Measure.objects.prefetch_related("executors__body")}
    regions = {r.code: r for r in Region.objects.all()}
    for item in plan["measures"]:
        measure = measures[item["number"]]
        if not item["progress_2024"] or measure.first_year > 2024:
            continue
        lead = measure.executors.get(is_lead=True).body
        _upsert_published(
            measure, lead, None, 2024, item["progress_2024"], None, Assessment.IN_PROGRESS, actor
        )
    by_measure: dict[int, set[str]] = {}
    for item in plan["regional_2024"]:
        by_measure.setdefault(item["measure"], set()).add(item["region"])
    for item in plan["regional_2024"]:
        measure = measures[item["measure"]]
        codes = (
            [item["region"]]
            if item["region"] != "*"
            else [c for c in regions if c not in by_measure[item["measure"]]]
        )
        for code in codes:
            place = regions[code]
            if item.get("target") is not None:
                upsert_audited(
                    MeasureTarget,
                    lookup={"measure": measure, "region": place, "year": 2024},
                    values={
                        "value": _decimal(item["target"], 2),
                        "source": TargetSource.PROGRESS_NOTE,
                        "quote": item["quote"],
                    },
                    actor=actor,
                    reason=REASON,
                )
            fact = item.get("fact")
            if "done" in item:
                assessment = Assessment.DONE if item["done"] else Assessment.NOT_DONE
            elif item.get("target") is not None:
                assessment = Assessment.DONE if fact >= item["target"] else Assessment.NOT_DONE
            else:
                assessment = Assessment.IN_PROGRESS if fact else Assessment.NOT_DONE
            _upsert_published(
                measure,
                bodies[f"AKIMAT-{code}"],
                place,
                2024,
                item["quote"],
                None if fact is None else _decimal(fact, 2),
                assessment,
                actor,
            )
    for item in plan["published_2025"]:
        region = regions[item["region"]] if item["region"] else None
        _upsert_published(
            measures[item["measure"]],
            bodies[item["body"]],
            region,
            2025,
            item["quote"],
            None if item["fact"] is None else _decimal(item["fact"], 2),
            item["assessment"],
            actor,
        )


def _upsert_published(
    measure: Measure,
    body: Body,
    region: Region | None,
    year: int,
    text: str,
    fact: Decimal | None,
    assessment: str,
    actor: Actor,
) -> None:
    upsert_audited(
        ExecutorReport,
        lookup={
            "measure": measure,
            "body": body,
            "region": region,
            "year": year,
            "period": Period.YEAR,
        },
        values={
            "text": text,
            "fact_value": fact,
            "assessment": assessment,
            "status": ReportStatus.ACCEPTED,
            "source": ReportSource.PUBLISHED,
            "submitted_at": datetime(year + 1, 1, 10, tzinfo=UTC),
        },
        actor=actor,
        reason=REASON,
    )
