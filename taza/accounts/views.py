"""Pages of people's own accounts: signing up, their work lists' filters, their body's crews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taza.accounts import services
from taza.accounts.forms import SignupForm
from taza.accounts.models import Crew, User, WorkList
from taza.accounts.services import SignupError, sign_up_citizen
from taza.core.clients import intake_limited
from taza.core.errors import DomainError
from taza.core.http import refused_page, safe_next
from taza.core.params import record_id


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


def _back_to(work_list: str, query: str) -> HttpResponseRedirect:
    """Go back to the work list with these filters (a known list only: no open redirect)."""
    url = reverse(work_list) if work_list in WorkList.values else "/"
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@login_required
@require_POST
def save_filter(request: HttpRequest) -> HttpResponse:
    """Keep the list's current filters under the name the person gave, and show the list."""
    user = User.objects.get(pk=request.user.pk or 0)
    try:
        saved = services.save_filter(
            actor=user,
            work_list=request.POST.get("work_list", ""),
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
    except DomainError as exc:
        return refused_page(request, exc)
    messages.success(request, _("Filters kept as “%(name)s”.") % {"name": saved.name})
    return _back_to(saved.work_list, saved.query)


@login_required
@require_POST
def forget_filter(request: HttpRequest, pk: int) -> HttpResponse:
    """Forget one of the person's saved filters and go back to its list."""
    user = User.objects.get(pk=request.user.pk or 0)
    saved = services.forget_filter(actor=user, pk=pk)
    if saved is None:
        raise Http404
    messages.success(request, _("Filters “%(name)s” forgotten.") % {"name": saved.name})
    return _back_to(saved.work_list, services.filter_query(request.POST.get("query", "")))


@login_required
def crews(request: HttpRequest) -> HttpResponse:
    """Show the crews of the bodies the person works for, and the forms to keep them."""
    bodies = list(services.crew_bodies(request.user))
    if not bodies:
        raise PermissionDenied(_("Crews are kept by the staff of akimats and executors."))
    groups = [
        {
            "body": body,
            "crews": list(body.crews.prefetch_related("members")),
            "staff": list(services.body_staff(body)),
        }
        for body in bodies
    ]
    return render(request, "accounts/crews.html", {"groups": groups})


def _member_ids(request: HttpRequest) -> list[int]:
    """Read the ticked members; an id no database holds is refused as not the body's."""
    return [record_id(value) for value in request.POST.getlist("members")]


@login_required
@require_POST
def crew_new(request: HttpRequest) -> HttpResponse:
    """Form a crew of one of the person's bodies."""
    code = request.POST.get("body", "")
    body = services.crew_bodies(request.user).filter(code=code).first()
    if body is None:
        raise PermissionDenied(_("Only the body's own staff keep its crews."))
    try:
        crew = services.create_crew(
            actor=request.user,
            body=body,
            name=request.POST.get("name", ""),
            member_ids=_member_ids(request),
        )
    except DomainError as exc:
        return refused_page(request, exc)
    messages.success(request, _("Crew “%(name)s” formed.") % {"name": crew.name})
    return HttpResponseRedirect(reverse("accounts:crews") + f"#crew-{crew.pk}")


@login_required
@require_POST
def crew_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a crew or change its members, or disband it."""
    crew = get_object_or_404(Crew.objects.select_related("body"), pk=pk)
    try:
        if request.POST.get("action") == "disband":
            services.disband_crew(actor=request.user, crew=crew)
            messages.success(request, _("Crew “%(name)s” disbanded.") % {"name": crew.name})
            return HttpResponseRedirect(reverse("accounts:crews"))
        services.change_crew(
            actor=request.user,
            crew=crew,
            name=request.POST.get("name", ""),
            member_ids=_member_ids(request),
        )
    except DomainError as exc:
        return refused_page(request, exc)
    messages.success(request, _("Crew “%(name)s” kept.") % {"name": crew.name})
    return HttpResponseRedirect(reverse("accounts:crews") + f"#crew-{crew.pk}")
