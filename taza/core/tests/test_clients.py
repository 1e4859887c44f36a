"""The client's address: X-Forwarded-For is believed only from a trusted proxy (L10)."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from django.test import RequestFactory

from taza.core.clients import TrustedProxyMiddleware, client_ip

PROXY = [ip_network("10.0.0.0/24"), ip_network("::1/128")]


@pytest.fixture
def proxies(settings):
    settings.TAZA_TRUSTED_PROXIES = PROXY


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", "", "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # a forged header, straight to the app
        ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.5", "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # the client's own claim ignored
        ("10.0.0.5", "198.51.100.1, 10.0.0.7", "198.51.100.1"),  # two proxies in a row
        ("::1", "2001:db8::5", "2001:db8::5"),
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5"),
        ("", "198.51.100.1", "0.0.0.0"),  # noqa: S104 (a bucket name)
    ],
)
def test_the_client_address_comes_from_the_nearest_untrusted_hop(
    proxies, peer, forwarded, expected
):
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_proxy_headers_from_an_untrusted_peer_are_removed(proxies):
    seen = {}

    def view(request):
        seen.update(request.META)
        return None

    middleware = TrustedProxyMiddleware(view)
    middleware(
        RequestFactory().get(
            "/",
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR="1.1.1.1",
            HTTP_X_FORWARDED_PROTO="https",
        )
    )
    assert "HTTP_X_FORWARDED_FOR" not in seen and "HTTP_X_FORWARDED_PROTO" not in seen
    middleware(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_PROTO="https"))
    assert seen["HTTP_X_FORWARDED_PROTO"] == "https"


def test_a_forged_header_does_not_escape_the_rate_limit(proxies, client, settings, cast):
    """Without the fix each forged X-Forwarded-For got a fresh bucket."""
    settings.TAZA_INTAKE_RATE = "2/m"
    codes = [
        client.post(
            "/signup/",
            {
                "username": f"forger{n}",
                "first_name": "F",
                "email": f"f{n}@example.kz",
                "password": "long-enough-pass-2026",
            },
            REMOTE_ADDR="203.0.113.50",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]
    assert codes[:2] == [302, 302] and codes[2:] == [400, 400]


def test_behind_a_proxy_on_a_unix_socket_the_forwarded_address_is_believed(settings):
    """A unix socket gives no REMOTE_ADDR, and only the local proxy can connect to it."""
    settings.TAZA_BEHIND_PROXY = True
    settings.TAZA_TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert client_ip(request) == "198.51.100.4"
    settings.TAZA_BEHIND_PROXY = False
    assert client_ip(request) == "0.0.0.0"  # noqa: S104 (a bucket name)
