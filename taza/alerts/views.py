"""The page where staff choose their alerts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from taza.accounts.models import User
from taza.accounts.permissions import scope_of
from taza.alerts.forms import PreferencesForm
from taza.alerts.services import modes_of, set_modes


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Show and keep what the person hears of, and how."""
    user = User.objects.get(pk=request.user.pk or 0)
    scope = scope_of(user)
    if not scope.works_reports:
        raise PermissionDenied(_("Alerts are for staff of akimats, executors and analysts."))
    form = PreferencesForm(request.POST or None, modes=modes_of(user))
    if request.method == "POST" and form.is_valid():
        set_modes(user, dict(form.cleaned_data))
        messages.success(request, _("Your choices are kept."))
        return redirect("alerts:preferences")
    return render(
        request,
        "alerts/preferences.html",
        {"form": form, "email": user.email},
        status=400 if form.errors else 200,
    )
