"""Read the audit trail in the browser and export it."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from taza.accounts.permissions import actor_namer, can_view, require_reads_all, scope_of
from taza.audit.export import csv_lines, jsonl_lines
from taza.audit.querysets import entries, history_for
from taza.core.dates import local_day_range
from taza.core.params import PeriodFilterSet, bind


@login_required
def record_history(request: HttpRequest, model_label: str, pk: str) -> HttpResponse:
    """Show every change of one record to those who may see the record."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise Http404(_("No such kind of record.")) from None
    try:
        obj = get_object_or_404(model, pk=pk)
    except (ValueError, ValidationError):
        raise Http404(_("No such record.")) from None
    scope = scope_of(request.user)
    territorial = hasattr(obj, "region_id") and hasattr(obj, "district_id")
    if not (scope.reads_all or (territorial and can_view(request.user, obj))):
        raise PermissionDenied(_("You cannot see the history of this record."))
    name = actor_namer(request.user)
    shown = [(entry, name(entry.actor_id, entry.actor_label)) for entry in history_for(obj)]
    return render(request, "audit/history.html", {"object": obj, "entries": shown})


@login_required
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Stream the trail as CSV or JSON Lines: ?format=csv|jsonl&since=YYYY-MM-DD&until=..."""
    require_reads_all(request.user)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "jsonl"):
        return HttpResponse(_("Unknown format: use csv or jsonl."), status=400)
    period = bind(PeriodFilterSet, request.GET).form.cleaned_data
    since, until = local_day_range(period["since"], period["until"])
    qs = entries(since=since, until=until)
    rows = qs.iterator(chunk_size=2000)
    name = actor_namer(request.user)
    lines = csv_lines(rows, name) if fmt == "csv" else jsonl_lines(rows, name)
    response = StreamingHttpResponse(
        lines, content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    )
    response["Content-Disposition"] = f'attachment; filename="taza-audit.{fmt}"'
    return response
