"""What every page's header needs to know about the person reading it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from taza.accounts.permissions import scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Say which staff links the header shows, from the same rules the pages apply."""
    return {"may_use_console": scope_of(getattr(request, "user", None)).works_reports}
