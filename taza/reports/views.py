"""The citizens' form, the public page of a report, and the operator console."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from taza.accounts.models import Crew, User
from taza.accounts.permissions import can_view_personal_data, scope_of, visible
from taza.core.bulk import act_on_each, chosen
from taza.core.clients import intake_limited
from taza.core.datasets import download
from taza.core.http import act_and_return, redirect_next
from taza.core.params import bind, record_id
from taza.core.queues import map_point, page_of
from taza.core.urls import absolute_url
from taza.geo.filtersets import TerritoryPeriodFilterSet
from taza.geo.models import District, Region
from taza.reports import pending
from taza.reports.choices import OPEN_STATES, Channel, ReportState
from taza.reports.datasets import statistics_dataset
from taza.reports.filtersets import OPEN, ReportFilterSet
from taza.reports.forms import ReportForm, TransitionForm
from taza.reports.models import Report, ServiceCategory
from taza.reports.pending import KeptPhoto
from taza.reports.photos import MAX_BYTES
from taza.reports.querysets import public_history
from taza.reports.services import (
    FOLLOWABLE,
    MAX_PHOTOS,
    ReportError,
    Submission,
    add_internal_note,
    allowed_actions,
    assign_report,
    crews_for,
    examine,
    follow_report,
    may_read_internal,
    may_work_on,
    merge_reports,
    split_report,
    staff_for,
    submit_report,
    transition_report,
)
from taza.reports.stats import Statistics, statistics

FORM_FIELDS = {
    "service_code": "category",
    "location": "lat",
    "media": "photos",
    "contact": "name",
    "email": "email",
    "description": "description",
    "address": "address",
}


def new_report(request: HttpRequest) -> HttpResponse:
    """File a report from the web form; a failed submit names every mistake at once.

    The photos that passed are kept (``pending.py``), so the person fixes the rest
    without attaching them again.
    """
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "reports/new.html", _form_context(form, []))
    browser = _browser_id(request)
    kept = pending.take(request.POST.getlist("kept_photo"), browser)
    valid = form.is_valid()
    if valid and intake_limited(request, "web-intake"):
        form.add_error(None, _("Too many reports from this connection; try again later."))
        return render(request, "reports/new.html", _form_context(form, kept), status=429)
    sub = _submission(request, form, kept, browser)
    if valid:
        try:
            result = submit_report(sub)
        except ReportError:
            pass  # examined below, with every other problem
        else:
            pending.release(kept)
            report = result.report
            # The link with the secret lets this browser confirm or dispute later.
            request.session[f"report-token-{report.public_id}"] = report.reporter_token
            messages.success(
                request,
                _("Thank you! Your report № %(number)s is registered.")
                % {"number": report.public_id},
            )
            return redirect("reports:detail", public_id=report.public_id)
    examination = examine(sub)
    for problem in examination.problems:
        name = FORM_FIELDS.get(problem.field)
        if not form.has_error(name or "__all__"):
            form.add_error(name, problem.message)
    uploaded = len(examination.photos) - len(kept)
    if uploaded > 0:  # the new photos all passed: keep them for the next submit
        kept = kept + pending.keep(list(examination.photos[len(kept) :]), browser)
    return render(request, "reports/new.html", _form_context(form, kept), status=400)


def _submission(
    request: HttpRequest, form: ReportForm, kept: list[KeptPhoto], browser: str
) -> Submission:
    """Make the submission from whatever of the form was readable, with the kept photos."""
    data = form.cleaned_data
    user = request.user if request.user.is_authenticated else None
    category = data.get("category")
    lat, lon = data.get("lat"), data.get("lon")
    if lat is None or lon is None:  # a kept photo's GPS position, as on the first submit
        lat, lon = next((p.gps for p in kept if p.gps), (None, None))
    return Submission(
        channel=Channel.WEB,
        category_code=category.code if category else "",
        description=data.get("description") or "",
        lat=lat,
        lon=lon,
        address=data.get("address") or "",
        photos=[photo.open() for photo in kept] + list(data.get("photos") or []),
        idempotency_key=data.get("submission_key") or "",
        # The key is scoped to this browser: replayed from another, it finds nothing of
        # this one's, so it can never hand over the reporter's link.
        client_id=browser,
        reporter=user,
        reporter_name=data.get("name") or (user.get_full_name() if user else ""),
        reporter_email=data.get("email") or (user.email if user else ""),
        reporter_phone=data.get("phone") or "",
        language=(request.LANGUAGE_CODE or "kk")[:2],
    )


def _form_context(form: ReportForm, kept: list[KeptPhoto]) -> dict[str, Any]:
    """Give the form page its limits, so they are stated before anything is sent."""
    return {
        "form": form,
        "kept": kept,
        # The category list sends numbers; the "already reported nearby" search wants codes.
        "category_codes": {
            str(pk): code
            for pk, code in ServiceCategory.objects.filter(is_active=True).values_list("pk", "code")
        },
        "max_photos": MAX_PHOTOS,
        "max_mb": MAX_BYTES // 2**20,
    }


def _browser_id(request: HttpRequest) -> str:
    """Return a random id kept in this browser's session (it survives signing in)."""
    browser_id = request.session.get("taza-browser")
    if not browser_id:
        browser_id = request.session["taza-browser"] = secrets.token_hex(16)
    return str(browser_id)


def _token(request: HttpRequest, report: Report) -> str:
    return request.GET.get("token") or request.session.get(f"report-token-{report.public_id}", "")


def _staff_panel(request: HttpRequest, report: Report) -> dict[str, Any] | None:
    """Return what staff see on a report's page and the public never does, or None."""
    if not may_read_internal(request.user, report):
        return None
    works = may_work_on(request.user, report)
    return {
        "notes": list(report.internal_notes.select_related("author")),
        "may_work": works,
        "people": list(staff_for(report)) if works else [],
        "crews": list(crews_for(report)) if works else [],
        # Duplicates are linked both ways: those that repeat this one, shown here too.
        "repeats": list(report.duplicates.order_by("created_at").only("public_id", "state")),
    }


def report_detail(
    request: HttpRequest, public_id: str, *, follow_error: str = "", status: int = 200
) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.public().select_related("assignee", "assigned_crew"), public_id=public_id
    )
    token = _token(request, report)
    holds_secret = bool(token) and hmac.compare_digest(token, report.reporter_token)
    if holds_secret:  # opened from the private link: this browser may now act as well
        request.session[f"report-token-{report.public_id}"] = token
    actions = allowed_actions(report, request.user, reporter_token=token)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "history": public_history(report),
            "actions": actions,
            "show_contact": can_view_personal_data(request.user, report),
            "form": TransitionForm(grouped="redirect" in actions),
            # The reporter's own link, shown only to the browser that holds it, so that
            # they can confirm or dispute later from any device.
            "secret_link": (
                absolute_url(f"{report.get_absolute_url()}?token={report.reporter_token}")
                if holds_secret
                else ""
            ),
            "may_follow": report.state in FOLLOWABLE,
            "follower_count": report.followers.count(),
            "follow_error": follow_error,
            "staff": _staff_panel(request, report),
        },
        status=status,
    )


@login_required
@require_POST
def add_note(request: HttpRequest, public_id: str) -> HttpResponse:
    """Keep a note on a report for the other staff."""
    report = get_object_or_404(Report, public_id=public_id)
    return act_and_return(
        request,
        lambda: add_internal_note(report, actor=request.user, text=request.POST.get("text", "")),
        success=_("The note is kept."),
        fallback=f"{report.get_absolute_url()}#staff",
    )


@login_required
@require_POST
def assign(request: HttpRequest, public_id: str) -> HttpResponse:
    """Give a report to one person or one crew of its body, or take it back.

    The choice is ``me``, a person's id, ``crew:<id>``, or empty for nobody.
    """
    report = get_object_or_404(Report, public_id=public_id)
    chosen = request.POST.get("assignee", "")
    assignee: User | None = None
    crew: Crew | None = None
    if chosen == "me":
        assignee = User.objects.filter(pk=request.user.pk or 0).first()
    elif chosen.startswith("crew:"):
        crew = Crew.objects.filter(pk=record_id(chosen.removeprefix("crew:"))).first()
    elif chosen:
        assignee = User.objects.filter(pk=record_id(chosen)).first()
    if chosen and chosen != "me" and assignee is None and crew is None:
        messages.error(request, _("Choose a person or a crew from the list."))
        return redirect(f"{report.get_absolute_url()}#staff")
    return act_and_return(
        request,
        lambda: assign_report(report, actor=request.user, assignee=assignee, crew=crew),
        success=_("Assigned.") if assignee or crew else _("Nobody is assigned now."),
        fallback=f"{report.get_absolute_url()}#staff",
    )


@login_required
@require_POST
def merge(request: HttpRequest, public_id: str) -> HttpResponse:
    """Link two reports of one problem, from either of them."""
    report = get_object_or_404(Report, public_id=public_id)
    number = request.POST.get("other", "").strip().lstrip("№").strip()
    other = Report.objects.filter(public_id=number).first() if number.isdigit() else None
    if other is None:
        messages.error(request, _("There is no report with this number."))
        return redirect(f"{report.get_absolute_url()}#staff")
    # "into": this report repeats the other; "from": the other repeats this one.
    duplicate, into = (report, other) if request.POST.get("way") == "into" else (other, report)
    return act_and_return(
        request,
        lambda: merge_reports(duplicate, into=into, actor=request.user),
        success=_("The reports are linked as one problem."),
        fallback=f"{report.get_absolute_url()}#staff",
    )


@login_required
@require_POST
def split(request: HttpRequest, public_id: str) -> HttpResponse:
    """Undo a duplicate link, from the duplicate's page or the first report's."""
    report = get_object_or_404(Report, public_id=public_id)
    number = request.POST.get("other", "")
    target = (
        Report.objects.filter(public_id=number, duplicate_of=report).first() if number else report
    )
    if target is None:
        messages.error(request, _("There is no report with this number."))
        return redirect(f"{report.get_absolute_url()}#staff")
    return act_and_return(
        request,
        lambda: split_report(target, actor=request.user),
        success=_("The reports stand apart again."),
        fallback=f"{report.get_absolute_url()}#staff",
    )


@require_POST
def follow(request: HttpRequest, public_id: str) -> HttpResponse:
    """Follow a report someone else filed: "this is mine too", instead of a duplicate."""
    report = get_object_or_404(Report, public_id=public_id)
    user = request.user if request.user.is_authenticated else None
    try:
        added = follow_report(
            report,
            user=user,
            email=request.POST.get("email", "")[:254],
            language=(request.LANGUAGE_CODE or "kk")[:2],
        )
    except ReportError as exc:
        return report_detail(request, public_id, follow_error=exc.message, status=400)
    messages.success(
        request,
        _("Thank you: you will hear of this report's progress.")
        if added
        else _("You follow this report already."),
    )
    return redirect(f"{report.get_absolute_url()}#follow")


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """List the signed-in person's own reports, newest first."""
    mine = Report.objects.filter(reporter_id=request.user.pk).select_related("category", "region")
    page = Paginator(mine.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "reports/mine.html", {"page": page})


@require_POST
def report_action(request: HttpRequest, public_id: str) -> HttpResponse:
    report = get_object_or_404(Report, public_id=public_id)
    form = TransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request, _("The form is not valid: %(errors)s") % {"errors": form.errors.as_text()}
        )
        return redirect("reports:detail", public_id=public_id)
    data = form.cleaned_data
    try:
        transition_report(
            report,
            action=data["action"],
            actor=request.user,
            note=data["note"],
            proof=data["proof"],
            target_body=data["target_body"],
            reporter_token=_token(request, report),
        )
    except ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("reports:detail", public_id=public_id)


@login_required
def console(request: HttpRequest) -> HttpResponse:
    """Show the operator's queue: reports of their territory, the nearest deadline first."""
    scope = scope_of(request.user)
    if not scope.works_reports:
        raise PermissionDenied(_("The console is for akimat operators and analysts."))
    # One WHERE (territory OR body), not a subquery, so the database can use its indexes.
    qs = visible(request.user, Report.objects.all()) | Report.objects.filter(
        body_id__in=scope.bodies
    )
    query = request.GET.copy()
    query.setdefault("state", OPEN)
    filters = bind(ReportFilterSet, query, qs.for_console(), request=request)
    state, category = filters.form.cleaned_data["state"], filters.form.cleaned_data["category"]
    sort = request.GET.get("sort", "")
    if sort not in CONSOLE_SORTS:
        # Closed reports have no deadline left: newest first is the order that means something.
        sort = "deadline" if state in (OPEN, *OPEN_STATES) else "newest"
    queue = page_of(request, filters.qs.order_by(*CONSOLE_SORTS[sort][1]))
    page = queue.page
    return render(
        request,
        "reports/console.html",
        {
            "page": page,
            # The page's reports on a map: the same rows, no further query.
            "points": [
                map_point(
                    lat=r.lat,
                    lon=r.lon,
                    label=f"№ {r.public_id}",
                    url=r.get_absolute_url(),
                    late=r.is_late,
                )
                for r in page
            ],
            "state": state,
            "text": filters.form.cleaned_data.get("text") or "",
            "sort": sort,
            "sorts": [(key, label) for key, (label, _order) in CONSOLE_SORTS.items()],
            # Bulk actions are offered only to people who act on reports, not to analysts.
            "can_act": bool(scope.bodies or scope.is_admin),
            "category": category.code if category else "",
            "query": queue.query,
            "states": ReportState.choices,
            "categories": ServiceCategory.objects.all(),
        },
    )


# The console's orders: the nearest deadline first (so the overdue lead), or by age.
CONSOLE_SORTS: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "deadline": (gettext_lazy("nearest deadline first"), ("deadline_at", "created_at", "id")),
    "newest": (gettext_lazy("newest first"), ("-created_at", "-id")),
    "oldest": (gettext_lazy("oldest first"), ("created_at", "id")),
}


BULK_ACTIONS = ("accept", "start", "reject")


@login_required
@require_POST
def console_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to many reports; each is checked on its own, as if done singly."""
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    numbers = chosen(request, "report")
    if action not in BULK_ACTIONS or not numbers:
        messages.error(request, _("Choose reports and an action."))
        return redirect_next(request, reverse("reports:console"))
    act_on_each(
        request,
        Report.objects.filter(public_id__in=numbers).order_by("pk"),
        lambda report: transition_report(report, action=action, actor=request.user, note=note),
        label=lambda report: f"№ {report.public_id}",
        done_message=lambda n: (
            ngettext("%(n)d report changed.", "%(n)d reports changed.", n) % {"n": n}
        ),
    )
    return redirect_next(request, reverse("reports:console"))


def _month_bars(found: Statistics) -> list[dict[str, Any]]:
    """Return the bars of the month chart, drawn 100 units high, 20 units a month.

    Each month has two bars: all reports and those resolved; the figures are in the
    table beside the chart, which is what a screen reader reads.
    """
    most = max((f.total for _m, f in found.by_month), default=0) or 1
    bars = []
    for i, (month, f) in enumerate(found.by_month):
        total, done = round(100 * f.total / most), round(100 * f.done / most)
        bars.append(
            {
                "month": month,
                "x": 20 * i + 2,
                "total": total,
                "done": done,
                "total_y": 100 - total,
                "done_y": 100 - done,
                "done_x": 20 * i + 10,
            }
        )
    return bars


def statistics_page(request: HttpRequest) -> HttpResponse:
    """Open statistics: reports by month, region, district and category, to read or download."""
    period = bind(TerritoryPeriodFilterSet, request.GET).form.cleaned_data
    since, until, region = period["since"], period["until"], period["region"]
    fmt = request.GET.get("format")
    download_asked = fmt in ("csv", "xlsx")
    # Districts are read for one region on the page, or for every district in a download.
    found = statistics(
        since=since,
        until=until,
        region_id=region.pk if region else None,
        districts=bool(region) or download_asked,
    )
    if fmt in ("csv", "xlsx"):
        parts = ["taza-reports", str(since or ""), str(until or ""), region.code if region else ""]
        title = _("Citizens' reports in figures")
        return download(statistics_dataset(found, title), fmt, "-".join(p for p in parts if p))
    regions = {r.pk: r for r in Region.objects.all()}
    categories = {c.pk: c for c in ServiceCategory.objects.all()}
    districts = District.objects.filter(pk__in=[pk for pk in found.by_district if pk])
    by_district = sorted(
        ((d, regions[d.region_id], found.by_district[d.pk]) for d in districts),
        key=lambda row: (row[1].code, -row[2].total),
    )
    # The map shades regions, or the chosen region's districts, by their share resolved.
    shaded = (
        {d.code: (d.name, f) for d, _r, f in by_district}
        if region
        else {regions[pk].code: (regions[pk].name, f) for pk, f in found.by_region.items()}
    )
    return render(
        request,
        "reports/statistics.html",
        {
            "overall": found.overall,
            "by_region": sorted(
                ((regions[pk], f) for pk, f in found.by_region.items()),
                key=lambda pair: -pair[1].total,
            ),
            "by_category": sorted(
                ((categories[pk], f) for pk, f in found.by_category.items()),
                key=lambda pair: -pair[1].total,
            ),
            "by_district": by_district,
            "outside_districts": found.by_district.get(None),
            "by_month": found.by_month,
            "bars": _month_bars(found),
            "bars_width": 20 * len(found.by_month),
            "shaded": {
                code: {"name": name, "total": f.total, "share": f.done_share}
                for code, (name, f) in shaded.items()
            },
            "outlines": (
                reverse("districts-geojson", args=[region.code])
                if region
                else reverse("regions-geojson")
            ),
            "regions": regions.values(),
            "region": region,
            "since": since,
            "until": until,
            "query": request.GET.urlencode(),
            "states": ReportState.choices,
        },
    )


def map_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/map.html",
        {
            "categories": ServiceCategory.objects.filter(is_active=True),
            "states": ReportState.choices,
            "regions": Region.objects.all(),
        },
    )
