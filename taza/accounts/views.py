"""Pages of people's own accounts: signing up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from taza.accounts.forms import SignupForm
from taza.accounts.services import SignupError, sign_up_citizen
from taza.core.clients import intake_limited
from taza.core.http import safe_next


def signup(request: HttpRequest) -> HttpResponse:
    """Open a citizen's account, sign them in and send them back where they came from."""
    form = SignupForm(request.POST or None)
    next_url = safe_next(request, "/")
    if request.method == "POST" and form.is_valid():
        # Every valid attempt counts, refused or not, so logins cannot be probed quickly.
        if intake_limited(request, "signup"):
            form.add_error(None, _("Too many sign-ups from this connection; try again later."))
        else:
            data = form.cleaned_data
            try:
                user = sign_up_citizen(
                    username=data["username"],
                    first_name=data["first_name"],
                    email=data["email"],
                    password=data["password"],
                    language=(get_language() or "")[:2],
                )
            except SignupError as exc:
                form.add_error(exc.field, exc.message)
            else:
                login(request, user, backend="taza.accounts.backends.RoleBackend")
                messages.success(request, _("Welcome! Your account is ready."))
                return redirect(next_url)
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )
