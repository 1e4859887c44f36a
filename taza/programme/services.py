"""Load the plan, and take in and review the executors' reports.

Every write goes through the audit services, so the trail shows who reported what
and who accepted or returned it, and when.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taza.accounts.models import Role
from taza.accounts.permissions import scope_of
from taza.audit.models import AuditAction
from taza.audit.services import create_audited, record, update_audited, upsert_audited
from taza.bodies.models import Body, BodyKind
from taza.core.errors import DomainError
from taza.geo.models import Region
from taza.programme.models import (
    Assessment,
    Direction,
    ExecutorReport,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureExecutor,
    MeasureTarget,
    Period,
    ReportEvidence,
    ReportSource,
    ReportStatus,
    TargetSource,
)

PLAN_FILE = Path(__file__).resolve().parent / "data" / "plan.json"
REASON = "action plan reference data"
# Executors that stand for every akimat: each region reports for itself.
REGIONAL_GROUPS = frozenset({"MIO", "STATE-BODIES"})
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_TEXT = 20_000


class ProgrammeError(DomainError):
    """Refuse a request that the monitoring rules do not allow, saying why."""


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
def load_plan(*, actor: Any = None) -> int:
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
    item: dict[str, Any], directions: dict[int, Direction], bodies: dict[str, Body], actor: Any
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


def _load_published_reports(plan: dict[str, Any], bodies: dict[str, Body], actor: Any) -> None:
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
    actor: Any,
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


# -- who reports what ------------------------------------------------------------------


def applies_to_region(measure: Measure, region_id: int) -> bool:
    for executor in measure.executors.all():
        if executor.body.code in REGIONAL_GROUPS:
            return True
        if executor.body.kind == BodyKind.REGIONAL_AKIMAT and executor.body.region_id == region_id:
            return True
    return False


def reporting_bodies(user: Any) -> list[tuple[Body, Region | None]]:
    """Return the (executor, region) pairs a person may report for."""
    scope = scope_of(user)
    pairs: list[tuple[Body, Region | None]] = []
    for assignment in user.role_assignments.select_related("body__region"):
        body = assignment.body
        if body is None:
            continue
        if assignment.role == Role.OPERATOR and body.kind == BodyKind.REGIONAL_AKIMAT:
            pairs.append((body, body.region))
        elif assignment.role == Role.EXECUTOR and body.region_id is None:
            pairs.append((body, None))
    if scope.is_admin and not pairs:
        pairs = [(b, None) for b in Body.objects.filter(kind=BodyKind.MINISTRY)]
    return pairs


def may_report(user: Any, body: Body, region: Region | None) -> bool:
    if scope_of(user).is_admin:
        return True
    return any(
        b.pk == body.pk and (r.pk if r else None) == (region.pk if region else None)
        for b, r in reporting_bodies(user)
    )


def reports_on(measure: Measure, body: Body, region: Region | None) -> bool:
    """Whether this executor (for this region) reports on the measure."""
    if measure.removed_on is not None:
        return False
    if region is not None and body.kind == BodyKind.REGIONAL_AKIMAT:
        return applies_to_region(measure, region.pk)
    return any(e.body_id == body.pk for e in measure.executors.all())


def measures_for(body: Body, region: Region | None) -> list[Measure]:
    """Return the measures this executor reports on: its own, and the akimats' for a region."""
    measures = Measure.objects.prefetch_related("executors__body").select_related("direction")
    return [m for m in measures if reports_on(m, body, region)]


# -- executors' reports ----------------------------------------------------------------


@dataclass
class ReportInput:
    measure: Measure
    body: Body
    region: Region | None
    year: int
    period: str
    text: str
    assessment: str
    fact_value: Decimal | None = None
    links: Sequence[str] = ()
    files: Sequence[tuple[str, IO[bytes]]] = field(default_factory=list)
    source: str = ReportSource.WEB


def check_report(data: ReportInput) -> None:
    """Refuse what cannot be a report on this measure, with the reason."""
    measure = data.measure
    if measure.removed_on is not None:
        raise ProgrammeError(_("This measure has been removed from control."), "measure")
    if not measure.first_year <= data.year <= measure.last_year:
        raise ProgrammeError(
            _("Measure %(number)s runs from %(first)s to %(last)s.")
            % {"number": measure.number, "first": measure.first_year, "last": measure.last_year},
            "year",
        )
    if data.period not in Period.values:
        raise ProgrammeError(_("Choose the first half-year or the whole year."), "period")
    if data.assessment not in Assessment.values:
        raise ProgrammeError(_("Choose done, in progress or not done."), "assessment")
    if not data.text.strip():
        raise ProgrammeError(_("Describe what was done."), "text")
    if len(data.text) > MAX_TEXT:
        raise ProgrammeError(_("The text is too long (20,000 characters at most)."), "text")
    if data.fact_value is not None and data.fact_value < 0:
        raise ProgrammeError(_("The fact cannot be negative."), "fact_value")
    if data.fact_value is not None and data.fact_value >= Decimal("1e12"):
        raise ProgrammeError(_("The fact is too large."), "fact_value")
    if data.region is not None:
        if data.body.kind != BodyKind.REGIONAL_AKIMAT or data.body.region_id != data.region.pk:
            raise ProgrammeError(_("Only the region's akimat reports for the region."), "body")
        if not applies_to_region(measure, data.region.pk):
            raise ProgrammeError(_("Akimats do not carry out this measure."), "measure")
    elif not measure.executors.filter(body=data.body).exists():
        raise ProgrammeError(_("This body is not an executor of the measure."), "body")
    validate_url = URLValidator(schemes=["http", "https"])
    for link in data.links:
        try:
            validate_url(link)
        except ValidationError:
            raise ProgrammeError(
                _("“%(link)s” is not a web link (http:// or https://).") % {"link": link[:100]},
                "links",
            ) from None
    for _name, handle in data.files:
        if getattr(handle, "size", 0) > MAX_EVIDENCE_BYTES:
            raise ProgrammeError(_("An evidence file is larger than 20 MB."), "files")


@transaction.atomic
def submit_report(data: ReportInput, *, actor: Any) -> ExecutorReport:
    """Take in (or replace, while not yet accepted) an executor's report for a period."""
    if not may_report(actor, data.body, data.region):
        raise PermissionDenied(_("You may only report for your own body and territory."))
    check_report(data)
    existing = (
        ExecutorReport.objects.select_for_update()
        .filter(
            measure=data.measure,
            body=data.body,
            region=data.region,
            year=data.year,
            period=data.period,
        )
        .order_by("pk")  # no join on the nullable region: PostgreSQL locks no outer join
        .first()
    )
    values = {
        "text": data.text.strip(),
        "fact_value": data.fact_value,
        "assessment": data.assessment,
        "status": ReportStatus.SUBMITTED,
        "source": data.source,
        "submitted_by": actor,
        "submitted_at": timezone.now(),
        "reviewed_by": None,
        "reviewed_at": None,
    }
    if existing is not None and existing.status == ReportStatus.ACCEPTED:
        raise ProgrammeError(
            _(
                "The report for measure %(number)s, %(year)s %(period)s has been accepted; "
                "ask an analyst to return it before changing it."
            )
            % {
                "number": data.measure.number,
                "year": data.year,
                "period": Period(data.period).label,
            },
            "period",
        )
    if existing is None:
        report = create_audited(
            ExecutorReport,
            actor=actor,
            measure=data.measure,
            body=data.body,
            region=data.region,
            year=data.year,
            period=data.period,
            **values,
        )
    else:
        update_audited(existing, actor=actor, action=AuditAction.UPDATE, **values)
        report = existing
    _add_evidence(report, data.links, data.files, actor)
    return report


def _add_evidence(
    report: ExecutorReport,
    links: Iterable[str],
    files: Iterable[tuple[str, IO[bytes]]],
    actor: Any,
) -> None:
    known = set(report.evidence.values_list("url", flat=True))
    for link in links:
        if link not in known:
            create_audited(ReportEvidence, actor=actor, report=report, url=link, title=link[:200])
    for name, handle in files:
        evidence = ReportEvidence(report=report, title=name[:200])
        evidence.file.save(name, ContentFile(handle.read()), save=False)
        evidence.save()
        record(
            obj=evidence,
            actor=actor,
            action=AuditAction.CREATE,
            changes={"file": [None, evidence.file.name], "report": [None, report.pk]},
        )


@transaction.atomic
def review_report(
    report: ExecutorReport, *, actor: Any, accept: bool, comment: str = ""
) -> ExecutorReport:
    """Accept a report, or return it to the executor with the reason."""
    if not scope_of(actor).reads_all:
        raise PermissionDenied(_("Only monitoring analysts review executors' reports."))
    report = ExecutorReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ProgrammeError(_("Only a submitted report can be reviewed."), "status")
    if not accept and not comment.strip():
        raise ProgrammeError(_("Say why the report is returned."), "comment")
    update_audited(
        report,
        actor=actor,
        action=AuditAction.TRANSITION,
        reason=comment,
        status=ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        review_comment=comment.strip(),
    )
    return report
