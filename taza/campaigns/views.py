"""Events on a map and a calendar, registration, the organiser's console, results."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from taza.accounts.permissions import scope_of
from taza.campaigns import totals as campaign_totals
from taza.campaigns.choices import CampaignKind, EventStatus, RegistrationStatus, ResultStatus
from taza.campaigns.filtersets import (
    EventFilterSet,
    OrganiserFilterSet,
    ReviewFilterSet,
    TotalsFilterSet,
)
from taza.campaigns.forms import EventForm, ResultForm
from taza.campaigns.models import ACTIVE, Campaign, Event, EventResult, Registration
from taza.campaigns.querysets import nearest_first, organiser_console, upcoming_events
from taza.campaigns.services import (
    CampaignError,
    EventInput,
    ResultInput,
    cancel_event,
    cancel_registration,
    confirm_attendance,
    create_event,
    may_organise,
    register,
    review_result,
    submit_result,
    volunteer_record,
)
from taza.core.bulk import act_on_each, bulk_bar, read_bar
from taza.core.clients import intake_limited
from taza.core.http import act_and_return, decision, redirect_next
from taza.core.params import bind
from taza.core.queues import map_point, page_of
from taza.geo.models import Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upcoming(request: HttpRequest) -> HttpResponse:
    """Events to come, by date, or nearest first when the visitor gives a position."""
    filters = bind(EventFilterSet, request.GET, upcoming_events())
    query = filters.form.cleaned_data
    lat, lon, region, kind = query["lat"], query["lon"], query["region"], query["kind"]
    nearest: list[Event] = []
    by_day: dict[date, list[Event]] = {}
    page = None
    if lat is not None and lon is not None:
        nearest = nearest_first(list(filters.qs[:300]), lat, lon)[:20]
    else:
        # By date, 50 a page, every page reachable with the filters kept.
        page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
        for event in page:
            by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaigns/upcoming.html",
        {
            "by_day": by_day,
            "page": page,
            "query": query.urlencode(),
            "nearest": nearest,
            "regions": Region.objects.order_by("code"),
            "region": region,
            "kinds": CampaignKind.choices,
            "kind": kind,
            "campaigns": Campaign.objects.filter(ends_on__gte=timezone.localdate())[:20],
        },
    )


def events_geojson(request: HttpRequest) -> JsonResponse:
    """Upcoming events for the map: no personal data, just place, time and places left."""
    events = upcoming_events()[:2000]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [e.lon, e.lat]},
            "properties": {
                "id": e.pk,
                "title": e.display_title,
                "starts": timezone.localtime(e.starts_at).strftime("%d.%m.%Y %H:%M"),
                "campaign": e.campaign.name,
            },
        }
        for e in events
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _person_registration(request: HttpRequest, event: Event) -> Registration | None:
    if not request.user.is_authenticated:
        return None
    return event.registrations.filter(user=request.user).first()


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(
        Event.objects.select_related("campaign", "region", "district", "organiser_body"), pk=pk
    )
    organiser = may_organise(request.user, event)
    registrations = event.registrations.select_related("user", "telegram")
    taken = registrations.filter(status=RegistrationStatus.REGISTERED).count()
    result = EventResult.objects.filter(event=event).first()
    return render(
        request,
        "campaigns/event.html",
        {
            "event": event,
            "mine": _person_registration(request, event),
            "taken": taken,
            "waiting": registrations.filter(status=RegistrationStatus.WAITLISTED).count(),
            "left": None if event.capacity is None else max(event.capacity - taken, 0),
            "organiser": organiser,
            "attendees": list(registrations.exclude(status=RegistrationStatus.CANCELLED))
            if organiser
            else [],
            "result": result,
            "result_public": result is not None
            and (
                result.status == ResultStatus.ACCEPTED
                or organiser
                or scope_of(request.user).reads_all
            ),
            "result_form": ResultForm() if organiser and event.is_over else None,
            "can_review": scope_of(request.user).reads_all,
            "open": event.status == EventStatus.SCHEDULED and event.starts_at > timezone.now(),
        },
    )


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    if intake_limited(request, "event-register"):
        messages.error(request, _("Too many requests from this connection; try again later."))
        return redirect("campaigns:event", pk=pk)
    try:
        registration = register(event, user=request.user, channel="web")
    except CampaignError as exc:
        messages.error(request, exc.message)
    else:
        if registration.status == RegistrationStatus.WAITLISTED:
            messages.info(request, _("The event is full: you are on the waiting list."))
        else:
            messages.success(request, _("You are registered. See you there!"))
    return redirect("campaigns:event", pk=pk)


@login_required
@require_POST
def event_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    registration = event.registrations.filter(user=request.user.pk, status__in=ACTIVE).first()
    if registration is not None:
        try:
            cancel_registration(registration, actor=request.user)
        except CampaignError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your registration is cancelled."))
    return redirect("campaigns:event", pk=pk)


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = create_event(
                EventInput(
                    campaign=data["campaign"],
                    title=data["title"],
                    title_kk=data["title_kk"],
                    title_ru=data["title_ru"],
                    title_en=data["title_en"],
                    description=data["description"],
                    organiser_kind=data["organiser_kind"],
                    organiser_name=data["organiser_name"],
                    organiser_body=data["organiser_body"],
                    lat=data["lat"],
                    lon=data["lon"],
                    address=data["address"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    capacity=data["capacity"],
                    target_sites=data["target_sites"],
                ),
                actor=request.user,
            )
        except CampaignError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The event is published."))
            return redirect("campaigns:event", pk=event.pk)
    return render(
        request, "campaigns/event_new.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    try:
        cancel_event(event, actor=request.user, reason=request.POST.get("reason", ""))
    except CampaignError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:event", pk=pk)


@login_required
@require_POST
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    came = [int(v) for v in request.POST.getlist("attended") if v.isdigit()]
    try:
        count = confirm_attendance(event, came, actor=request.user)
    except CampaignError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Attendance recorded: %(count)s came.") % {"count": count})
    return redirect("campaigns:event", pk=pk)


@login_required
@require_POST
def event_result(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    if not may_organise(request.user, event):
        raise PermissionDenied(_("Only the event's organiser can do this."))
    form = ResultForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect("campaigns:event", pk=pk)
    data = form.cleaned_data
    try:
        result = submit_result(
            event,
            ResultInput.from_figures(data, photos=request.FILES.getlist("photos")),
            actor=request.user,
        )
    except CampaignError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The results were sent for review."))
        for flag in result.flags:
            messages.warning(request, flag)
    return redirect("campaigns:event", pk=pk)


@login_required
@require_POST
def result_review(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(EventResult, pk=pk)
    accept, comment = decision(request)
    return act_and_return(
        request,
        lambda: review_result(result, actor=request.user, accept=accept, comment=comment),
        success=_("The results were accepted.") if accept else _("The results were returned."),
        fallback=reverse("campaigns:review"),
    )


@login_required
@require_POST
def results_review_bulk(request: HttpRequest) -> HttpResponse:
    """Accept or return the ticked results of the review queue, each checked on its own."""
    asked = read_bar(
        request, "result", ("accept", "return"), missing=_("Choose results and a decision.")
    )
    if asked is None:
        return redirect_next(request, reverse("campaigns:review"))
    ids, chosen, comment = asked
    accept = chosen == "accept"
    act_on_each(
        request,
        EventResult.objects.filter(pk__in=ids).select_related("event").order_by("pk"),
        lambda result: review_result(result, actor=request.user, accept=accept, comment=comment),
        label=lambda result: result.event.display_title,
        done_message=lambda n: (
            (
                ngettext("%(n)d result accepted.", "%(n)d results accepted.", n)
                if accept
                else ngettext("%(n)d result returned.", "%(n)d results returned.", n)
            )
            % {"n": n}
        ),
    )
    return redirect_next(request, reverse("campaigns:review"))


@login_required
def console(request: HttpRequest) -> HttpResponse:
    """Show the organiser's events: registrations, attendance and results still to report."""
    scope = scope_of(request.user)
    events = organiser_console(
        user_id=int(request.user.pk or 0), bodies=scope.bodies, everything=scope.is_admin
    )
    filters = bind(OrganiserFilterSet, request.GET, events)
    queue = page_of(request, filters.qs)
    rows = []
    for event in queue.page:
        # A missing result raises RelatedObjectDoesNotExist, an AttributeError.
        result = getattr(event, "result", None)
        rows.append(
            {
                "event": event,
                "registered": event.registered,
                "waiting": event.waiting,
                "result": result,
                "needs_result": event.is_over
                and event.status == EventStatus.SCHEDULED
                and result is None,
            }
        )
    return render(
        request,
        "campaigns/console.html",
        {
            "rows": rows,
            "queue": queue,
            # The page's events on a map, those still to report in red: no further query.
            "points": [
                map_point(
                    lat=row["event"].lat,
                    lon=row["event"].lon,
                    label=row["event"].display_title,
                    url=reverse("campaigns:event", args=[row["event"].pk]),
                    late=row["needs_result"],
                )
                for row in rows
            ],
            **_work_filters(filters),
        },
    )


def _work_filters(filters: Any) -> dict[str, Any]:
    """Return what a campaign work list's filter form shows: the choices and the chosen."""
    chosen = filters.form.cleaned_data
    return {
        "regions": Region.objects.order_by("code"),
        "kinds": CampaignKind.choices,
        "chosen_region": chosen.get("region"),
        "chosen_kind": chosen.get("kind") or "",
        "text": chosen.get("text") or "",
    }


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Show the results awaiting review, oldest first, 50 a page, filtered as asked."""
    if not scope_of(request.user).reads_all:
        raise PermissionDenied(_("Only monitoring analysts review results."))
    results = (
        EventResult.objects.filter(status=ResultStatus.SUBMITTED)
        .select_related("event__region", "event__campaign")
        .order_by("submitted_at", "pk")
    )
    filters = bind(ReviewFilterSet, request.GET, results)
    queue = page_of(request, filters.qs)
    return render(
        request,
        "campaigns/review.html",
        {
            "results": queue.page,
            "queue": queue,
            "bulk": bulk_bar(
                "bulk-results",
                reverse("campaigns:results-review"),
                [("accept", _("Accept")), ("return", _("Return"))],
                comment_label=_("Comment (required to return)"),
                button=_("Apply to the chosen results"),
            ),
            **_work_filters(filters),
        },
    )


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    record = volunteer_record(user=request.user)
    upcoming_places = Registration.objects.filter(
        user=request.user.pk, status__in=ACTIVE, event__starts_at__gte=timezone.now()
    ).select_related("event")
    return render(request, "campaigns/me.html", {"record": record, "upcoming": upcoming_places})


def results_page(request: HttpRequest) -> HttpResponse:
    query = bind(TotalsFilterSet, request.GET).form.cleaned_data
    today = timezone.localdate()
    since = query["since"] or date(today.year - 1, 1, 1)
    until = query["until"] or today
    if until < since:
        since, until = until, since
    region, kind = query["region"], query["kind"] or None
    found = campaign_totals.totals(since=since, until=until, region=region, campaign_kind=kind)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        name = f"taza-campaigns-{since}-{until}{'-' + region.code if region else ''}.{fmt}"
        if fmt == "csv":
            response = HttpResponse(
                campaign_totals.to_csv(found), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(campaign_totals.to_xlsx(found), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    most = max((f["participants"] for _r, f in found.by_region), default=0) or 1
    most_month = max((f["participants"] for _m, f in found.by_month), default=0) or 1
    return render(
        request,
        "campaigns/results.html",
        {
            "found": found,
            "labels": campaign_totals.figure_labels(),
            "since": since,
            "until": until,
            "region": region,
            "regions": Region.objects.order_by("code"),
            "kinds": CampaignKind.choices,
            "kind": kind or "",
            "region_bars": [
                (r, f, round(300 * f["participants"] / most)) for r, f in found.by_region
            ],
            "month_bars": [
                (m, f, height, 160 - height)
                for m, f in found.by_month
                for height in [round(160 * f["participants"] / most_month)]
            ],
            "can_review": scope_of(request.user).reads_all,
            "query": request.GET.urlencode(),
        },
    )
