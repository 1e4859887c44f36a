"""The monitoring centre's pages: the plan, measures, indicators, regions and reporting."""

from __future__ import annotations

from datetime import date, timedelta
from typing import IO, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from taza.accounts.permissions import scope_of
from taza.bodies.models import Body
from taza.core.bulk import act_on_each, bulk_bar, read_bar
from taza.core.files import private_download
from taza.core.http import act_and_return, decision, redirect_next
from taza.core.params import bind
from taza.core.queues import page_of
from taza.geo.filtersets import TerritoryPeriodFilterSet
from taza.geo.models import Region
from taza.programme import documents, excel
from taza.programme.charts import indicator_chart
from taza.programme.choices import Assessment, Period, ReportStatus
from taza.programme.filtersets import PlanFilterSet
from taza.programme.forms import ExecutorReportForm
from taza.programme.measured import (
    computed_regions,
    computed_rows,
    outcome_table,
    registry_table,
)
from taza.programme.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Direction,
    ExecutorReport,
    Indicator,
    Measure,
    MeasureTarget,
    RankingSettings,
    ReportEvidence,
)
from taza.programme.querysets import may_see_evidence, visible_reports
from taza.programme.scorecard import COMPONENTS, lagging_regions, scorecards
from taza.programme.services import (
    ProgrammeError,
    ReportInput,
    may_report,
    reporting_bodies,
    reports_on,
    review_report,
    submit_report,
)
from taza.programme.status import (
    PlanSnapshot,
    indicator_verdict,
)
from taza.programme.wording import deadline_text, executors_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _today() -> date:
    return timezone.localdate()


def _query(request: HttpRequest) -> dict[str, Any]:
    """Read the page's region and year; a malformed one is refused with a 400."""
    return dict(bind(PlanFilterSet, request.GET).form.cleaned_data)


def _region(request: HttpRequest) -> Region | None:
    region: Region | None = _query(request)["region"]
    return region


def _year(request: HttpRequest, default: int) -> int:
    year = _query(request)["year"]
    return int(year) if year is not None else default


def plan(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    snap = PlanSnapshot.load(_today())
    verdicts = snap.verdicts(region.pk if region else None)
    indicators = Indicator.objects.prefetch_related("values")
    tree = []
    for direction in Direction.objects.order_by("number"):
        tree.append(
            {
                "direction": direction,
                "indicators": [
                    (i, indicator_verdict(i, [v for v in i.values.all() if v.region_id is None]))
                    for i in indicators
                    if i.direction_id == direction.pk
                ],
                "measures": [
                    (m, verdicts[m.number])
                    for m in snap.measures
                    if m.direction_id == direction.pk and m.number in verdicts
                ],
            }
        )
    counts: dict[str, int] = {}
    for verdict in verdicts.values():
        counts[verdict.label] = counts.get(verdict.label, 0) + 1
    return render(
        request,
        "programme/plan.html",
        {
            "tree": tree,
            "region": region,
            "regions": snap.regions,
            "counts": sorted(counts.items()),
            "today": snap.as_of,
            **_export_choices(),
        },
    )


def _export_choices() -> dict[str, Any]:
    """Return what the consolidated export form offers: every year, last year chosen."""
    return {
        "export_years": range(FIRST_YEAR, LAST_YEAR + 1),
        "export_year": _today().year - 1,
        "export_regions": Region.objects.order_by("code"),
    }


def measure_detail(request: HttpRequest, number: int) -> HttpResponse:
    return _measure_page(request, number, ExecutorReportForm())


def _measure_page(
    request: HttpRequest, number: int, report_form: ExecutorReportForm, status: int = 200
) -> HttpResponse:
    """Render a measure's page; after a refused report, with what was typed and why."""
    measure = get_object_or_404(
        Measure.objects.select_related("direction").prefetch_related("executors__body"),
        number=number,
    )
    snap = PlanSnapshot.load(_today())
    national = snap.verdict(measure)
    by_region = [
        (r, snap.verdict(measure, r.pk)) for r in snap.regions if snap.applies_to(measure, r.pk)
    ]
    targets = MeasureTarget.objects.filter(measure=measure).select_related("region")
    pairs = [
        (body, region)
        for body, region in (
            reporting_bodies(request.user) if request.user.is_authenticated else []
        )
        if may_report(request.user, body, region) and reports_on(measure, body, region)
    ]
    scope = scope_of(request.user)
    reports = list(visible_reports(request.user, measure))
    return render(
        request,
        "programme/measure.html",
        {
            "measure": measure,
            "deadline": deadline_text(measure),
            "executors": executors_text(measure),
            "national": national,
            "by_region": by_region,
            "national_targets": [t for t in targets if t.region_id is None],
            "regional_targets": [t for t in targets if t.region_id is not None],
            "reports": reports,
            "evidence_shown": {r.pk for r in reports if may_see_evidence(request.user, r)},
            "can_review": scope.reads_all,
            "reporting_pairs": pairs,
            "years": range(measure.first_year, measure.last_year + 1),
            "periods": Period.choices,
            "assessments": Assessment.choices,
            "show_original": request.GET.get("original") == "1",
            "report_form": report_form,
            "registry": registry_table(measure.number, snap.regions, _today()),
            "fires": outcome_table(measure.number, _today()),
            "year": _today().year,
        },
        status=status,
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, number: int) -> HttpResponse:
    measure = get_object_or_404(Measure, number=number)
    form = ExecutorReportForm(request.POST)
    if not form.is_valid():
        # The page again, with everything typed kept and each error beside its field.
        return _measure_page(request, number, form, status=400)
    data = form.cleaned_data
    files = [(f.name or "evidence", cast(IO[bytes], f)) for f in request.FILES.getlist("files")]
    try:
        submit_report(
            ReportInput(
                measure=measure,
                body=data["body"],
                region=data["region"],
                year=data["year"],
                period=data["period"],
                text=data["text"],
                assessment=data["assessment"],
                fact_value=data["fact_value"],
                links=data["links"],
                files=files,
            ),
            actor=request.user,
        )
    except ProgrammeError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _measure_page(request, number, form, status=400)
    messages.success(request, _("The report was sent for review."))
    return redirect(reverse("programme:measure", args=[number]) + "#reports")


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(ExecutorReport, pk=pk)
    accept, comment = decision(request)
    return act_and_return(
        request,
        lambda: review_report(report, actor=request.user, accept=accept, comment=comment),
        success=_("The report was accepted.") if accept else _("The report was returned."),
        fallback=reverse("programme:reporting"),
    )


@login_required
@require_POST
def reports_review_bulk(request: HttpRequest) -> HttpResponse:
    """Accept or return the ticked reports of the review queue, each checked on its own."""
    asked = read_bar(
        request, "report", ("accept", "return"), missing=_("Choose reports and a decision.")
    )
    if asked is None:
        return redirect_next(request, reverse("programme:reporting"))
    ids, chosen, comment = asked
    accept = chosen == "accept"
    act_on_each(
        request,
        ExecutorReport.objects.filter(pk__in=ids).select_related("measure").order_by("pk"),
        lambda report: review_report(report, actor=request.user, accept=accept, comment=comment),
        label=lambda report: (
            _("measure %(number)s, report %(id)s")
            % {"number": report.measure.number, "id": report.pk}
        ),
        done_message=lambda n: (
            (
                ngettext("%(n)d report accepted.", "%(n)d reports accepted.", n)
                if accept
                else ngettext("%(n)d report returned.", "%(n)d reports returned.", n)
            )
            % {"n": n}
        ),
    )
    return redirect_next(request, reverse("programme:reporting"))


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(ReportEvidence.objects.select_related("report"), pk=pk)
    if not may_see_evidence(request.user, evidence.report):
        raise PermissionDenied(_("Evidence files are for analysts and the reporting body."))
    if not evidence.file:
        raise Http404
    return private_download(evidence.file, evidence.title)


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("direction"), code=code)
    values = list(indicator.values.select_related("region").order_by("year", "kind"))
    national = [v for v in values if v.region_id is None]
    regional: dict[Region, list[Any]] = {}
    for value in values:
        if value.region is not None:
            regional.setdefault(value.region, []).append(value)
    computed = computed_rows(indicator.code, national)
    return render(
        request,
        "programme/indicator.html",
        {
            "indicator": indicator,
            "verdict": indicator_verdict(indicator, national),
            "values": national,
            "chart": indicator_chart(indicator, national),
            "regional": [(r, indicator_chart(indicator, v), v) for r, v in regional.items()],
            "computed": computed,
            "computed_regions": computed_regions(
                indicator.code, list(Region.objects.order_by("code")), [r["year"] for r in computed]
            ),
        },
    )


def regions(request: HttpRequest) -> HttpResponse:
    today = _today()
    year = _year(request, today.year)
    cards = scorecards(today, year)
    settings = RankingSettings.current()
    return render(
        request,
        "programme/regions.html",
        {
            "cards": cards,
            "year": year,
            "years": range(2024, today.year + 1),
            "settings": settings,
            "components": [(key, label) for key, label in COMPONENTS.items()],
            "scores": {
                c.region.code: {
                    "name": c.region.name,
                    "score": None if c.score is None else round(c.score * 100),
                    "rank": c.rank,
                    "ranked": sum(1 for other in cards if other.rank is not None),
                }
                for c in cards
            },
        },
    )


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    today = _today()
    year = _year(request, today.year)
    card = next(c for c in scorecards(today, year) if c.region.pk == region.pk)
    measures = {m.number: m for m in Measure.objects.all()}
    return render(
        request,
        "programme/region.html",
        {
            "card": card,
            "region": region,
            "year": year,
            "rows": [(measures[n], v) for n, v in sorted(card.verdicts.items())],
            **_export_choices(),
            "export_year": year,
        },
    )


def lagging(request: HttpRequest) -> HttpResponse:
    today = _today()
    year = _year(request, today.year)
    measures = {m.number: m for m in Measure.objects.all()}
    found = lagging_regions(today, year)
    return render(
        request,
        "programme/lagging.html",
        {
            "regions": [
                (item.card, [(measures[n], v) for n, v in item.measures]) for item in found
            ],
            "year": year,
            "today": today,
        },
    )


@login_required
def reporting(request: HttpRequest) -> HttpResponse:
    """Show the executors' desk (what is due, the template, the upload) and analysts' queue."""
    scope = scope_of(request.user)
    pairs = reporting_bodies(request.user)
    if not pairs and not scope.reads_all:
        raise PermissionDenied(_("Only executors, akimat operators and analysts report here."))
    today = _today()
    snap = PlanSnapshot.load(today)
    mine = {(body.pk, region.pk if region else None): (body, region) for body, region in pairs}
    duties: list[dict[str, Any]] = []
    returned = {
        (r.measure_id, r.body_id, r.region_id, r.year, r.period): r
        for r in ExecutorReport.objects.filter(
            status=ReportStatus.RETURNED, body_id__in=[body_id for body_id, _r in mine]
        )
    }
    for owed in snap.obligations(date(today.year - 1, 1, 1), today + timedelta(days=60)):
        if (owed.body_id, owed.region_id) not in mine:
            continue
        body, region = mine[(owed.body_id, owed.region_id)]
        row = owed.report
        back = returned.get((owed.measure.pk, owed.body_id, owed.region_id, owed.year, owed.period))
        duties.append(
            {
                "measure": owed.measure,
                "body": body,
                "region": region,
                "year": owed.year,
                "period": Period(owed.period).label,
                "due": owed.due,
                "overdue": row is None
                and (back.resend_by < today if back and back.resend_by else owed.due < today),
                "late": row is not None and row.submitted_at > owed.due,
                "status": ReportStatus(row.status).label if row else "",
                # A returned report is owed again: the desk says so, why, and by when.
                "returned": back,
            }
        )
    duties.sort(key=lambda d: (d["due"], d["measure"].number))
    queue = None
    work = None
    region = None
    if scope.reads_all:
        region = bind(TerritoryPeriodFilterSet, request.GET).form.cleaned_data["region"]
        waiting = ExecutorReport.objects.filter(status=ReportStatus.SUBMITTED)
        if region is not None:
            waiting = waiting.filter(region=region)
        # Oldest first, so nothing waits longest; 50 a page, every page reachable.
        work = page_of(
            request,
            waiting.select_related("measure", "body", "region").order_by("submitted_at", "pk"),
        )
        queue = work.page
    return render(
        request,
        "programme/reporting.html",
        {
            "pairs": pairs,
            "duties": duties,
            "queue": queue,
            "work": work,
            "bulk": bulk_bar(
                "bulk-review",
                reverse("programme:reports-review"),
                [("accept", _("Accept")), ("return", _("Return"))],
                comment_label=_("Comment (required to return)"),
                button=_("Apply to the chosen reports"),
                anchor="#queue",
            )
            if queue
            else None,
            "queue_region": region,
            "regions": Region.objects.order_by("code"),
            "years": range(2024, 2030),
            "this_year": today.year,
            "periods": Period.choices,
            "errors": [],
        },
    )


def _pair_from(request: HttpRequest, data: Any) -> tuple[Body, Region | None]:
    body = get_object_or_404(Body, code=data.get("body", ""))
    code = data.get("region", "")
    region = get_object_or_404(Region, code=code) if code else None
    if not may_report(request.user, body, region):
        raise PermissionDenied(_("You may only report for your own body and territory."))
    return body, region


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    body, region = _pair_from(request, request.GET)
    year = _year(request, _today().year)
    period = request.GET.get("period", Period.YEAR)
    if period not in Period.values:
        period = Period.YEAR
    language = request.GET.get("lang", "ru")
    if language not in documents.EXPORT_LANGUAGES:
        language = "ru"
    content = excel.make_template(body, region, year, period, language)
    response = HttpResponse(content, content_type=XLSX)
    name = excel.template_name(body, region, year, period)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def template_upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the filled-in template to upload."))
        return redirect("programme:reporting")
    try:
        saved = excel.import_upload(upload, user=request.user)
    except excel.UploadError as exc:
        return render(
            request,
            "programme/upload_errors.html",
            {"errors": [str(e) for e in exc.errors], "message": exc.message},
            status=400,
        )
    messages.success(
        request,
        _("Reports saved and sent for review: %(count)s.") % {"count": len(saved)},
    )
    return redirect("programme:reporting")


def export(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    today = _today()
    year = _year(request, today.year - 1)
    language = request.GET.get("lang", "ru")
    if language not in documents.EXPORT_LANGUAGES:
        language = "ru"
    period = _query(request)["period"] or Period.YEAR
    kind = request.GET.get("format", "docx")
    place = region.code if region else "KZ"
    if kind == "xlsx":
        content, mime = documents.to_xlsx(year, region, language, period), XLSX
    else:
        kind = "docx"
        content, mime = documents.to_docx(year, region, language, period), DOCX
    response = HttpResponse(content, content_type=mime)
    half = "-h1" if period == Period.HALF_YEAR else ""
    response["Content-Disposition"] = (
        f'attachment; filename="taza-plan-{place}-{year}{half}-{language}.{kind}"'
    )
    return response
