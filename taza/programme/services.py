"""Take in and review the executors' reports on the action plan.

Every write goes through the audit services, so the trail shows who reported what
and who accepted or returned it, and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
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
from taza.audit.services import create_audited, record, update_audited
from taza.bodies.models import Body, BodyKind
from taza.core.actors import Actor, person
from taza.core.errors import DomainError
from taza.core.files import kind_of, private_name
from taza.core.text import clean_text
from taza.geo.models import Region
from taza.programme.choices import Assessment, Period, ReportSource, ReportStatus
from taza.programme.models import ExecutorReport, Measure, ReportEvidence

# Executors that stand for every akimat: each region reports for itself.
REGIONAL_GROUPS = frozenset({"MIO", "STATE-BODIES"})
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_TEXT = 20_000
# A fact this large is a typing slip, not a measurement.
MAX_FACT = Decimal("1e12")


class ProgrammeError(DomainError):
    """Refuse a request that the monitoring rules do not allow, saying why."""


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


def may_report_at_all(user: Any) -> bool:
    """Whether the user reports for any executor, checked before an upload is read."""
    return scope_of(user).is_admin or bool(reporting_bodies(user))


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


def report_problems(data: ReportInput) -> list[ProgrammeError]:
    """List everything that keeps this from being a report on its measure, each with its field.

    The web form shows the first; the Excel reader puts each one in its cell.
    """
    measure = data.measure
    if measure.removed_on is not None:
        return [ProgrammeError(_("This measure has been removed from control."), "measure")]
    problems = []
    if not measure.first_year <= data.year <= measure.last_year:
        problems.append(
            ProgrammeError(
                _("Measure %(number)s runs from %(first)s to %(last)s.")
                % {
                    "number": measure.number,
                    "first": measure.first_year,
                    "last": measure.last_year,
                },
                "year",
            )
        )
    if data.period not in Period.values:
        problems.append(
            ProgrammeError(_("Choose the first half-year or the whole year."), "period")
        )
    if data.region is not None:
        if data.body.kind != BodyKind.REGIONAL_AKIMAT or data.body.region_id != data.region.pk:
            problems.append(
                ProgrammeError(_("Only the region's akimat reports for the region."), "body")
            )
        elif not applies_to_region(measure, data.region.pk):
            problems.append(ProgrammeError(_("Akimats do not carry out this measure."), "measure"))
    elif not measure.executors.filter(body=data.body).exists():
        problems.append(ProgrammeError(_("This body is not an executor of the measure."), "body"))
    if data.fact_value is not None and data.fact_value < 0:
        problems.append(ProgrammeError(_("The fact cannot be negative."), "fact_value"))
    elif data.fact_value is not None and data.fact_value >= MAX_FACT:
        problems.append(ProgrammeError(_("The fact is too large."), "fact_value"))
    if data.assessment not in Assessment.values:
        problems.append(ProgrammeError(_("Choose done, in progress or not done."), "assessment"))
    if not data.text.strip():
        problems.append(ProgrammeError(_("Describe what was done."), "text"))
    elif len(data.text) > MAX_TEXT:
        problems.append(
            ProgrammeError(_("The text is too long (20,000 characters at most)."), "text")
        )
    validate_url = URLValidator(schemes=["http", "https"])
    for link in data.links:
        try:
            validate_url(link)
        except ValidationError:
            problems.append(
                ProgrammeError(
                    _("“%(link)s” is not a web link (http:// or https://).") % {"link": link[:100]},
                    "links",
                )
            )
    for name, handle in data.files:
        content = handle.read(MAX_EVIDENCE_BYTES + 1)
        handle.seek(0)
        if len(content) > MAX_EVIDENCE_BYTES:
            problems.append(ProgrammeError(_("An evidence file is larger than 20 MB."), "files"))
        elif kind_of(content) is None:
            problems.append(
                ProgrammeError(
                    _(
                        "“%(name)s” is not a PDF, a photo (JPEG, PNG, WebP) or an office "
                        "document (DOCX, XLSX, ODT, ODS)."
                    )
                    % {"name": name[:100]},
                    "files",
                )
            )
    return problems


def check_report(data: ReportInput) -> None:
    """Refuse what cannot be a report on this measure, with the first reason."""
    problems = report_problems(data)
    if problems:
        raise problems[0]


@transaction.atomic
def submit_report(data: ReportInput, *, actor: Actor) -> ExecutorReport:
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
    values: dict[str, Any] = {
        "text": data.text.strip(),
        "fact_value": data.fact_value,
        "assessment": data.assessment,
        "status": ReportStatus.SUBMITTED,
        "source": data.source,
        "submitted_by": person(actor),
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
    actor: Actor,
) -> None:
    known = set(report.evidence.values_list("url", flat=True))
    for link in links:
        if link not in known:
            create_audited(ReportEvidence, actor=actor, report=report, url=link, title=link[:200])
    for name, handle in files:
        content = handle.read()
        kind = kind_of(content)
        if kind is None:  # report_problems refused it already; never store an unknown kind
            raise ProgrammeError(_("An evidence file of an unknown kind was refused."), "files")
        evidence = ReportEvidence(report=report, title=name[:200])
        evidence.file.save(private_name(kind), ContentFile(content), save=False)
        evidence.save()
        record(
            obj=evidence,
            actor=actor,
            action=AuditAction.CREATE,
            changes={"file": [None, evidence.file.name], "report": [None, report.pk]},
        )


@transaction.atomic
def review_report(
    report: ExecutorReport, *, actor: Actor, accept: bool, comment: str = ""
) -> ExecutorReport:
    """Accept a report, or return it to the executor with the reason."""
    if not scope_of(actor).reads_all:
        raise PermissionDenied(_("Only monitoring analysts review executors' reports."))
    comment = clean_text(comment)  # a NUL or an invisible character is never stored
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
        reviewed_by=person(actor),
        reviewed_at=timezone.now(),
        review_comment=comment.strip(),
    )
    if not accept:
        transaction.on_commit(partial(_tell_executor_returned, report.pk))
    return report


def _tell_executor_returned(report_id: int) -> None:
    from taza.programme.tasks import tell_executor_returned

    tell_executor_returned(report_id)
