"""The data bank's pages: the waste balance and recycled share, and the import desk."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from taza.accounts.permissions import scope_of
from taza.core.params import bind
from taza.databank import querysets
from taza.databank.filtersets import (
    EmittersFilterSet,
    MissingFilterSet,
    PermitsFilterSet,
    WastePageFilterSet,
)
from taza.databank.greenhouse import gases
from taza.databank.models import (
    FIRST_YEAR,
    Facility,
    ImportBatch,
    Medium,
    PermitKind,
    PermitState,
    ReminderKind,
    Sector,
    permit_state,
    report_deadline,
)
from taza.databank.pollutants import pollutants
from taza.databank.reminders import remind_operators
from taza.databank.services import (
    CARBON_TEMPLATE_CSV,
    CONTROL_TEMPLATE_CSV,
    FACILITIES_TEMPLATE_CSV,
    MAX_IMPORT_BYTES,
    PERMITS_TEMPLATE_CSV,
    RELEASES_TEMPLATE_CSV,
    TEMPLATE_CSV,
    TRANSFERS_TEMPLATE_CSV,
    CellError,
    ImportRefused,
    import_carbon,
    import_control,
    import_facilities,
    import_permits,
    import_releases,
    import_transfers,
    import_waste,
)
from taza.databank.wastes import waste_types
from taza.geo.models import Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORTERS = {
    "waste": import_waste,
    "facilities": import_facilities,
    "releases": import_releases,
    "carbon": import_carbon,
    "control": import_control,
    "transfers": import_transfers,
    "permits": import_permits,
}
TEMPLATES = {
    "csv": (TEMPLATE_CSV, "waste-cadastre"),
    "facilities": (FACILITIES_TEMPLATE_CSV, "facilities"),
    "releases": (RELEASES_TEMPLATE_CSV, "releases"),
    "carbon": (CARBON_TEMPLATE_CSV, "carbon-cadastre"),
    "control": (CONTROL_TEMPLATE_CSV, "industrial-control"),
    "transfers": (TRANSFERS_TEMPLATE_CSV, "waste-transfers"),
    "permits": (PERMITS_TEMPLATE_CSV, "permitted-releases"),
}
FLOW = ("recycled", "recovered", "disposed", "unaccounted", "uncollected")


def waste(request: HttpRequest) -> HttpResponse:
    """Show the recycled share of municipal waste by year and region, and a region's balance."""
    query = bind(WastePageFilterSet, request.GET).form.cleaned_data
    years = querysets.years()
    year = int(query["year"]) if query["year"] is not None else (years[0] if years else None)
    region: Region | None = query["region"]
    context: dict[str, Any] = {
        "years": years,
        "year": year,
        "region": region,
        "perms_import": scope_of(request.user).reads_all,
    }
    if year is not None:
        shares = querysets.recycled_share_by_region(year)
        context["national"] = list(querysets.recycled_share_by_year().items())
        context["regions"] = [
            (r, shares[r.pk]) for r in Region.objects.order_by("code") if r.pk in shares
        ]
        totals = querysets.balance(year, region.pk if region else None)
        whole = totals["generated"] or 1
        context["balance"] = totals
        parts = [float(totals[name] * 100 / whole) for name in FLOW]
        starts = [sum(parts[:i]) for i in range(len(parts))]
        context["flow"] = list(zip(FLOW, [totals[n] for n in FLOW], parts, starts, strict=True))
    return render(request, "databank/waste.html", context)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Let a monitoring analyst take in a waste-cadastre file; every error said by cell."""
    if not scope_of(request.user).reads_all:
        raise PermissionDenied(_("Only monitoring analysts take in the data bank's files."))
    template = request.GET.get("template")
    if template == "xlsx":  # the first template's address, kept for links already given out
        template, wanted = "csv", "xlsx"
    else:
        wanted = request.GET.get("format", "csv")
    if template in TEMPLATES:
        body, filename = TEMPLATES[template]
        if wanted == "xlsx":
            return _xlsx_template(template, body, filename)
        if wanted == "json":
            rows = list(csv.DictReader(io.StringIO(body)))
            answer = HttpResponse(
                json.dumps(rows, ensure_ascii=False, indent=1),
                content_type="application/json; charset=utf-8",
            )
            answer["Content-Disposition"] = f'attachment; filename="{filename}.json"'
            return answer
        answer = HttpResponse(body, content_type="text/csv; charset=utf-8")
        answer["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return answer
    context: dict[str, Any] = {
        "types": sorted(waste_types().values(), key=lambda t: t.code),
        "kind": "waste",
    }
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size is None or upload.size > MAX_IMPORT_BYTES:
            context["errors"] = [
                CellError(0, "file", _("Choose a CSV, XLSX or JSON file of at most 50 MB."))
            ]
            status = 400
        else:
            kind = request.POST.get("kind", "waste")
            take_in = IMPORTERS.get(kind, import_waste)
            context["kind"] = kind if kind in IMPORTERS else "waste"
            try:
                context["done"] = take_in(upload.name or "", upload.read(), actor=request.user)
            except ImportRefused as refused:
                context["errors"] = refused.errors
                status = 400
    context["batches"] = ImportBatch.objects.select_related("created_by")[:20]
    return render(request, "databank/import.html", context, status=status)


def _xlsx_template(kind: str, body: str, filename: str) -> HttpResponse:
    """Give a template as XLSX: the columns and an example row, and the codes it takes."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Template")
    for row in csv.reader(io.StringIO(body)):
        sheet.append(row)
    if kind == "csv":
        codes = book.create_sheet(_("Waste codes"))
        codes.append([_("code"), _("municipal waste"), _("name")])
        for waste in sorted(waste_types().values(), key=lambda t: t.code):
            codes.append([waste.code, _("yes") if waste.municipal else _("no"), waste.name])
    elif kind in ("releases", "control", "permits"):
        codes = book.create_sheet(_("Pollutants"))
        codes.append([_("code"), _("name")])
        for item in pollutants().values():
            codes.append([item.code, item.name])
    elif kind == "carbon":
        codes = book.create_sheet(_("Gases"))
        codes.append([_("code"), _("name"), _("global-warming potential")])
        for gas in gases().values():
            codes.append([gas.code, gas.name, gas.gwp])
    buffer = io.BytesIO()
    book.save(buffer)
    answer = HttpResponse(buffer.getvalue(), content_type=XLSX)
    answer["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return answer


def emitters(request: HttpRequest) -> HttpResponse:
    """Rank the facilities by what they release of a pollutant to air in a year."""
    query = bind(EmittersFilterSet, request.GET).form.cleaned_data
    years = querysets.release_years()
    year = int(query["year"]) if query["year"] is not None else (years[0] if years else None)
    pollutant = pollutants()[query["pollutant"] or "SOX"]
    region: Region | None = query["region"]
    context: dict[str, Any] = {
        "years": years,
        "year": year,
        "region": region,
        "pollutant": pollutant,
        "pollutants": list(pollutants().values()),
        "regions": Region.objects.order_by("code"),
    }
    if year is not None:
        context["top"] = querysets.top_emitters(
            pollutant.code, year, region_id=region.pk if region else None
        )
        names = {r.pk: r.name for r in context["regions"]}
        sectors = dict(Sector.choices)
        context["by_region"] = [
            (names.get(row["region"], "—"), row["tonnes"])
            for row in querysets.totals_by("region", pollutant.code, year)
        ]
        context["by_sector"] = [
            (sectors.get(str(row["sector"]), "—"), row["tonnes"])
            for row in querysets.totals_by("sector", pollutant.code, year)
        ]
    return render(request, "databank/emitters.html", context)


def facility(request: HttpRequest, code: str) -> HttpResponse:
    """Show a facility: what it releases, by year, against the register's thresholds."""
    place = get_object_or_404(
        Facility.objects.select_related("region", "district", "akimat", "department"), code=code
    )
    known = pollutants()
    reported = list(place.releases.filter(current=True).order_by("-year", "pollutant", "medium"))
    limits = querysets.limits_for(place, {r.year for r in reported})
    releases = []
    for r in reported:
        limit = limits.get((r.pollutant, r.medium, r.year))
        releases.append(
            {
                "release": r,
                "pollutant": known.get(r.pollutant),
                "above": known[r.pollutant].threshold_air <= float(r.tonnes)
                if r.pollutant in known and r.medium == "air"
                else None,
                "limit": limit,
                "over_limit": limit is not None and r.tonnes > limit.tonnes,
            }
        )
    charts = _release_charts(releases)
    today = timezone.localdate()
    permits = list(querysets.permits(today).filter(facility_id=place.pk))
    _name_permits(permits, today)
    greenhouse = place.greenhouse.filter(current=True).order_by("-year", "installation", "gas")
    control = place.control.filter(current=True)[:200]
    transfers = place.transfers.filter(current=True).order_by("-year", "-hazardous", "treatment")
    return render(
        request,
        "databank/facility.html",
        {
            "facility": place,
            "releases": releases,
            "charts": charts,
            "permits": permits,
            "greenhouse": greenhouse,
            "control": control,
            "transfers": transfers,
        },
    )


CHART_BAR = 24  # width of a year's bar in the SVG's units; the chart is 60 units high
MAX_CHARTS = 12


def _release_charts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Draw each pollutant and medium's releases over the years, with the permit's limit.

    One small bar chart per pollutant and medium (the twelve largest in the latest
    year): a bar per year, scaled to the year's highest of release and limit, and the
    limit in force as a mark over the bar, so a year above its permit shows at a glance.
    The table below the charts holds the same figures for those who cannot see them.
    """
    series: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: r["release"].year):
        release = row["release"]
        series.setdefault((release.pollutant, release.medium), []).append(row)
    ranked = sorted(series.items(), key=lambda item: -float(item[1][-1]["release"].tonnes))
    charts = []
    for (code, _medium), points in ranked[:MAX_CHARTS]:
        top = max(
            max(float(p["release"].tonnes), float(p["limit"].tonnes) if p["limit"] else 0)
            for p in points
        )
        scale = 56 / top if top > 0 else 0
        bars = []
        for index, point in enumerate(points):
            height = float(point["release"].tonnes) * scale
            bars.append(
                {
                    "year": point["release"].year,
                    "tonnes": point["release"].tonnes,
                    "x": index * (CHART_BAR + 4) + 2,
                    "y": round(60 - height, 2),
                    "height": round(height, 2),
                    "limit_y": round(60 - float(point["limit"].tonnes) * scale, 2)
                    if point["limit"]
                    else None,
                    "over": point["over_limit"],
                }
            )
        charts.append(
            {
                "pollutant": points[-1]["pollutant"],
                "code": code,
                "medium": points[-1]["release"].get_medium_display(),
                "width": len(points) * (CHART_BAR + 4) + 2,
                "bar": CHART_BAR,
                "bars": bars,
            }
        )
    return charts


def _year_and_region(
    request: HttpRequest, years: list[int]
) -> tuple[dict[str, Any], dict[int, Region]]:
    """Read a page's year (the latest with data by default) and region; start its context.

    Return the context (years, year, region, its id as ``within``, the regions) and the
    regions by id, for naming the rows of a total by region.
    """
    query = bind(WastePageFilterSet, request.GET).form.cleaned_data
    year = int(query["year"]) if query["year"] is not None else (years[0] if years else None)
    region: Region | None = query["region"]
    regions = {r.pk: r for r in Region.objects.order_by("code")}
    context = {
        "years": years,
        "year": year,
        "region": region,
        "within": region.pk if region else None,
        "regions": regions.values(),
    }
    return context, regions


def carbon(request: HttpRequest) -> HttpResponse:
    """Show a year's carbon cadastre: CO2-equivalent by gas, region, sector, installation."""
    context, regions = _year_and_region(request, querysets.carbon_years())
    year, within = context["year"], context["within"]
    if year is not None:
        known, sectors = gases(), dict(Sector.choices)
        by_gas = querysets.carbon_totals(year, "gas", region_id=within)
        context["total"] = sum(row["co2e"] for row in by_gas)
        context["by_gas"] = [
            (known[str(row["gas"])] if row["gas"] in known else row["gas"], row) for row in by_gas
        ]
        context["by_region"] = [
            (regions[row["facility__region"]].name, row["co2e"])  # type: ignore[index]
            for row in querysets.carbon_totals(year, "facility__region")
        ]
        context["by_sector"] = [
            (sectors.get(str(row["facility__sector"]), "—"), row["co2e"])
            for row in querysets.carbon_totals(year, "facility__sector", region_id=within)
        ]
        context["top"] = [
            row
            | {
                "region": regions[row["facility__region"]].name,  # type: ignore[index]
                "sector": sectors.get(str(row["facility__sector"]), "—"),
            }
            for row in querysets.top_installations(year, region_id=within)
        ]
    return render(request, "databank/carbon.html", context)


def control(request: HttpRequest) -> HttpResponse:
    """Show a year's industrial environmental control: the exceedances, by facility."""
    context, regions = _year_and_region(request, querysets.control_years())
    year, within = context["year"], context["within"]
    if year is not None:
        known = pollutants()
        context["exceedances"] = [
            (record, known.get(record.pollutant))
            for record in querysets.exceedances(year, region_id=within)
        ]
        context["facilities"] = [
            row | {"region": regions[row["facility__region"]].name}  # type: ignore[index]
            for row in querysets.control_by_facility(year, region_id=within)
        ]
    return render(request, "databank/control.html", context)


@login_required
def missing(request: HttpRequest) -> HttpResponse:
    """List the operators that owe a report for a year; remind them, once each."""
    if not scope_of(request.user).reads_all:
        raise PermissionDenied(_("Only monitoring analysts send reminders to operators."))
    query = bind(MissingFilterSet, request.GET).form.cleaned_data
    year = int(query["year"]) if query["year"] is not None else timezone.localdate().year - 1
    kind = query["kind"] or ReminderKind.RELEASES
    region: Region | None = query["region"]
    within = region.pk if region else None
    sent = None
    if request.method == "POST":
        sent = remind_operators(year, kind, actor=request.user, region_id=within)
    facilities = list(querysets.missing_reports(year, kind, region_id=within))
    return render(
        request,
        "databank/missing.html",
        {
            "year": year,
            "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1),
            "kind": kind,
            "kinds": ReminderKind.choices,
            "region": region,
            "regions": Region.objects.order_by("code"),
            "facilities": facilities,
            "to_remind": sum(
                1 for f in facilities if f.email and getattr(f, "reminded", None) is None
            ),
            "sent": sent,
            "deadline": report_deadline(year, settings.TAZA_REPORT_DEADLINE),
        },
    )


def pollutant_list(request: HttpRequest) -> HttpResponse:
    """List the register's pollutants with the latest year's releases to air."""
    years = querysets.release_years()
    year = years[0] if years else None
    totals = querysets.pollutant_totals(year) if year is not None else {}
    rows = [(p, totals.get(p.code)) for p in pollutants().values()]
    return render(request, "databank/pollutants.html", {"year": year, "rows": rows})


def pollutant(request: HttpRequest, code: str) -> HttpResponse:
    """Show a pollutant: its thresholds, what was released of it by year and medium."""
    found = pollutants().get(code.upper())
    if found is None:
        raise Http404(_("Not a pollutant of the register."))
    series = querysets.pollutant_series(found.code)
    media = dict(Medium.choices)
    for row in series:
        row["medium_name"] = media.get(str(row["medium"]), row["medium"])
    latest = max((int(str(row["year"])) for row in series), default=None)
    return render(
        request,
        "databank/pollutant.html",
        {
            "pollutant": found,
            "series": series,
            "year": latest,
            "top": querysets.top_emitters(found.code, latest, limit=10) if latest else [],
        },
    )


PERMITS_PAGE = 50


def _name_permits(rows: Any, today: Any) -> None:
    """Add to each permit row its state on ``today`` and its kind's name, for the pages."""
    kinds = dict(PermitKind.choices)
    for row in rows:
        row["state"] = permit_state(row["issued_on"], row["valid_until"], today)
        row["kind_name"] = kinds.get(row["kind"], row["kind"])


def permit_list(request: HttpRequest) -> HttpResponse:
    """List the facilities' permits with their dates, those ending soonest first.

    Permits are public in Kazakhstan (the unified environmental portal publishes them);
    the list names the facility, never an individual entrepreneur.
    """
    query = bind(PermitsFilterSet, request.GET).form.cleaned_data
    region: Region | None = query["region"]
    state = query["state"] or ""
    today = timezone.localdate()
    rows = querysets.permits(today, state=state, region_id=region.pk if region else None)
    page = Paginator(rows, PERMITS_PAGE).get_page(request.GET.get("page"))
    regions = {r.pk: r for r in Region.objects.order_by("code")}
    _name_permits(page, today)
    for row in page:
        row["region"] = regions.get(row["facility__region"])
    return render(
        request,
        "databank/permits.html",
        {
            "page": page,
            "region": region,
            "regions": regions.values(),
            "state": state,
            "states": PermitState.choices,
        },
    )
