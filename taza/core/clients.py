"""Tell clients apart for rate limits, whatever server or proxy is in front."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def client_ip(request: HttpRequest) -> str:
    """Return the client's address: the proxy's X-Forwarded-For where one is trusted."""
    if settings.TAZA_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The proxy appends the address it saw last; earlier entries are the client's claim.
            return str(forwarded).split(",")[-1].strip()
    # A unix socket or a test harness may give no address at all; they share one bucket.
    return request.META.get("REMOTE_ADDR") or "unknown"


def intake_limited(request: HttpRequest, group: str) -> bool:
    """Count one report submission; True when the client is over the intake rate."""
    return bool(
        is_ratelimited(
            request,
            group=group,
            key=lambda _group, req: client_ip(req),
            rate=settings.TAZA_INTAKE_RATE,
            increment=True,
        )
    )
