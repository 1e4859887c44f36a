"""The fires' pages: the map and list, a fire with its steps, and the FIRMS upload."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taza.accounts.permissions import can_change, scope_of
from taza.core.params import bind
from taza.hazards.choices import FIRE_STEPS, FireState
from taza.hazards.filtersets import FireFilterSet
from taza.hazards.firms import FirmsError, parse
from taza.hazards.querysets import visible_fires
from taza.hazards.services import HazardError, ingest, step

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PAGE_SIZE = 50


def fires(request: HttpRequest) -> HttpResponse:
    """List the fires a person may see, newest first, on a map and in pages."""
    filters = bind(FireFilterSet, request.GET, visible_fires(request.user))
    state = filters.form.cleaned_data.get("state") or ""
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/fires.html",
        {"page": page, "states": FireState.choices, "state": state},
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
    """Show a fire: where, since when, how strong, its state and the steps one may take."""
    event = get_object_or_404(visible_fires(request.user), pk=pk)
    may_act = request.user.is_authenticated and can_change(request.user, event)
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


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Let an analyst load a FIRMS CSV file by hand (when the scheduled fetch is off)."""
    if not scope_of(request.user).reads_all:
        raise PermissionDenied(_("Only monitoring analysts load satellite hotspots."))
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        file = request.FILES.get("file")
        try:
            if file is None or file.size is None or file.size > MAX_UPLOAD_BYTES:
                raise FirmsError(_("Choose a FIRMS CSV file of at most 20 MB."))
            try:
                text = file.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise FirmsError(_("The file is not UTF-8 text.")) from None
            parsed = parse(text)
            context["result"] = ingest(parsed.hotspots, source=f"upload:{file.name}"[:40])
            context["errors"] = parsed.errors[:100]
        except FirmsError as refused:
            context["refused"] = refused.message
            status = 400
    return render(request, "hazards/upload.html", context, status=status)
