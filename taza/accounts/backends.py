"""Sign people in: throttle wrong passwords, and let Django's own checks follow Taza's roles."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taza.accounts.permissions import scope_of


class RoleBackend(ModelBackend):
    """Grant every model permission to holders of the administrator role."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return scope_of(user_obj).is_admin or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return scope_of(user_obj).is_admin or super().has_module_perms(user_obj, app_label)


class LoginThrottle(AxesStandaloneBackend):
    """Refuse a sign-in for a locked-out account or client before any password is checked.

    Every sign-in through a page (the login form, the admin's) passes its request and is
    counted. A call without a request (the test client's login(), a management command)
    has no client to count and is let through to the next backend.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)  # type: ignore[no-any-return]


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """Tell a locked-out person in their language how long to wait, with 429."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    response = render(request, "accounts/locked.html", {"cooloff_minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
