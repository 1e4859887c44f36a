"""Tell clients apart for rate limits, whatever server or proxy is in front.

A client's address is the peer's address, unless the peer is one of the configured
proxies (TAZA_TRUSTED_PROXIES): then it is the last address in X-Forwarded-For that is
not itself a trusted proxy. Headers a proxy would set are removed from requests that did
not come through one, so a client that reaches the application port directly cannot
claim another address or claim HTTPS.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import is_ratelimited

UNKNOWN_CLIENT = "0.0.0.0"  # noqa: S104 (a bucket name, not an address to bind)
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


def _trusted(address: str) -> bool:
    if not address:
        # No peer address: a unix socket, which only a process on this host can reach;
        # behind a proxy that is the proxy itself.
        return bool(settings.TAZA_BEHIND_PROXY)
    try:
        ip = ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in settings.TAZA_TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str:
    """Return the client's address, believing X-Forwarded-For only from trusted proxies."""
    peer = request.META.get("REMOTE_ADDR") or ""
    if _trusted(peer):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for hop in reversed([hop for hop in hops if hop]):
            if _trusted(hop):
                continue
            try:
                return str(ip_address(hop))
            except ValueError:
                break  # garbage from beyond the proxies: the nearest proxy is all we know
    # A unix socket or a test harness may give no address at all: they share one bucket,
    # under an address that a database's address column (django-axes) can store.
    return peer or UNKNOWN_CLIENT


class TrustedProxyMiddleware:
    """Remove proxy headers from requests that did not come through a trusted proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _trusted(request.META.get("REMOTE_ADDR") or ""):
            for header in PROXY_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


def intake_limited(request: HttpRequest, group: str, rate: str | None = None) -> bool:
    """Count one request of a limited kind; True when the client is over its rate.

    The rate is the report intake's (TAZA_INTAKE_RATE) unless another is named.
    """
    return bool(
        is_ratelimited(
            request,
            group=group,
            key=lambda _group, req: client_ip(req),
            rate=rate or settings.TAZA_INTAKE_RATE,
            increment=True,
        )
    )
