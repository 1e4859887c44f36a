"""Draw the parts every work list shares: the person's saved filters and the form to keep one."""

from __future__ import annotations

from typing import Any

from django import template

from taza.accounts.services import filter_query, saved_filters

register = template.Library()


@register.inclusion_tag("accounts/saved_filters.html", takes_context=True)
def saved_filters_of(context: dict[str, Any], work_list: str) -> dict[str, Any]:
    """Return what the saved-filters bar of a list shows: the person's filters, the current."""
    request = context["request"]
    query = filter_query(request.GET.urlencode())
    return {
        "work_list": work_list,
        "filters": saved_filters(request.user, work_list),
        "query": query,
        "csrf_token": context.get("csrf_token"),
    }
