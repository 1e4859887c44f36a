"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/.

A thin channel over the reports services: it parses the spec's parameters, calls
``submit_report`` and renders the spec's field names in JSON or XML. No reporter's
name, e-mail or phone ever appears in an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from taza.core.clients import client_ip, intake_limited
from taza.core.errors import DomainError
from taza.core.params import ParamsInvalid, bind
from taza.reports.choices import Channel
from taza.reports.filtersets import ReportFilterSet
from taza.reports.models import Report, ReportPhoto, ServiceCategory
from taza.reports.querysets import last_notes
from taza.reports.services import Submission, submit_report

FORMATS = {"json": "application/json", "xml": "text/xml"}
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
MAX_REQUESTS_LISTED = 1000


class Open311Error(DomainError):
    """Refuse an Open311 request with the status the GeoReport v2 spec gives it."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status


# -- rendering ------------------------------------------------------------------------


def _xml(root: str, item: str, rows: list[dict[str, Any]]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        _xml_fill(ET.SubElement(top, item), row)
    return XML_DECLARATION + bytes(ET.tostring(top, encoding="utf-8"))


# Characters XML 1.0 cannot hold at all (C0 controls but tab, newline and return, and
# the two non-characters): one in a citizen's text would make the whole list unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: Any) -> str:
    """Return a value as XML text, without the characters XML cannot carry."""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return _NOT_XML.sub("", text)


def _xml_fill(element: ET.Element, row: dict[str, Any]) -> None:
    for key, value in row.items():
        child = ET.SubElement(element, key)
        if isinstance(value, dict):
            _xml_fill(child, value)
        elif isinstance(value, list):
            singular = key[:-1] if key.endswith("s") else key
            for entry in value:
                sub = ET.SubElement(child, singular)
                if isinstance(entry, dict):
                    _xml_fill(sub, entry)
                else:
                    sub.text = _xml_text(entry)
        elif value is not None:
            child.text = _xml_text(value)


def _render(fmt: str, data: Any, root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        rows = data if isinstance(data, list) else [data]
        return HttpResponse(_xml(root, item, rows), content_type=FORMATS["xml"], status=status)
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _errors(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt, [{"code": status, "description": description}], "errors", "error", status)


def open311_view(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Check the format and turn refusals into the spec's error list, never a 500."""

    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt not in FORMATS:
            return _errors("json", 404, _("Unknown format: use .json or .xml."))
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except DomainError as exc:
            return _errors(fmt, exc.status, exc.message)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


# -- discovery and services -----------------------------------------------------------


@require_GET
@open311_view
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2026-11-21T00:00:00+05:00",
        "contact": settings.TAZA_CONTACT,
        "key_service": _("Ask the programme's monitoring centre for an API key."),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-11-21T00:00:00+05:00",
                "type": "production",
                "formats": list(FORMATS.values()),
            }
        ],
    }
    return (
        _render(fmt, data, "discovery", "discovery")
        if fmt == "json"
        else HttpResponse(_discovery_xml(data), content_type=FORMATS["xml"])
    )


def _discovery_xml(data: dict[str, Any]) -> bytes:
    top = ET.Element("discovery")
    for key in ("changeset", "contact", "key_service"):
        ET.SubElement(top, key).text = data[key]
    endpoints = ET.SubElement(top, "endpoints")
    for endpoint in data["endpoints"]:
        node = ET.SubElement(endpoints, "endpoint")
        for key in ("specification", "url", "changeset", "type"):
            ET.SubElement(node, key).text = endpoint[key]
        formats = ET.SubElement(node, "formats")
        for value in endpoint["formats"]:
            ET.SubElement(formats, "format").text = value
    return XML_DECLARATION + bytes(ET.tostring(top, encoding="utf-8"))


def _service(category: ServiceCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


@require_GET
@open311_view
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [_service(c) for c in ServiceCategory.objects.filter(is_active=True)]
    return _render(fmt, rows, "services", "service")


@require_GET
@open311_view
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    if not ServiceCategory.objects.filter(code=service_code, is_active=True).exists():
        raise Open311Error(404, _("Unknown service_code “%(code)s”.") % {"code": service_code})
    data = {"service_code": service_code, "attributes": []}
    return (
        _render(fmt, data, "service_definition", "service_definition")
        if fmt == "json"
        else (
            HttpResponse(
                b'<?xml version="1.0" encoding="utf-8"?><service_definition><service_code>'
                + service_code.encode()
                + b"</service_code><attributes/></service_definition>",
                content_type=FORMATS["xml"],
            )
        )
    )


# -- requests -------------------------------------------------------------------------


def _request_row(request: HttpRequest, report: Report, note: str, photo: str) -> dict[str, Any]:
    return {
        "service_request_id": report.public_id,
        "status": "open" if report.is_open else "closed",
        "status_notes": note,
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.body.name,
        "service_notice": "",
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(report.updated_at),
        "expected_datetime": _iso(report.deadline_at),
        "address": report.address,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": request.build_absolute_uri(_photo_storage().url(photo)) if photo else None,
    }


def _photo_storage() -> Any:
    return ReportPhoto._meta.get_field("image").storage


def _first_photos(reports: list[Report]) -> dict[int, str]:
    """Return each report's first photo's file name, in one query and no model objects.

    A list answers up to 1,000 requests: building a photo object per row cost a third
    of the answer's time at 300,000 reports.
    """
    first: dict[int, str] = {}
    rows = (
        ReportPhoto.objects.filter(report_id__in=[r.pk for r in reports])
        .order_by("report_id", "created_at", "id")
        .values_list("report_id", "image")
    )
    for report_id, image in rows:
        first.setdefault(report_id, image)
    return first


def _rows(request: HttpRequest, reports: list[Report]) -> list[dict[str, Any]]:
    """Describe reports as the spec's service requests, in a fixed number of queries."""
    notes = last_notes(reports)
    photos = _first_photos(reports)
    return [_request_row(request, r, notes.get(r.pk, ""), photos.get(r.pk, "")) for r in reports]


def _listed() -> Any:
    """Return the reports as the spec's lists read them: with their service and agency."""
    return Report.objects.select_related("category", "body")


# The spec's parameter names, read by the FilterSet that every list of reports shares.
OPEN311_PARAMS = {
    "service_request_id": "ids",
    "service_code": "category",
    "start_date": "since",
    "end_date": "until",
    "status": "state",
}


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    status = request.GET.get("status", "")
    if status not in ("", "open", "closed"):
        raise Open311Error(400, _("status must be open or closed."))
    query = {
        ours: request.GET[spec] for spec, ours in OPEN311_PARAMS.items() if spec in request.GET
    }
    if "ids" in query:
        query["ids"] = ",".join(i.strip() for i in query["ids"].split(",") if i.strip())
    try:
        reports = bind(ReportFilterSet, query, _listed()).qs
    except ParamsInvalid as exc:
        raise exc.renamed({ours: spec for spec, ours in OPEN311_PARAMS.items()}) from None
    rows = _rows(request, list(reports.order_by("-created_at")[:MAX_REQUESTS_LISTED]))
    return _render(fmt, rows, "service_requests", "request")


@require_GET
@open311_view
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    report = _listed().filter(public_id=request_id).first()
    if report is None:
        raise Open311Error(404, _("No service request “%(id)s”.") % {"id": request_id[:20]})
    return _render(fmt, _rows(request, [report]), "service_requests", "request")


def _float(value: str | None, name: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, _("%(name)s must be a number.") % {"name": name}) from None


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    keys = settings.TAZA_OPEN311_API_KEYS
    api_key = data.get("api_key", "")
    if keys and api_key not in keys:
        raise Open311Error(403, _("A valid api_key is required to submit requests."))
    if intake_limited(request, "open311-post"):
        raise Open311Error(429, _("Too many requests from this client; try again later."))
    if not data.get("service_code"):
        raise Open311Error(400, _("service_code is required."))
    lat, lon = _float(data.get("lat"), "lat"), _float(data.get("long"), "long")
    if (lat is None) != (lon is None):
        raise Open311Error(400, _("Give both lat and long."))
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p)
    submission = Submission(
        channel=Channel.OPEN311,
        category_code=data["service_code"],
        description=data.get("description", ""),
        lat=lat,
        lon=lon,
        address=data.get("address_string", ""),
        photos=list(request.FILES.getlist("media")),
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        client_id=api_key or client_ip(request),
        reporter_name=name,
        reporter_email=data.get("email", ""),
        reporter_phone=data.get("phone", ""),
        language=(getattr(request, "LANGUAGE_CODE", "") or "kk")[:2],
    )
    result = submit_report(submission)
    row = {
        "service_request_id": result.report.public_id,
        "service_notice": "",
        "account_id": None,
    }
    # 200 for a new report and for a retry alike: clients written to the spec expect 200.
    return _render(fmt, [row], "service_requests", "request")
