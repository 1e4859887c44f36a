"""The public air pages: every city with posts, a city's map and advice, a post's charts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taza.accounts.permissions import scope_of
from taza.air.choices import ADVICE, NMU_ADVICE
from taza.air.forms import SubscriptionForm
from taza.air.models import City, Post, Sensor, Subscription
from taza.air.parameters import PARAMETERS
from taza.air.querysets import (
    city_aqi,
    city_indices,
    daily_series,
    hourly_series,
    posts_now,
    warnings_for,
    warnings_in_force,
)
from taza.air.serializers import posts_geojson
from taza.air.services import CellError, PostsRefused, import_posts, subscribe

CHART_WIDTH = 600
MAX_IMPORT_BYTES = 5 * 1024 * 1024
CHART_HEIGHT = 120


def index(request: HttpRequest) -> HttpResponse:
    """List the cities with posts, each with its AQI now and any НМУ in force."""
    cities = list(City.objects.filter(posts__active=True).distinct().order_by("slug"))
    states = posts_now(Post.objects.filter(city__in=cities, active=True).select_related("city"))
    rows = []
    for c in cities:
        own = [s for s in states if s.post.city_id == c.pk]
        rows.append(
            {
                "city": c,
                "aqi": city_aqi(own),
                "online": sum(1 for s in own if s.state == "online"),
                "posts": len(own),
            }
        )
    warnings = list(warnings_in_force())
    return render(request, "air/index.html", {"rows": rows, "warnings": warnings})


def _city(slug: str) -> City:
    return get_object_or_404(City.objects.select_related("region"), slug=slug)


def city(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a city's posts on a map and in a table, the AQI now with advice, and НМУ."""
    found = _city(slug)
    states = posts_now(found.posts.filter(active=True).select_related("city"))
    worst = city_aqi(states)
    today = timezone.localdate()
    subscription = (
        Subscription.objects.filter(user=request.user, city=found).first()
        if request.user.is_authenticated
        else None
    )
    return render(
        request,
        "air/city.html",
        {
            "city": found,
            "states": states,
            "aqi": worst,
            "advice": ADVICE[worst.band] if worst else "",
            "warnings": warnings_for(found),
            "nmu_advice": NMU_ADVICE,
            "missing": [s for s in states if s.state != "online"],
            "subscription": subscription,
            "form": SubscriptionForm(instance=subscription),
            "indices": city_indices(found, today.replace(day=1), today),
        },
    )


def city_geojson(request: HttpRequest, slug: str) -> JsonResponse:
    """Return the city's posts as GeoJSON for its map."""
    found = _city(slug)
    states = posts_now(found.posts.filter(active=True).select_related("city"))
    return JsonResponse(posts_geojson(states))


def _line(values: list[float | None]) -> dict[str, Any]:
    """Return an SVG polyline (or several, split at gaps) of values, scaled to the chart."""
    known = [v for v in values if v is not None]
    top = max(known) if known else 0.0
    step = CHART_WIDTH / max(len(values) - 1, 1)
    lines: list[list[str]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if lines[-1]:
                lines.append([])
            continue
        y = CHART_HEIGHT - (value / top * (CHART_HEIGHT - 4) if top else 0)
        lines[-1].append(f"{i * step:.1f},{y:.1f}")
    return {
        "lines": [" ".join(points) for points in lines if len(points) > 1],
        "dots": [points[0] for points in lines if len(points) == 1],
        "top": top,
        "missing": len(values) - len(known),
        "count": len(values),
    }


def post(request: HttpRequest, code: str) -> HttpResponse:
    """Show a post: its sensors' latest values and age, and 24-hour, 7-day and 1-year charts."""
    found = get_object_or_404(Post.objects.select_related("city", "region", "district"), code=code)
    state = posts_now(Post.objects.filter(pk=found.pk).select_related("city"))[0]
    sensors = [s.sensor for s in state.sensors]
    wanted = request.GET.get("parameter", "")
    sensor: Sensor | None = next((s for s in sensors if s.parameter == wanted), None)
    if wanted and sensor is None:
        raise Http404(_("This post has no such sensor."))
    sensor = (
        sensor
        or next((s for s in sensors if s.parameter == "pm25"), None)
        or (sensors[0] if sensors else None)
    )
    charts = {}
    table: list[tuple[date | datetime, float | None]] = []
    if sensor is not None:
        day = hourly_series(sensor, 24)
        week = hourly_series(sensor, 24 * 7)
        year = daily_series(sensor, 365)
        charts = {
            "day": _line([v for _, v in day]),
            "week": _line([v for _, v in week]),
            "year": _line([v for _, v, _h in year]),
        }
        table = list(day)
    return render(
        request,
        "air/post.html",
        {
            "post": found,
            "state": state,
            "sensor": sensor,
            "parameter": PARAMETERS[sensor.parameter] if sensor else None,
            "charts": charts,
            "table": table,
            "advice": ADVICE[state.aqi.band] if state.aqi else "",
            "warnings": warnings_for(found.city),
            "nmu_advice": NMU_ADVICE,
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
        },
    )


@require_POST
def subscribe_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Subscribe the signed-in person to the city's alerts, at the threshold they chose."""
    found = _city(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(found.get_absolute_url())
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(found)
    subscribe(
        actor=request.user,
        city=found,
        threshold=form.cleaned_data["threshold"],
        nmu=form.cleaned_data["nmu"],
    )
    messages.success(
        request, _("Subscribed: you will be told once when the AQI reaches your threshold.")
    )
    return redirect(found)


def methodology(request: HttpRequest) -> HttpResponse:
    """Explain how the AQI, СИ, НП and the posts' states are computed, and what they omit."""
    return render(request, "air/methodology.html", {"parameters": PARAMETERS.values()})


TEMPLATE_CSV = (
    "code,name_kk,name_ru,name_en,city,lat,lon,kind,owner_kind,owner_name,sensors\r\n"
    'almaty-31,"Алматы, №31 бекет","Алматы, пост №31","Almaty, post 31",almaty,'
    "43.2401,76.9102,automatic,akimat,,pm25;pm10;no2:ppb;co:mg/m3\r\n"
)


@login_required
def import_posts_page(request: HttpRequest) -> HttpResponse:
    """Let a monitoring analyst load the registry of posts from CSV or XLSX."""
    if not scope_of(request.user).reads_all:
        raise PermissionDenied(_("Only monitoring analysts import the registry of posts."))
    if request.GET.get("template") == "csv":
        answer = HttpResponse(TEMPLATE_CSV, content_type="text/csv; charset=utf-8")
        answer["Content-Disposition"] = 'attachment; filename="air-posts.csv"'
        return answer
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size is None or upload.size > MAX_IMPORT_BYTES:
            context["errors"] = [
                CellError(0, "file", _("Choose a CSV or XLSX file of at most 5 MB."))
            ]
            status = 400
        else:
            try:
                context["done"] = import_posts(upload.name or "", upload.read(), actor=request.user)
            except PostsRefused as refused:
                context["errors"] = refused.errors
                status = 400
    return render(request, "air/import.html", context, status=status)
