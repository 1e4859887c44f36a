"""The page where staff choose their alerts and link the Telegram chat they go to."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taza.accounts.models import User
from taza.accounts.permissions import scope_of
from taza.alerts.forms import PreferencesForm
from taza.alerts.services import (
    CODE_MINUTES,
    chat_link_of,
    issue_chat_code,
    keep_email,
    modes_of,
    set_modes,
    unlink_chat,
)


def _staff_member(request: HttpRequest) -> User:
    """Return the signed-in person, refused unless alerts are for them."""
    user = User.objects.select_related("chat_link").get(pk=request.user.pk or 0)
    if not scope_of(user).works_reports:
        raise PermissionDenied(_("Alerts are for staff of akimats, executors and analysts."))
    return user


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Show and keep what the person hears of, and how, and where their chat stands."""
    user = _staff_member(request)
    link = chat_link_of(user)
    linked = link is not None and link.telegram_id is not None
    form = PreferencesForm(
        request.POST or None,
        modes=modes_of(user),
        send_email=link.email_alerts if linked and link else None,
    )
    if request.method == "POST" and form.is_valid():
        chosen = dict(form.cleaned_data)
        send_email = chosen.pop("send_email", None)
        set_modes(user, chosen)
        if send_email is not None:
            keep_email(user, send_email)
        messages.success(request, _("Your choices are kept."))
        return redirect("alerts:preferences")
    return render(
        request,
        "alerts/preferences.html",
        {
            "form": form,
            "email": user.email,
            "linked": linked,
            "link": link,
            # Without a bot (the embedded default) there is no chat to link.
            "bot_runs": bool(settings.TAZA_BOT_TOKEN),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def link_telegram(request: HttpRequest) -> HttpResponse:
    """Give the person a one-time code to send to the bot, and the link that sends it."""
    user = _staff_member(request)
    if not settings.TAZA_BOT_TOKEN:
        raise Http404(_("This site has no Telegram bot."))
    code = issue_chat_code(user)
    username = settings.TAZA_BOT_USERNAME
    return render(
        request,
        "alerts/link_telegram.html",
        {
            "code": code,
            "minutes": CODE_MINUTES,
            "deep_link": f"https://t.me/{username}?start=link_{code}" if username else "",
            "bot": username,
        },
    )


@login_required
@require_POST
def unlink_telegram(request: HttpRequest) -> HttpResponse:
    """Stop alerts to the person's Telegram chat."""
    user = _staff_member(request)
    if unlink_chat(user, actor=user):
        messages.success(request, _("Alerts no longer go to your Telegram chat."))
    return redirect("alerts:preferences")
