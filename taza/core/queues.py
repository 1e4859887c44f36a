"""Page a work list the same way on every page: the total, and links that keep every filter.

Each list filters and orders its own rows (its FilterSet, its rule of what comes first);
this is what they share: 50 rows a page, a page number that never fails (a wrong one
shows the last or first page), and the request's filters and order carried by the links
to the previous and next pages (``core/_pager.html``) and by the saved-filters bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueuePage:
    """One page of a work list and the filters its links carry."""

    page: Page[Any]
    query: str  # the request's parameters without the page, URL-encoded

    @property
    def total(self) -> int:
        return self.page.paginator.count


def page_of(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> QueuePage:
    """Return the page of the list the request asks for, with its filters kept for links."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return QueuePage(page=page, query=kept.urlencode())


def map_point(
    *, lat: float, lon: float, label: str, url: str, late: bool = False
) -> dict[str, Any]:
    """Return one row of a list as the shared map draws it (``queue-map.js``): late in red."""
    return {"lat": lat, "lon": lon, "label": label, "url": url, "overdue": late}
