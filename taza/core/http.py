"""Answer requests the same way on every page: safe redirects and domain errors."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from taza.core.errors import DomainError
from taza.core.params import ParamsInvalid

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def safe_next(request: HttpRequest, fallback: str, *, param: str = "next") -> str:
    """Return the ``next`` address of the request if it stays on this site, else the fallback.

    A ``next`` taken as it is lets anyone craft a link that sends a signed-in person to
    another site after an action (an open redirect).
    """
    candidate = request.POST.get(param) or request.GET.get(param) or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def redirect_next(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the request's safe ``next`` address, or to the fallback."""
    return HttpResponseRedirect(safe_next(request, fallback))


def act_and_return(
    request: HttpRequest, act: Callable[[], object], *, success: str, fallback: str
) -> HttpResponseRedirect:
    """Run a service call a form posted, tell the person how it went, and go back.

    A refusal (a DomainError) is shown as the error it carries; nothing else is caught.
    """
    try:
        act()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect_next(request, fallback)


def decision(request: HttpRequest) -> tuple[bool, str]:
    """Read a reviewer's decision from a form: accepted or not, and the comment."""
    return request.POST.get("decision") == "accept", request.POST.get("comment", "")


def refused_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Answer a domain error on a page: the site's layout, the reason, its status."""
    errors = exc.errors if isinstance(exc, ParamsInvalid) else {}
    labels = exc.labels if isinstance(exc, ParamsInvalid) else {}
    # The person fixes the bad parameters where they stand; the others ride along.
    wrong = [
        {
            "name": name,
            "label": labels.get(name, name),
            "value": request.GET.get(name, "").replace("\x00", ""),
            "messages": messages,
        }
        for name, messages in errors.items()
    ]
    kept = [
        (name, value.replace("\x00", ""))
        for name, values in request.GET.lists()
        if name not in errors
        for value in values
    ]
    return render(
        request,
        "core/refused.html",
        {"message": exc.message, "wrong": wrong, "kept": kept},
        status=exc.status,
    )


class DomainErrorMiddleware:
    """Turn a domain error that a page let through into a refusal page, never a 500.

    The REST API answers through its exception handler and Open311 through its own
    error list; this catches what reaches a page view, such as a malformed query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Pass the request on unchanged."""
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        """Render a domain error as a refusal page, a lost database as a 503."""
        if isinstance(exc, DomainError):
            return refused_page(request, exc)
        if isinstance(exc, OperationalError | InterfaceError):
            log.error("database unavailable", exc_info=exc)
            return unavailable(request)
        return None


def unavailable(request: HttpRequest) -> HttpResponse:
    """Answer 503 with Retry-After while the database cannot be reached.

    The API and Open311 answer in JSON, as their clients expect; pages get a page that
    needs no database to render (no header with the signed-in person).
    """
    message = _("The service is briefly unavailable; please try again in a minute.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "unavailable"}, status=503)
    elif request.path.startswith("/open311/"):
        response = JsonResponse([{"code": 503, "description": message}], status=503, safe=False)
    else:
        response = render(request, "core/unavailable.html", {"message": message}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class PermissionsPolicyMiddleware:
    """Switch off browser features no page uses (TAZA_PERMISSIONS_POLICY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.TAZA_PERMISSIONS_POLICY)
        return response
