"""Answer errors in the person's language: a page on the site, JSON on the APIs.

Django's own error pages are bare English; an API client that asks for a record that
does not exist should get the same ``{detail, field, code}`` as every other refusal.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

API_PREFIXES = ("/api/", "/open311/")


def _answer(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        return JsonResponse({"detail": message, "field": None, "code": code}, status=status)
    return render(request, f"errors/{status}.html", {"message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a request Django could not even read (a broken form, a bad host)."""
    return _answer(request, 400, "bad_request", _("The request could not be read."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Say why a step is not allowed, with the reason the refusing code gave."""
    reason = str(exception or "") or _("You may not open this page.")
    return _answer(request, 403, "forbidden", reason)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Say that the address leads nowhere, without echoing what was asked for."""
    return _answer(request, 404, "not_found", _("There is nothing at this address."))


def server_error(request: HttpRequest, *args: Any) -> HttpResponse:
    """Apologise without touching the database, which may be what failed."""
    message = _("Something went wrong on our side; the error has been recorded.")
    if request.path.startswith(API_PREFIXES):
        return JsonResponse({"detail": message, "field": None, "code": "server_error"}, status=500)
    page = loader.get_template("errors/500.html").render({"message": message})
    return HttpResponse(page, status=500)
