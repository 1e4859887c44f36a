"""The fires' pages: the map and list, a fire with its steps, and the FIRMS upload."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taza.accounts.permissions import can_act_for, scope_of
from taza.core.files import private_download
from taza.core.params import bind
from taza.geo.models import District, Region
from taza.hazards.choices import FIRE_STEPS, FireState, RiskStatus, WarningLevel
from taza.hazards.filtersets import FireFilterSet, FloodFilterSet
from taza.hazards.firms import FirmsError, parse
from taza.hazards.forms import (
    PlaceSubscriptionForm,
    PreparednessForm,
    SettlementForm,
    SettlementSubscriptionForm,
)
from taza.hazards.models import (
    PREPAREDNESS_FIELDS,
    FireEvent,
    Gauge,
    Preparedness,
    ProtectedArea,
    Settlement,
    Subscription,
)
from taza.hazards.querysets import (
    fire_numbers,
    forecast_record,
    preparedness_totals,
    routed_bodies,
    visible_fires,
)
from taza.hazards.services import (
    AreasRefused,
    HazardError,
    import_areas,
    import_levels,
    ingest,
    record_preparedness,
    set_settlement,
    step,
    subscribe_place,
    subscribe_settlement,
    unsubscribe,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PAGE_SIZE = 50


def index(request: HttpRequest) -> HttpResponse:
    """Show fires and river gauges on one map, filtered by period, state, region and level."""
    fires = bind(FireFilterSet, request.GET, visible_fires(request.user))
    gauges = bind(FloodFilterSet, request.GET, Gauge.objects.filter(active=True))
    query = request.GET.urlencode()
    return render(
        request,
        "hazards/index.html",
        {
            "fires": fires.form.cleaned_data,
            "gauges": gauges.form.cleaned_data,
            "fire_count": fires.qs.count(),
            "gauge_count": gauges.qs.count(),
            "states": FireState.choices,
            "levels": WarningLevel.choices,
            "regions": Region.objects.order_by("code"),
            "query": query,
        },
    )


def fires(request: HttpRequest) -> HttpResponse:
    """List the fires a person may see, newest first, on a map and in pages."""
    filters = bind(FireFilterSet, request.GET, visible_fires(request.user))
    state = filters.form.cleaned_data.get("state") or ""
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "hazards/fires.html",
        {
            "page": page,
            "states": FireState.choices,
            "state": state,
            "numbers": fire_numbers(today.replace(month=1, day=1), today),
            "by_area": fire_numbers(today.replace(month=1, day=1), today, by="area"),
            "by_month": fire_numbers(today.replace(month=1, day=1), today, by="month"),
            "year": today.year,
        },
    )


def fires_geojson(request: HttpRequest) -> JsonResponse:
    """Return the open and recent fires a person may see as GeoJSON points."""
    rows = bind(FireFilterSet, request.GET, visible_fires(request.user)).qs.order_by("-last_seen")[
        :500
    ]
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [f.lon, f.lat]},
                    "properties": {
                        "id": f.pk,
                        "state": f.state,
                        "last_seen": f.last_seen.isoformat(),
                        "detections": f.detections,
                        "frp": round(f.frp_total, 1),
                    },
                }
                for f in rows
            ],
        }
    )


def fire(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a fire: where, since when, how strong, its state and the steps one may take.

    A fire that grew into another one sends its readers (an alert's link) to that one.
    """
    joined = (
        FireEvent.objects.filter(pk=pk, merged_into__isnull=False)
        .values_list("merged_into", flat=True)
        .first()
    )
    if joined is not None:
        return redirect("hazards:fire", pk=joined)
    event = get_object_or_404(
        visible_fires(request.user).select_related("emergency", "protected_area"), pk=pk
    )
    may_act = request.user.is_authenticated and can_act_for(
        request.user, event, routed_bodies(event)
    )
    steps = FIRE_STEPS.get(FireState(event.state), ()) if may_act else ()
    return render(
        request,
        "hazards/fire.html",
        {"fire": event, "steps": [(s, FireState(s).label) for s in steps]},
    )


@login_required
@require_POST
def fire_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a step on a fire (confirm, dismiss, extinguished with the burned area)."""
    event = get_object_or_404(visible_fires(request.user), pk=pk)
    burned: Decimal | None = None
    if request.POST.get("burned_ha", "").strip():
        try:
            burned = Decimal(request.POST["burned_ha"].strip().replace(",", "."))
        except InvalidOperation:
            raise HazardError(_("Give the burned area in hectares."), field="burned_ha") from None
        if not burned.is_finite() or burned > Decimal("10000000"):
            raise HazardError(_("Give the burned area in hectares."), field="burned_ha")
    step(
        actor=request.user,
        event=event,
        to=request.POST.get("to", ""),
        burned_ha=burned,
        reason=request.POST.get("note", "")[:500],
    )
    return redirect(event)


def _uploaded_text(request: HttpRequest, too_big: str) -> tuple[str, str]:
    """Return the uploaded file's name and UTF-8 text; refuse a missing or oversized one."""
    file = request.FILES.get("file")
    if file is None or file.size is None or file.size > MAX_UPLOAD_BYTES:
        raise HazardError(too_big)
    try:
        return file.name or "", file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HazardError(_("The file is not UTF-8 text.")) from None


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Let an analyst load a FIRMS CSV file by hand (when the scheduled fetch is off)."""
    if not scope_of(request.user).reads_all:
        raise PermissionDenied(_("Only monitoring analysts load satellite hotspots."))
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        try:
            name, text = _uploaded_text(request, _("Choose a FIRMS CSV file of at most 20 MB."))
            parsed = parse(text)
            context["result"] = ingest(parsed.hotspots, source=f"upload:{name}"[:40])
            context["errors"] = parsed.errors[:100]
        except (FirmsError, HazardError) as refused:
            context["refused"] = refused.message
            status = 400
    return render(request, "hazards/upload.html", context, status=status)


def floods(request: HttpRequest) -> HttpResponse:
    """Show the flood season: gauges by warning level, settlements at risk, preparedness."""
    filters = bind(FloodFilterSet, request.GET, Gauge.objects.filter(active=True))
    region = filters.form.cleaned_data.get("region")
    gauges = filters.qs.select_related("region", "district")
    settlements = Settlement.objects.select_related("region", "gauge")
    prepared = preparedness_totals(timezone.localdate().year, region)
    if region is not None:
        settlements = settlements.filter(region=region)
    status = dict(
        settlements.values("status").annotate(n=Count("id")).values_list("status", "n").order_by()
    )
    return render(
        request,
        "hazards/floods.html",
        {
            "gauges": gauges,
            "region": region,
            "regions": Region.objects.order_by("code"),
            "settlements": settlements,
            "status": [(value, label, status.get(value, 0)) for value, label in RiskStatus.choices],
            "prepared": prepared,
            "may_enter": bool(scope_of(request.user).regions or scope_of(request.user).districts),
        },
    )


def gauges_geojson(request: HttpRequest) -> JsonResponse:
    """Return the gauges in service as GeoJSON points coloured by warning level."""
    rows = bind(FloodFilterSet, request.GET, Gauge.objects.filter(active=True)).qs
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [g.lon, g.lat]},
                    "properties": {
                        "code": g.code,
                        "name": g.name,
                        "river": g.river,
                        "level": g.level,
                        "level_cm": g.last_cm,
                        "danger_cm": g.danger_cm,
                    },
                }
                for g in rows
            ],
        }
    )


def gauge(request: HttpRequest, code: str) -> HttpResponse:
    """Show a gauge: its level against the marks over 10 days, the trend and the forecast."""
    found = get_object_or_404(
        Gauge.objects.select_related("region", "district", "upstream"), code=code
    )
    since = timezone.now() - timedelta(days=10)
    readings = list(found.readings.filter(observed_at__gte=since).order_by("observed_at"))
    shown = [r for r in readings if not r.implausible]
    top = (
        max([found.critical_cm * 1.1, *(r.level_cm for r in shown)])
        if shown
        else found.critical_cm * 1.1
    )
    width, height = 600, 160
    span = (timezone.now() - since).total_seconds()

    def y(level: float) -> float:
        return round(height - max(level, 0) / top * height, 1)

    points = " ".join(
        f"{(r.observed_at - since).total_seconds() / span * width:.1f},{y(r.level_cm)}"
        for r in shown
    )
    checked = found.forecasts.filter(error_hours__isnull=False).order_by("-made_at")[:10]
    return render(
        request,
        "hazards/gauge.html",
        {
            "gauge": found,
            "readings": readings[-48:],
            "points": points,
            "danger_y": y(found.danger_cm),
            "critical_y": y(found.critical_cm),
            "width": width,
            "height": height,
            "checked": checked,
            "record": forecast_record(found),
            "settlements": Settlement.objects.filter(gauge=found),
        },
    )


@login_required
def levels_upload(request: HttpRequest) -> HttpResponse:
    """Let an akimat's staff or an analyst load gauge readings from a CSV file."""
    if not scope_of(request.user).works_reports:
        raise PermissionDenied(_("Only akimats' staff and analysts load gauge readings."))
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        try:
            _name, text = _uploaded_text(request, _("Choose a CSV file of at most 20 MB."))
            context["results"] = sorted(import_levels(text, actor=request.user).items())
        except HazardError as refused:
            context["refused"] = refused.message
            status = 400
    return render(request, "hazards/levels_upload.html", context, status=status)


@login_required
def follow(request: HttpRequest) -> HttpResponse:
    """Show and change what the person follows: fires near a place, settlements' floods."""
    place_form = PlaceSubscriptionForm()
    settlement_form = SettlementSubscriptionForm(prefix="flood")
    if request.method == "POST":
        if "lat" in request.POST:
            place_form = PlaceSubscriptionForm(request.POST)
            if place_form.is_valid():
                subscribe_place(
                    actor=request.user,
                    lat=place_form.cleaned_data["lat"],
                    lon=place_form.cleaned_data["lon"],
                    radius_km=place_form.cleaned_data["radius_km"],
                )
                messages.success(request, _("Saved: you will be told of fires confirmed near it."))
                return redirect("hazards:follow")
        else:
            settlement_form = SettlementSubscriptionForm(request.POST, prefix="flood")
            if settlement_form.is_valid():
                subscribe_settlement(
                    actor=request.user, settlement=settlement_form.cleaned_data["settlement"]
                )
                messages.success(request, _("Saved: you will be told when floods threaten it."))
                return redirect("hazards:follow")
    mine = Subscription.objects.filter(user_id=request.user.pk or 0).select_related(
        "settlement__region"
    )
    return render(
        request,
        "hazards/follow.html",
        {
            "place": next((s for s in mine if s.settlement_id is None), None),
            "settlements": [s for s in mine if s.settlement_id is not None],
            "place_form": place_form,
            "settlement_form": settlement_form,
        },
        status=400 if place_form.errors or settlement_form.errors else 200,
    )


@login_required
@require_POST
def unfollow(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop one of the person's subscriptions (another's is left as it is)."""
    subscription = get_object_or_404(Subscription, pk=pk, user_id=request.user.pk or 0)
    unsubscribe(actor=request.user, subscription=subscription)
    messages.success(request, _("Stopped."))
    return redirect("hazards:follow")


def areas(request: HttpRequest) -> HttpResponse:
    """List the protected areas and forests fires are located to, with their fires this year."""
    today = timezone.localdate()
    fires = {
        n.area.pk: n
        for n in fire_numbers(today.replace(month=1, day=1), today, by="area")
        if n.area is not None
    }
    rows = [
        (area, fires.get(area.pk))
        for area in ProtectedArea.objects.filter(active=True).select_related(
            "region", "administration"
        )
    ]
    return render(
        request,
        "hazards/areas.html",
        {"rows": rows, "year": today.year, "may_load": scope_of(request.user).is_admin},
    )


@login_required
def areas_upload(request: HttpRequest) -> HttpResponse:
    """Let an administrator load protected areas' outlines as GeoJSON (all or nothing)."""
    if not scope_of(request.user).is_admin:
        raise PermissionDenied(_("Only administrators load protected areas."))
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        try:
            _name, text = _uploaded_text(request, _("Choose a GeoJSON file of at most 20 MB."))
            context["created"], context["updated"] = import_areas(text, actor=request.user)
        except AreasRefused as refused:
            context["problems"] = refused.problems[:100]
            status = 400
        except HazardError as refused:
            context["refused"] = refused.message
            status = 400
    return render(request, "hazards/areas_upload.html", context, status=status)


def _places(user: Any) -> list[tuple[str, str]]:
    """Return what the person enters season work for: their region's akimat, or districts."""
    scope = scope_of(user)
    places = [(f"R{r.pk}", r.name) for r in Region.objects.filter(pk__in=scope.regions)]
    places += [
        (f"D{d.pk}", f"{d.name} ({d.region.name})")
        for d in District.objects.filter(pk__in=scope.districts).select_related("region")
    ]
    return places


def _place(value: str) -> tuple[Region, District | None]:
    kind, pk = value[:1], value[1:]
    if kind == "D" and pk.isdigit():
        district = get_object_or_404(District.objects.select_related("region"), pk=int(pk))
        return district.region, district
    if kind == "R" and pk.isdigit():
        return get_object_or_404(Region, pk=int(pk)), None
    raise HazardError(_("Choose your akimat's territory."), field="place")


@login_required
def flood_work(request: HttpRequest) -> HttpResponse:
    """Let an akimat's staff enter the season's work with evidence and their settlements."""
    places = _places(request.user)
    if not places:
        raise PermissionDenied(_("Only akimats' staff enter flood-season work."))
    form = PreparednessForm(places=places)
    status = 200
    if request.method == "POST":
        form = PreparednessForm(request.POST, request.FILES, places=places)
        if form.is_valid():
            upload = form.cleaned_data["evidence_file"]
            try:
                region, district = _place(form.cleaned_data["place"])
                record_preparedness(
                    actor=request.user,
                    region=region,
                    district=district,
                    year=form.cleaned_data["year"],
                    figures={n: form.cleaned_data[n] for n in PREPAREDNESS_FIELDS},
                    source=form.cleaned_data["source"],
                    evidence_url=form.cleaned_data["evidence_url"],
                    evidence=(upload.name, upload.read()) if upload else None,
                )
            except HazardError as refused:
                field = refused.field if refused.field in form.fields else None
                if refused.field == "evidence":
                    field = "evidence_file"
                form.add_error(field, refused.message)
            else:
                messages.success(request, _("Saved. The region's totals include it."))
                return redirect("hazards:flood-work")
        status = 400
    scope = scope_of(request.user)
    year = timezone.localdate().year
    entries = Preparedness.objects.filter(
        Q(region_id__in=scope.regions, district=None) | Q(district_id__in=scope.districts)
    ).select_related("region", "district")
    settlements = (
        Settlement.objects.filter(
            Q(region_id__in=scope.regions) | Q(district_id__in=scope.districts)
        )
        .select_related("region", "district", "gauge")
        .order_by("name")
    )
    return render(
        request,
        "hazards/flood_work.html",
        {
            "form": form,
            "entries": entries.order_by("-year", "region__code"),
            "settlements": [
                (s, SettlementForm(instance=s, prefix=f"s{s.pk}")) for s in settlements
            ],
            "year": year,
        },
        status=status,
    )


@login_required
@require_POST
def settlement_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a settlement's risk status and shelters (its akimat's staff)."""
    settlement = get_object_or_404(Settlement, pk=pk)
    form = SettlementForm(request.POST, instance=Settlement(), prefix=f"s{pk}")
    if not form.is_valid():
        raise HazardError(
            " ".join(str(e) for errors in form.errors.values() for e in errors), field="status"
        )
    set_settlement(
        actor=request.user,
        settlement=settlement,
        status=form.cleaned_data["status"],
        shelter_places=form.cleaned_data["shelter_places"],
        evacuation_points=form.cleaned_data["evacuation_points"],
    )
    messages.success(request, _("Saved."))
    return redirect("hazards:flood-work")


@login_required
def preparedness_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Hand an entry's evidence file to analysts and the akimat's own staff, as a download."""
    entry = get_object_or_404(Preparedness, pk=pk)
    scope = scope_of(request.user)
    if not (scope.reads_all or scope.covers(entry.region_id, entry.district_id)):
        raise PermissionDenied(_("Evidence files are for analysts and the akimat's staff."))
    if not entry.evidence:
        raise Http404
    return private_download(entry.evidence, f"preparedness-{entry.year}")
