"""The registry on a map, a site's page, the verification queue, indicators, scans."""

from __future__ import annotations

import json
import logging
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from taza.accounts.permissions import scope_of
from taza.bodies.models import Body, BodyKind
from taza.core.bulk import act_on_each, bulk_bar, read_bar
from taza.core.http import act_and_return, redirect_next
from taza.core.params import bind
from taza.core.queues import map_point, page_of
from taza.geo.filtersets import TerritoryPeriodFilterSet
from taza.geo.models import Region
from taza.sites import space
from taza.sites.choices import ScanStatus, SiteKind, SiteSource, SiteState
from taza.sites.classifier import configured_report
from taza.sites.filtersets import ScanFilterSet, SiteFilterSet
from taza.sites.indicators import indicators
from taza.sites.models import ScanJob, SiteSighting, WasteSite
from taza.sites.querysets import verification_queue, visible_sites
from taza.sites.reasons import describe_all
from taza.sites.scan import (
    budget_rounded_to_none,
    chip_scenes,
    enqueue,
    eta_text,
    plan_scan,
    scene_folder,
    scene_folders,
)
from taza.sites.services import ImportRefused, act, import_sites, may_act

logger = logging.getLogger(__name__)
QUEUE_PAGE = 50
# What a refused scene folder is told, by SceneError.code (taza/sites/space.py).
SCENE_ERRORS = {
    "l1c": gettext_lazy(
        "This folder holds Level-1C scenes (top of atmosphere). Tick “Level-1C” to scan "
        "them with haze taken off, or deliver the Level-2A product; nothing was started."
    ),
    "bands": gettext_lazy(
        "A file in this folder lacks the bands a scene needs (B02, B03, B04, B08, B11, B12, "
        "and SCL for Level-2A); nothing was started."
    ),
    "level": gettext_lazy(
        "A file in this folder says neither its processing level (L2A or L1C) nor has an "
        "SCL band; nothing was started."
    ),
    "scl": gettext_lazy("A Level-2A scene in this folder has no SCL band; nothing was started."),
    "grid": gettext_lazy(
        "A scene in this folder is not on Sentinel-2's 10 m grid in metres (use the "
        "product's UTM zone); nothing was started."
    ),
    "scale": gettext_lazy(
        "A scene in this folder stores its bands in a way the scan cannot read (it needs "
        "reflectance × 10,000 and a readable offset); nothing was started."
    ),
    "unreadable": gettext_lazy("The scenes in this folder cannot be read; nothing was started."),
    "product": gettext_lazy(
        "A Sentinel-2 product in this folder (a .SAFE folder or its .zip) cannot be read: "
        "its metadata file or a band file the scan needs is missing or damaged; nothing "
        "was started."
    ),
    "exclusion": gettext_lazy(
        "The deployment's exclusion layer (built-up areas, quarries, landfills) cannot be "
        "read; nothing was started. Tell the platform's administrator."
    ),
}


def registry(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "sites/registry.html",
        {
            "states": SiteState.choices,
            "kinds": SiteKind.choices,
            "regions": Region.objects.order_by("code"),
        },
    )


def sites_geojson(request: HttpRequest) -> JsonResponse:
    """Sites for the map, with outlines; candidates only for staff."""
    shown = visible_sites(request.user).exclude(state=SiteState.REJECTED)
    sites = bind(SiteFilterSet, request.GET, shown).qs
    features = []
    for site in sites[:5000]:
        geometry = (
            json.loads(site.outline_geojson)
            if site.outline_geojson
            else {"type": "Point", "coordinates": [site.lon, site.lat]}
        )
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": site.pk,
                    "state": site.state,
                    "label": f"№{site.pk} {site.get_kind_display()}: {site.get_state_display()}",
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(
        WasteSite.objects.select_related("region", "district", "assigned_body"), pk=pk
    )
    if not visible_sites(request.user).filter(pk=site.pk).exists():
        raise Http404
    return render(
        request,
        "sites/site.html",
        {
            "site": site,
            "sightings": site.sightings.select_related("report")[:50],
            "photos": site.photos.all(),
            "can_act": may_act(request.user, site),
            "akimats": Body.objects.filter(
                region=site.region, kind__in=[BodyKind.REGIONAL_AKIMAT, BodyKind.DISTRICT_AKIMAT]
            ),
            "chips": chip_scenes(site),
            "reasons": describe_all(site.reasons),
        },
    )


@login_required
@require_POST
def site_action(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(WasteSite, pk=pk)
    body = Body.objects.filter(code=request.POST.get("body", "")).first()
    deadline = parse_date(request.POST.get("deadline", "") or "")
    return act_and_return(
        request,
        lambda: act(
            site,
            request.POST.get("action", ""),
            actor=request.user,
            note=request.POST.get("note", ""),
            body=body,
            deadline=deadline,
            proof=request.FILES.get("proof"),
        ),
        success=_("Done."),
        fallback=site.get_absolute_url(),
    )


@login_required
@require_POST
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Verify or reject the ticked candidates of the person's queue, each checked on its own.

    Only candidates of the person's own queue are read, so an id from another territory
    changes nothing.
    """
    asked = read_bar(
        request, "site", ("verify", "reject"), missing=_("Choose candidates and a decision.")
    )
    if asked is None:
        return redirect_next(request, reverse("sites:queue"))
    ids, action, note = asked
    act_on_each(
        request,
        verification_queue(request.user).filter(pk__in=ids).order_by("pk"),
        lambda site: act(site, action, actor=request.user, note=note),
        label=lambda site: f"№{site.pk}",
        done_message=lambda n: (
            (
                ngettext("%(n)d candidate verified.", "%(n)d candidates verified.", n)
                if action == "verify"
                else ngettext("%(n)d candidate rejected.", "%(n)d candidates rejected.", n)
            )
            % {"n": n}
        ),
    )
    return redirect_next(request, reverse("sites:queue"))


def site_chip(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an image chip of the candidate, for verification.

    ``colours`` is "true" (what a person would see) or "false" (SWIR, NIR, red: waste and
    disturbed ground stand out from vegetation); ``when`` is "now" (the scene it was found
    in, the latest) or "before" (the earliest scene it was seen in, when there is one).
    """
    site = get_object_or_404(WasteSite, pk=pk)
    if not may_act(request.user, site):
        raise PermissionDenied(_("Only analysts and the akimat of the territory act on this site."))
    colours = request.GET.get("colours", "true")
    if colours not in space.CHIP_BANDS:
        colours = "true"
    scene = chip_scenes(site).get("before" if request.GET.get("when") == "before" else "now")
    if scene is None:
        raise Http404(_("No scene of this candidate is kept."))
    try:
        picture = space.chip_png(scene, site.lat, site.lon, colours=colours)
    except space.SceneError:
        logger.warning("scene unreadable for a chip", extra={"scene": str(scene)})
        raise Http404(_("The satellite image of this candidate cannot be read.")) from None
    response = HttpResponse(picture, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Candidates to verify, best score first, in the person's territory, paged.

    Candidates the scan's budget held back are not here: they stay in the registry.
    """
    scope = scope_of(request.user)
    if not (scope.reads_all or scope.regions or scope.districts):
        raise PermissionDenied(_("Only analysts and akimat operators verify candidates."))
    candidates = (
        verification_queue(request.user)
        .filter(held_back=False)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "sightings",
                queryset=SiteSighting.objects.exclude(scene="")
                .select_related("scan")
                .order_by("seen_at", "pk"),
                to_attr="scene_sightings",
            )
        )
        .order_by(F("score").desc(nulls_last=True), "found_at", "pk")
    )
    filters = bind(SiteFilterSet, request.GET, candidates)
    queue = page_of(request, filters.qs, QUEUE_PAGE)
    page = queue.page
    rows = [
        {"site": site, "reasons": describe_all(site.reasons), "chips": chip_scenes(site)}
        for site in page
    ]
    chosen = filters.form.cleaned_data
    return render(
        request,
        "sites/queue.html",
        {
            "page": page,
            "queue": queue,
            "bulk": bulk_bar(
                "bulk-sites",
                reverse("sites:queue-bulk"),
                [("verify", _("Verify")), ("reject", _("Reject"))],
                comment_label=_("Note (required to reject)"),
                button=_("Apply to the chosen candidates"),
                anchor="#queue-top",
            ),
            # The page's candidates on a map: the same rows, no further query.
            "points": [
                map_point(
                    lat=r["site"].lat,
                    lon=r["site"].lon,
                    label=f"№{r['site'].pk}",
                    url=reverse("sites:site", args=[r["site"].pk]),
                )
                for r in rows
            ],
            "regions": Region.objects.order_by("code"),
            "sources": SiteSource.choices,
            "chosen_region": chosen.get("region"),
            "chosen_source": chosen.get("source") or "",
            "rows": rows,
            "held_back": verification_queue(request.user).filter(held_back=True).count(),
            "classifier": configured_report(),
        },
    )


def indicators_page(request: HttpRequest) -> HttpResponse:
    query = bind(TerritoryPeriodFilterSet, request.GET).form.cleaned_data
    today = timezone.localdate()
    since = query["since"] or date(today.year, 1, 1)
    until = query["until"] or today
    region = query["region"]
    found = indicators(since=since, until=until, region=region)
    return render(
        request,
        "sites/indicators.html",
        {
            "found": found,
            "sources": [(SiteSource(k).label, v) for k, v in found.by_source.items()],
            "since": since,
            "until": until,
            "region": region,
            "regions": Region.objects.order_by("code"),
        },
    )


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).reads_all:
        raise PermissionDenied(_("Only monitoring analysts import lists of sites."))
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        source = request.POST.get("source", SiteSource.IMPORT)
        if source not in (SiteSource.IMPORT, SiteSource.RAID):
            source = SiteSource.IMPORT
        if upload is None or (upload.size or 0) > 20 * 1024 * 1024:
            errors = [_("Choose a CSV, XLSX or GeoJSON file of at most 20 MB.")]
        else:
            try:
                results = import_sites(
                    upload.name or "", upload.read(), actor=request.user, source=source
                )
            except ImportRefused as exc:
                errors = [str(e) for e in exc.errors]
            else:
                created = sum(1 for _s, outcome in results if outcome == "created")
                messages.success(
                    request,
                    _("Imported: %(created)s new sites, %(joined)s already registered.")
                    % {"created": created, "joined": len(results) - created},
                )
                return redirect("sites:registry")
    return render(request, "sites/import.html", {"errors": errors}, status=400 if errors else 200)


@login_required
def scans(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).reads_all:
        raise PermissionDenied(_("Only monitoring analysts run scans."))
    error = ""
    root = settings.TAZA_SCENES_ROOT
    if request.method == "POST":
        folder = scene_folder(root, request.POST.get("folder", ""))
        before_name = request.POST.get("before", "")
        before = scene_folder(root, before_name) if before_name else None
        region = Region.objects.filter(code=request.POST.get("region", "")).first()
        if folder is None or (before_name and before is None):
            error = _("Choose a scene folder from the list.")
        else:
            try:
                job = plan_scan(
                    folder,
                    region=region,
                    before=before,
                    actor=request.user,
                    allow_l1c=request.POST.get("l1c") == "on" or None,
                )
            except space.SceneError as exc:
                logger.warning("scan refused", extra={"folder": str(folder), "why": str(exc)})
                error = str(SCENE_ERRORS.get(exc.code, SCENE_ERRORS["unreadable"]))
                if exc.earlier:
                    error = _("In the folder of earlier dates: %(why)s") % {"why": error}
            except (ValueError, OSError):
                logger.warning("scan refused", exc_info=True, extra={"folder": str(folder)})
                error = str(SCENE_ERRORS["unreadable"])
            else:
                enqueue(job)
                return redirect("sites:scan", pk=job.pk)
    filters = bind(ScanFilterSet, request.GET, ScanJob.objects.select_related("region"))
    history = page_of(request, filters.qs.order_by("-created_at", "-pk"))
    chosen = filters.form.cleaned_data
    return render(
        request,
        "sites/scans.html",
        {
            "jobs": history.page,
            "queue": history,
            "statuses": ScanStatus.choices,
            "chosen_status": chosen.get("status") or "",
            "chosen_region": chosen.get("region"),
            "folders": scene_folders(root),
            "regions": Region.objects.order_by("code"),
            "error": error,
        },
        status=400 if error else 200,
    )


def scan_status_line(job: ScanJob) -> str:
    """Say where a scan stands in one line, in the reader's language.

    The page shows it and the page's script puts the polled one in its place: the script
    once wrote the raw status ("done") and dropped the words around the numbers.
    """
    return _("%(status)s · %(done)s/%(total)s · new candidates: %(new)s · time left %(eta)s") % {
        "status": job.get_status_display(),
        "done": job.tiles_done,
        "total": job.tiles_total,
        "new": job.candidates,
        "eta": eta_text(job),
    }


@login_required
def scan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not scope_of(request.user).reads_all:
        raise PermissionDenied(_("Only monitoring analysts run scans."))
    job = get_object_or_404(ScanJob, pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "tiles_done": job.tiles_done,
                "tiles_total": job.tiles_total,
                "candidates": job.candidates,
                "held_back": job.held_back,
                "shown": job.shown,
                "dropped": job.dropped,
                "tiles_failed": job.tiles_failed,
                "land_km2": round(job.land_km2, 2),
                "eta": eta_text(job),
                "status_line": scan_status_line(job),
            }
        )
    return render(
        request,
        "sites/scan.html",
        {
            "job": job,
            "status_line": scan_status_line(job),
            "shown": job.shown,
            "budget_none": budget_rounded_to_none(job),
            "budget_rate": settings.TAZA_SPACE_BUDGET_PER_100KM2,
        },
    )
